/** One spelling for a metric name: `macroF1`, `macro_f1` and `MacroF1` are `macrof1`. */
export function metricKey(name: string): string {
  return name.toLowerCase().replace(/[_\s-]/g, '');
}

const LOWER_IS_BETTER = new Set(['rmse', 'mae', 'mse', 'logloss']);

/** Errors and losses: lower is better. */
export function lowerIsBetter(name: string): boolean {
  return LOWER_IS_BETTER.has(metricKey(name));
}
