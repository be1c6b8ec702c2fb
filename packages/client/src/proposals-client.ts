import type { AliasRule, EvaluationSettings, Proposal, ProposalSource, ProposalState } from './proposal-types.js';
import { resourcePath, seg } from './resource-path.js';
import type { Transport } from './transport.js';
import type { Model } from './types.js';

const SETTLED = new Set<ProposalState>(['evaluated', 'failed', 'merged', 'closed']);

/** Change proposals on a model, its evaluation data and protected aliases (`client.proposals`). */
export class ProposalsClient {
  constructor(private readonly t: Transport) {}

  open(
    model: string,
    input: { title: string; description?: string; source: ProposalSource; alias?: string },
  ): Promise<Proposal> {
    return this.t.json('POST', `/api/v1/models/${resourcePath(model)}/proposals`, input);
  }
  async list(model: string, state?: ProposalState): Promise<Proposal[]> {
    const q = state ? `?state=${state}` : '';
    return (await this.t.json<{ proposals: Proposal[] }>('GET', `/api/v1/models/${resourcePath(model)}/proposals${q}`))
      .proposals;
  }
  get(model: string, number: number): Promise<Proposal> {
    return this.t.json('GET', `/api/v1/models/${resourcePath(model)}/proposals/${number}`);
  }
  /** Polls until the evaluation is done (or failed), at most `timeoutMs`. */
  async settled(model: string, number: number, timeoutMs = 120_000): Promise<Proposal> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const p = await this.get(model, number);
      if (SETTLED.has(p.state)) return p;
      if (Date.now() > until) throw new Error(`proposal ${number} is still ${p.state} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  merge(model: string, number: number): Promise<Proposal> {
    return this.t.json('POST', `/api/v1/models/${resourcePath(model)}/proposals/${number}/merge`);
  }
  evaluate(model: string, number: number): Promise<Proposal> {
    return this.t.json('POST', `/api/v1/models/${resourcePath(model)}/proposals/${number}/evaluate`);
  }
  setState(model: string, number: number, state: 'open' | 'closed'): Promise<Proposal> {
    return this.t.json('PATCH', `/api/v1/models/${resourcePath(model)}/proposals/${number}`, { state });
  }
  setEvaluation(model: string, settings: EvaluationSettings): Promise<Model> {
    return this.t.json('PUT', `/api/v1/models/${resourcePath(model)}/evaluation`, settings);
  }
  async clearEvaluation(model: string): Promise<void> {
    await this.t.request('DELETE', `/api/v1/models/${resourcePath(model)}/evaluation`);
  }
  protect(model: string, alias: string, rule: AliasRule): Promise<Model> {
    return this.t.json('PUT', `/api/v1/models/${resourcePath(model)}/aliases/${seg(alias)}/protection`, rule);
  }
  async unprotect(model: string, alias: string): Promise<void> {
    await this.t.request('DELETE', `/api/v1/models/${resourcePath(model)}/aliases/${seg(alias)}/protection`);
  }
}
