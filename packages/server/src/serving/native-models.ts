import { decodeArtifact, ModelPipeline, RecommenderModel } from '@marquee/engine';
import { Invalid } from '../errors.js';
import type { ResolvedVersion } from '../registry/model-views.js';

/** Engine artifacts kept decoded. */
const KEEP = 16;

/**
 * Trained versions' engine artifacts, decoded once and kept (a few, most recent), for
 * what the tensor runtimes do not answer: explanations, recommendations by name,
 * similar items, predicted ratings.
 */
export class NativeModels {
  private cache = new Map<number, Promise<ModelPipeline | RecommenderModel>>();

  constructor(private readonly readBlob: (sha256: string) => Promise<Uint8Array>) {}

  async pipeline(v: ResolvedVersion): Promise<ModelPipeline> {
    const m = await this.load(v);
    if (!(m instanceof ModelPipeline)) throw new Invalid(`${v.fullName} version ${v.version} is a recommender`);
    return m;
  }

  async recommender(v: ResolvedVersion): Promise<RecommenderModel> {
    const m = await this.load(v);
    if (!(m instanceof RecommenderModel)) throw new Invalid(`${v.fullName} version ${v.version} is not a recommender`);
    return m;
  }

  private load(v: ResolvedVersion): Promise<ModelPipeline | RecommenderModel> {
    if (!v.nativeSha256)
      throw new Invalid(`${v.fullName} version ${v.version} was uploaded as ONNX: it has no engine artifact`);
    let p = this.cache.get(v.versionId);
    if (!p) {
      if (this.cache.size >= KEEP) this.cache.delete(this.cache.keys().next().value as number);
      p = this.readBlob(v.nativeSha256).then((bytes) =>
        // The artifact says what it holds.
        decodeArtifact(bytes).learner === 'recommender'
          ? RecommenderModel.fromArtifact(bytes)
          : ModelPipeline.fromArtifact(bytes),
      );
      p.catch(() => this.cache.delete(v.versionId));
      this.cache.set(v.versionId, p);
    }
    return p;
  }
}
