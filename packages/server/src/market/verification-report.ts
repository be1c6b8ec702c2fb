import { lowerIsBetter, metricKey } from './metric-names.js';
import { type CardMetadata, cardSections, REQUIRED_SECTIONS, TO_FILL_IN } from './model-card.js';
import type { PublishWorkerResult } from './publish-messages.js';

export interface Check {
  name: string;
  passed: boolean;
  detail: string;
}

/** The quality gate's answer, stored on the version and returned by the publish job. */
export interface VerificationReport {
  model: string;
  version: number;
  passed: boolean;
  checks: Check[];
  /** What the platform measured (held-out evaluation, or its own run on the named dataset). */
  metrics: Record<string, number>;
  metricsSource: string | null;
  claimed: Record<string, number>;
  smoke: PublishWorkerResult['smoke'] | null;
  checkedAt: string;
}

/** How far a claim may be better than the measurement: 1 point for 0–1 scores, 2% for errors. */
export const CLAIM_TOLERANCE = { score: 0.01, errorRelative: 0.02 } as const;

export interface GateInput {
  model: string;
  version: number;
  description: string;
  card: { metadata: CardMetadata; body: string } | null;
  license: string | null;
  hasSignature: boolean;
  measured: { metrics: Record<string, number>; source: string } | { error: string } | null;
  worker: PublishWorkerResult | null;
}

/** Every check of the gate, each with why it passed or failed. */
export function verify(input: GateInput): VerificationReport {
  const checks: Check[] = [];
  const check = (name: string, passed: boolean, detail: string) => checks.push({ name, passed, detail });

  const sections = input.card ? cardSections(input.card.body) : new Map<string, string>();
  const written = (text: string | undefined) => Boolean(text?.trim() && !text.includes(TO_FILL_IN));
  const lead = input.card ? (input.card.body.split(/^## /m)[0] ?? '').replace(/^#.*$/m, '') : '';
  check(
    'card.description',
    written(input.description) || written(lead),
    written(input.description) || written(lead)
      ? 'described'
      : 'give the model a description (the model or the card text before the first section)',
  );
  for (const s of REQUIRED_SECTIONS) {
    const ok = written(sections.get(s.toLowerCase()));
    check(
      `card.${metricKey(s)}`,
      ok,
      ok ? `"## ${s}" is written` : `the card needs a "## ${s}" section, written (not the draft's placeholder)`,
    );
  }
  check(
    'card.license',
    Boolean(input.license),
    input.license ? input.license : 'the card front matter needs `license:` (an SPDX id)',
  );
  check(
    'signature',
    input.hasSignature,
    input.hasSignature ? 'inputs and outputs are known' : 'the version has no signature',
  );

  let metrics: Record<string, number> = {};
  let source: string | null = null;
  if (!input.measured)
    check(
      'metrics.measured',
      false,
      'no platform-measured metrics: name a dataset version to evaluate an uploaded model on (evaluation.dataset, evaluation.target)',
    );
  else if ('error' in input.measured)
    check('metrics.measured', false, `the evaluation failed: ${input.measured.error}`);
  else {
    metrics = input.measured.metrics;
    source = input.measured.source;
    check('metrics.measured', true, `${Object.keys(metrics).join(', ')} measured on ${source}`);
  }
  const claimed = input.card?.metadata.metrics ?? {};
  const measuredByKey = new Map(Object.entries(metrics).map(([k, v]) => [metricKey(k), v]));
  for (const [name, claim] of Object.entries(claimed)) {
    const m = measuredByKey.get(metricKey(name));
    if (m === undefined) {
      check(`claim.${name}`, false, `the card claims ${name} = ${claim}, which the platform did not measure`);
      continue;
    }
    const better = lowerIsBetter(name)
      ? claim < m * (1 - CLAIM_TOLERANCE.errorRelative)
      : claim > m + CLAIM_TOLERANCE.score;
    check(
      `claim.${name}`,
      !better,
      better
        ? `the card claims ${name} = ${claim}; the platform measured ${round(m)}, beyond the tolerance (${lowerIsBetter(name) ? '2%' : '0.01'})`
        : `claimed ${claim}, measured ${round(m)}`,
    );
  }

  const smoke = input.worker?.smoke ?? null;
  if (!smoke) check('smoke.load', false, 'the smoke test did not run');
  else {
    check('smoke.load', !smoke.error, smoke.error ?? `loaded in ${smoke.loadMs} ms`);
    if (!smoke.error) {
      check(
        'smoke.example',
        smoke.example.ok,
        smoke.example.ok ? 'the example request was answered' : `the example failed: ${smoke.example.error}`,
      );
      const b1 = smoke.latency.batch1;
      check('smoke.latency', Boolean(b1), b1 ? `batch 1 p50 ${b1.p50Ms} ms, p99 ${b1.p99Ms} ms` : 'not measured');
    }
  }
  return {
    model: input.model,
    version: input.version,
    passed: checks.every((c) => c.passed),
    checks,
    metrics,
    metricsSource: source,
    claimed,
    smoke,
    checkedAt: new Date().toISOString(),
  };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
