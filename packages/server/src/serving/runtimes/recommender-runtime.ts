import fs from 'node:fs';
import { RecommenderModel } from '@marquee/engine';
import { Invalid } from '../../errors.js';
import type { Signature } from '../../registry/model-views.js';
import type { Tensor } from '../tensor.js';
import type { ModelRuntime } from './model-runtime.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const DEFAULT_K = 10;
const MAX_K = 1000;

/** A recommender's OIP signature: users in, their top items and scores out. */
export const RECOMMENDER_SIGNATURE: Signature = {
  inputs: [{ name: 'user', datatype: 'BYTES', shape: [-1], alsoAccepts: ['INT64', 'INT32'] }],
  outputs: [
    { name: 'items', datatype: 'BYTES', shape: [-1, -1] },
    { name: 'scores', datatype: 'FP32', shape: [-1, -1] },
    { name: 'fallback', datatype: 'BOOL', shape: [-1] },
  ],
};

/**
 * Serves a recommender over OIP: input `user` (BYTES, or INT64 user ids, [N]) and the
 * request parameter `k` (default 10) give `items` (BYTES [N, k]), `scores` (FP32 [N, k])
 * and `fallback` (BOOL [N]: the user was unknown, so the most popular items came instead).
 * Items a user has already seen are left out unless the parameter `exclude_seen` is false.
 */
export class RecommenderRuntime implements ModelRuntime {
  constructor(
    readonly model: RecommenderModel,
    readonly memoryBytes: number,
  ) {}

  static async load(path: string): Promise<RecommenderRuntime> {
    const bytes = new Uint8Array(await fs.promises.readFile(path));
    return new RecommenderRuntime(RecommenderModel.fromArtifact(bytes), bytes.length * 2 + 1024 * 1024);
  }

  async run(
    inputs: Tensor[],
    outputNames: readonly string[],
    parameters: Record<string, string | number | boolean> = {},
  ): Promise<Map<string, Tensor>> {
    const k = parameters.k === undefined ? DEFAULT_K : Number(parameters.k);
    if (!(Number.isInteger(k) && k >= 1 && k <= MAX_K))
      throw new Invalid(`parameter k must be an integer from 1 to ${MAX_K}`);
    const excludeSeen = parameters.exclude_seen !== false;
    const user = inputs.find((t) => t.name === 'user') as Tensor;
    const users =
      user.datatype === 'BYTES'
        ? (user.data as Uint8Array[]).map((b) => decoder.decode(b))
        : Array.from(user.data as ArrayLike<number | bigint>, (v) => String(v));
    const n = users.length;
    const width = Math.min(k, this.model.items.length);
    const items: Uint8Array[] = [];
    const scores = new Float32Array(n * width);
    const fallback = new Uint8Array(n);
    users.forEach((u, r) => {
      const rec = this.model.recommend(u, width, excludeSeen);
      fallback[r] = rec.fallback ? 1 : 0;
      for (let c = 0; c < width; c++) {
        items.push(encoder.encode(rec.items[c] ?? ''));
        scores[r * width + c] = rec.scores[c] ?? 0;
      }
    });
    const out = new Map<string, Tensor>([
      ['items', { name: 'items', datatype: 'BYTES', shape: [n, width], data: items }],
      ['scores', { name: 'scores', datatype: 'FP32', shape: [n, width], data: scores }],
      ['fallback', { name: 'fallback', datatype: 'BOOL', shape: [n], data: fallback }],
    ]);
    for (const name of [...out.keys()]) if (!outputNames.includes(name)) out.delete(name);
    return out;
  }

  async dispose(): Promise<void> {}
}
