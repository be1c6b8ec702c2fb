import { Invalid } from '../api/errors.js';
import type { Principal } from '../auth/scopes.js';
import type { InferenceService } from './inference-service.js';
import type { NativeModels } from './native-models.js';

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
  ): Promise<{ model: string; version: number; item: string; items: Array<{ item: string; score: number }> }> {
    const { version: v } = await this.inference.resolve(caller, `${owner}.${name}`, req.version);
    const model = await this.natives.recommender(v);
    let found: { items: string[]; scores: number[] };
    try {
      found = model.similarItems(String(req.item), req.k ?? 10);
    } catch (err) {
      throw new Invalid(err instanceof Error ? err.message : String(err));
    }
    return {
      model: `${owner}/${name}`,
      version: v.version,
      item: String(req.item),
      items: found.items.map((item, j) => ({ item, score: found.scores[j] as number })),
    };
  }
}
