import { resourcePath, seg } from './resource-path.js';
import type { Transport } from './transport.js';

export interface RolloutVersionStats {
  requests: number;
  errors: number;
  latencyMs: { p50: number; p99: number } | null;
}

export interface Deployment {
  model: string;
  alias: string;
  stable: number | null;
  routes: Array<{ version: number; weight: number; stats: RolloutVersionStats }>;
  shadow: {
    version: number;
    compared: number;
    agreed: number;
    failed: number;
    agreement: number | null;
    stats: RolloutVersionStats;
  } | null;
  sticky: 'caller' | 'key';
  proposal: number | null;
  startedBy: string;
  startedAt: string;
}

export interface DeploymentInput {
  alias?: string;
  routes: Array<{ version: number; weight: number }>;
  shadow?: { version: number } | null;
  sticky?: 'caller' | 'key';
}

/** Rollouts of a model's alias: canary weights, a shadow, promote, roll back (`client.deployments`). */
export class DeploymentsClient {
  constructor(private readonly t: Transport) {}

  put(model: string, input: DeploymentInput): Promise<Deployment> {
    return this.t.json('PUT', `/api/v1/models/${resourcePath(model)}/deployment`, input);
  }
  get(model: string, alias?: string): Promise<Deployment> {
    return this.t.json('GET', `/api/v1/models/${resourcePath(model)}/deployment${alias ? `?alias=${seg(alias)}` : ''}`);
  }
  async promote(model: string, alias?: string): Promise<void> {
    await this.t.json('POST', `/api/v1/models/${resourcePath(model)}/deployment/promote`, alias ? { alias } : {});
  }
  async rollback(model: string, alias?: string): Promise<void> {
    await this.t.request(
      'DELETE',
      `/api/v1/models/${resourcePath(model)}/deployment${alias ? `?alias=${seg(alias)}` : ''}`,
    );
  }
}
