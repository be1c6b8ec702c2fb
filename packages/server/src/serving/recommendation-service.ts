import type { Principal } from '../auth/scopes.js';
import { Invalid } from '../errors.js';
import type { InferenceService } from './inference-service.js';
import type { NativeModels } from './native-models.js';
import { APPROXIMATE_FROM, SimilarItemsIndex } from './similar-items-index.js';

export interface RecommendAnswer {
  model: string;
  version: number;
  user: string;
  items: Array<{ item: string; score: number }>;
  /** The user was unknown: these are the most popular items. */
  fallback: boolean;
}

/** Recommendations and similar items from a trained recommender, by user and item name. */
export class RecommendationService {
  private indexes = new Map<number, SimilarItemsIndex>();

  constructor(
    private readonly inference: InferenceService,
    private readonly natives: NativeModels,
  ) {}

  async recommend(
    caller: Principal,
    owner: string,
    name: string,
    req: { user: string | number; k?: number; excludeSeen?: boolean; version?: string },
  ): Promise<RecommendAnswer> {
    const { version: v } = await this.inference.resolve(caller, `${owner}.${name}`, req.version);
    const model = await this.natives.recommender(v);
    const rec = model.recommend(String(req.user), req.k ?? 10, req.excludeSeen ?? true);
    return {
      model: `${owner}/${name}`,
      version: v.version,
      user: String(req.user),
      items: rec.items.map((item, j) => ({ item, score: rec.scores[j] as number })),
      fallback: rec.fallback,
    };
  }

  async similar(
    caller: Principal,
    owner: string,
    name: string,
    req: { item: string | number; k?: number; version?: string },
  ): Promise<{
    model: string;
    version: number;
    item: string;
    items: Array<{ item: string; score: number }>;
    /** From the approximate index (catalogues of 20,000 items and more). */
    approximate: boolean;
  }> {
    const { version: v } = await this.inference.resolve(caller, `${owner}.${name}`, req.version);
    const model = await this.natives.recommender(v);
    const k = req.k ?? 10;
    const factors = model.itemFactors;
    const at = model.itemIndexOf(String(req.item));
    if (factors && at !== undefined && model.items.length >= APPROXIMATE_FROM) {
      const index = await this.indexFor(v.versionId, factors, model.items.length);
      return {
        model: `${owner}/${name}`,
        version: v.version,
        item: String(req.item),
        items: index.nearest(factors, at, k).map((n) => ({ item: model.items[n.index] as string, score: n.score })),
        approximate: true,
      };
    }
    let found: { items: string[]; scores: number[] };
    try {
      found = model.similarItems(String(req.item), k);
    } catch (err) {
      throw new Invalid(err instanceof Error ? err.message : String(err));
    }
    return {
      model: `${owner}/${name}`,
      version: v.version,
      item: String(req.item),
      items: found.items.map((item, j) => ({ item, score: found.scores[j] as number })),
      approximate: false,
    };
  }

  /** The approximate index of a version's items, built on first use (a few are kept). */
  private async indexFor(versionId: number, factors: Float64Array, nItems: number): Promise<SimilarItemsIndex> {
    let index = this.indexes.get(versionId);
    if (!index) {
      if (this.indexes.size >= 4) this.indexes.delete(this.indexes.keys().next().value as number);
      index = SimilarItemsIndex.build(factors, nItems);
      this.indexes.set(versionId, index);
    }
    return index;
  }
}
