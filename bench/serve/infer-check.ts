/**
 * Before a load is measured, the target answers the same request correctly: a wrong
 * answer must not be measured as a fast one (wrk counts any 2xx; h2load cannot see
 * gRPC's status, which rides in trailers).
 */
import { grpcCall, grpcClient } from '../../test/harness/test-server.ts';
import { wrkLoad } from './wrk-load.ts';

/** POSTs `body` to an OIP REST infer `url` and checks the first output has `rows` rows; then warms it with a short wrk run. */
export async function checkRestInfer(url: string, body: string, rows: number, token?: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  const json = (await res.json()) as { outputs?: Array<{ name: string; shape: number[] }> };
  if (res.status !== 200 || json.outputs?.[0]?.shape[0] !== rows)
    throw new Error(`${url} answered ${res.status}: ${JSON.stringify(json)}`);
  // Sessions loaded, hot paths compiled.
  await wrkLoad(url, 8, 3, body, token).catch(() => undefined);
}

/** One gRPC ModelInfer of `rows` × `features` values with a real client: it must answer with raw outputs. */
export async function checkGrpcInfer(
  port: number,
  model: string,
  rows: number,
  token: string,
  features = 20,
): Promise<void> {
  const client = grpcClient(port);
  try {
    const reply = await grpcCall(
      client,
      'ModelInfer',
      {
        model_name: model,
        inputs: [
          {
            name: 'input-0',
            datatype: 'FP32',
            shape: [rows, features],
            contents: { fp32_contents: new Array(rows * features).fill(0.5) },
          },
        ],
      },
      token,
    );
    if (!reply.raw_output_contents?.length) throw new Error(`gRPC ${model} answered ${JSON.stringify(reply)}`);
  } finally {
    client.close();
  }
}
