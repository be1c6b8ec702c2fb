/**
 * The request body every target gets: an OIP v2 request with N rows × 20 FP32 values,
 * the same bytes as shared/peers/serving/oip_infer.lua (value i is
 * ((i*7919) % 4001 - 2000) / 500 with 4 decimals), so figures compare with the recorded
 * FastAPI and node:http peers.
 */
export function oipBody(rows: number, features = 20): string {
  const vals: string[] = [];
  for (let i = 0; i < rows * features; i++) vals.push(((((i * 7919) % 4001) - 2000) / 500).toFixed(4));
  return `{"inputs":[{"name":"input-0","shape":[${rows},${features}],"datatype":"FP32","data":[${vals.join(',')}]}]}`;
}
