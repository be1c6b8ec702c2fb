const SAMPLES = 512;

interface VersionStats {
  requests: number;
  errors: number;
  /** The last SAMPLES latencies in ms (a ring). */
  latencies: Float64Array;
  next: number;
}

export interface VersionStatsView {
  requests: number;
  errors: number;
  latencyMs: { p50: number; p99: number } | null;
}

export interface ShadowStatsView {
  version: number;
  compared: number;
  agreed: number;
  failed: number;
  agreement: number | null;
}

/**
 * What a rollout's versions did since this process started: requests, errors and
 * latency per version, and how often the shadow agreed with the answer returned. Kept
 * in memory (cheap on the predict path); a restart starts the counts again.
 */
export class RolloutStats {
  private versions = new Map<number, VersionStats>();
  private shadows = new Map<string, { compared: number; agreed: number; failed: number }>();

  served(versionId: number, ms: number, ok: boolean): void {
    let s = this.versions.get(versionId);
    if (!s) {
      s = { requests: 0, errors: 0, latencies: new Float64Array(SAMPLES), next: 0 };
      this.versions.set(versionId, s);
    }
    s.requests++;
    if (!ok) s.errors++;
    s.latencies[s.next % SAMPLES] = ms;
    s.next++;
  }

  shadowed(modelId: number, alias: string, version: number, outcome: 'agreed' | 'differed' | 'failed'): void {
    const key = `${modelId}:${alias}:${version}`;
    let s = this.shadows.get(key);
    if (!s) {
      s = { compared: 0, agreed: 0, failed: 0 };
      this.shadows.set(key, s);
    }
    if (outcome === 'failed') s.failed++;
    else {
      s.compared++;
      if (outcome === 'agreed') s.agreed++;
    }
  }

  version(versionId: number): VersionStatsView {
    const s = this.versions.get(versionId);
    if (!s) return { requests: 0, errors: 0, latencyMs: null };
    const n = Math.min(s.next, SAMPLES);
    const sorted = Float64Array.from(s.latencies.subarray(0, n)).sort();
    const at = (q: number) => Math.round((sorted[Math.min(n - 1, Math.floor(q * n))] as number) * 1000) / 1000;
    return { requests: s.requests, errors: s.errors, latencyMs: n ? { p50: at(0.5), p99: at(0.99) } : null };
  }

  shadow(modelId: number, alias: string, version: number): ShadowStatsView {
    const s = this.shadows.get(`${modelId}:${alias}:${version}`) ?? { compared: 0, agreed: 0, failed: 0 };
    return { version, ...s, agreement: s.compared ? s.agreed / s.compared : null };
  }
}
