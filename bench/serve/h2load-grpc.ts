/**
 * gRPC load from h2load (Debian's nghttp2-client, C), so that OIP gRPC is measured as
 * REST is with wrk: a generator in its own process that is not the bottleneck. A unary
 * gRPC call is an HTTP/2 POST of one length-prefixed protobuf message, which h2load sends
 * as it is; the answer's grpc-status rides in trailers h2load does not read, so the body
 * is checked with a real gRPC client first (infer-check.ts).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROTO_PATH } from '@marquee/server';
import protobuf from 'protobufjs';
import { pinnedCommand } from './cpu-pinning.ts';
import { ensureDebianTool } from './debian-tool.ts';

const run = promisify(execFile);

export interface GrpcLoadResult {
  rps: number;
  /** Mean latency, ms (h2load gives no percentiles). */
  mean: number;
  requests: number;
  failed: number;
}

/** Installs h2load (nghttp2-client) from Debian when it is missing (or fails early, with the fix). */
export async function checkH2load(): Promise<void> {
  await ensureDebianTool('h2load', 'nghttp2-client', () => run('h2load', ['--version']));
}

/** A ModelInfer request for `model` with `rows` × `features` FP32 values (the REST body's values), framed for the wire. */
export function grpcInferFrame(model: string, rows: number, features = 20): Buffer {
  const root = protobuf.loadSync(PROTO_PATH);
  const type = root.lookupType('inference.ModelInferRequest');
  const values = Array.from({ length: rows * features }, (_, i) =>
    Number(((((i * 7919) % 4001) - 2000) / 500).toFixed(4)),
  );
  const message = type
    .encode(
      type.fromObject({
        modelName: model,
        inputs: [{ name: 'input-0', datatype: 'FP32', shape: [rows, features], contents: { fp32Contents: values } }],
      }),
    )
    .finish();
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt8(0, 0); // not compressed
  frame.writeUInt32BE(message.length, 1);
  Buffer.from(message).copy(frame, 5);
  return frame;
}

/**
 * ModelInfer calls over `connections` HTTP/2 connections (one stream each at a time) for
 * `seconds`; on core `cpu` only when it is given.
 */
export async function h2loadGrpc(
  port: number,
  frame: Buffer,
  connections: number,
  seconds: number,
  token: string,
  cpu?: number,
): Promise<GrpcLoadResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-h2load-'));
  const body = path.join(dir, 'infer.bin');
  fs.writeFileSync(body, frame);
  try {
    const [file, args] = pinnedCommand(
      'h2load',
      [
        '-t1',
        `-c${connections}`,
        '-m1',
        `-D${seconds}`,
        '-d',
        body,
        '-H',
        'content-type: application/grpc',
        '-H',
        'te: trailers',
        '-H',
        `authorization: Bearer ${token}`,
        `http://127.0.0.1:${port}/inference.GRPCInferenceService/ModelInfer`,
      ],
      cpu,
    );
    const { stdout } = await run(file, args, { maxBuffer: 1 << 20 });
    const rps = Number(/finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(stdout)?.[1]);
    const requests = /requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed/.exec(stdout);
    const mean = /time for request:\s+\S+\s+\S+\s+(\S+)/.exec(stdout)?.[1] ?? '';
    const ms = mean.endsWith('us')
      ? Number.parseFloat(mean) / 1000
      : mean.endsWith('ms')
        ? Number.parseFloat(mean)
        : Number.parseFloat(mean) * 1000;
    if (!Number.isFinite(rps) || !requests) throw new Error(`h2load printed no result:\n${stdout}`);
    return { rps, mean: ms, requests: Number(requests[3]), failed: Number(requests[4]) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
