import fs from 'node:fs';
import { decodeArtifact } from '@marquee/engine';
import { EngineRuntime } from './engine-runtime.js';
import type { ModelRuntime } from './model-runtime.js';
import { RecommenderRuntime } from './recommender-runtime.js';

/** The runtime for an engine artifact: a feature pipeline or a recommender, by what it holds. */
export async function loadNativeRuntime(path: string): Promise<ModelRuntime> {
  const kind = decodeArtifact(new Uint8Array(await fs.promises.readFile(path))).learner;
  return kind === 'recommender' ? RecommenderRuntime.load(path) : EngineRuntime.load(path);
}
