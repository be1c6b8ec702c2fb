import type { AliasRule } from '../registry/model-views.js';
import type { Comparison } from './model-comparison.js';

export interface RuleVerdict extends AliasRule {
  alias: string;
  passed: boolean;
  reason: string;
}

/**
 * Whether a candidate may replace what a protected alias names: its metric may be worse
 * than the current version's by at most the rule's tolerance (lower-is-better metrics
 * the other way round). With nothing to compare against, the alias may take its first
 * version.
 */
export function ruleVerdict(alias: string, rule: AliasRule, comparison: Comparison): RuleVerdict {
  const m = comparison.metrics[rule.metric];
  const base = { alias, ...rule };
  if (!m) return { ...base, passed: false, reason: `the evaluation did not measure ${rule.metric}` };
  if (m.baseline === null || m.difference === null) {
    return { ...base, passed: true, reason: `"${alias}" points at no version yet: nothing to compare against` };
  }
  const worseBy = m.lowerIsBetter ? m.difference : -m.difference;
  const fmt = (v: number) => Number(v.toFixed(6)).toString();
  const passed = worseBy <= rule.tolerance + 1e-12;
  const change = worseBy > 0 ? `worse by ${fmt(worseBy)}` : worseBy < 0 ? `better by ${fmt(-worseBy)}` : 'the same';
  return {
    ...base,
    passed,
    reason:
      `${rule.metric} ${fmt(m.candidate)} against ${fmt(m.baseline)}: ${change}` +
      (passed ? `, within the allowed ${fmt(rule.tolerance)}` : `, more than the allowed ${fmt(rule.tolerance)}`),
  };
}
