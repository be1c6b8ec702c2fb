import type { MarqueeClient, ModelVersion } from '@marquee/client';

/** Creates `owner/name` and uploads one ONNX version. */
export async function pushModel(
  client: MarqueeClient,
  fullName: string,
  onnx: Uint8Array,
  opts: { visibility?: 'public' | 'private'; task?: 'classification' | 'regression' | 'other' } = {},
): Promise<ModelVersion> {
  const [owner, name] = fullName.split('/') as [string, string];
  try {
    await client.getModel(fullName);
  } catch {
    await client.createModel({ owner, name, task: opts.task ?? 'other', visibility: opts.visibility ?? 'private' });
  }
  return client.uploadVersion(fullName, onnx);
}
