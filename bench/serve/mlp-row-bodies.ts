/**
 * The request bench:batching sends its MLPs, and profile:serve too: one row of 784 values
 * (value i is ((i*7919) % 256) / 255), as OIP JSON (4 decimals) or in the binary tensor
 * extension with the answer asked for as binary.
 */
const row = Array.from({ length: 784 }, (_, i) => ((i * 7919) % 256) / 255);

export interface MlpRowBody {
  kind: 'json' | 'binary';
  bytes: string | Uint8Array;
  headers: Record<string, string>;
}

export function mlpRowBodies(): MlpRowBody[] {
  const json = JSON.stringify({
    inputs: [{ name: 'input-0', shape: [1, 784], datatype: 'FP32', data: row.map((v) => Number(v.toFixed(4))) }],
  });
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'input-0', shape: [1, 784], datatype: 'FP32', parameters: { binary_data_size: 784 * 4 } }],
      outputs: [{ name: 'probabilities', parameters: { binary_data: true } }],
    }),
  );
  const data = Buffer.from(Float32Array.from(row).buffer);
  return [
    { kind: 'json', bytes: json, headers: { 'Content-Type': 'application/json' } },
    {
      kind: 'binary',
      bytes: Buffer.concat([header, data]),
      headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(header.length) },
    },
  ];
}
