import { accuracy, type Frame, mae, precisionRecallF1, r2, rmse } from '@marquee/engine';
import type { Signature } from '../registry/model-views.js';
import type { ModelRuntime } from '../serving/runtimes/model-runtime.js';
import type { Tensor } from '../serving/tensor.js';
import { recordTensors } from './example-tensors.js';

const CHUNK = 1_024;
const decoder = new TextDecoder();

export interface EvaluationSpec {
  task: string;
  target: string;
  /** For a model with one `[N, F]` input: the columns that are its features, in order (default: the numeric columns but the target). */
  features?: string[];
}

/**
 * Runs a model over every row of a frame and measures it against the target: accuracy
 * and macro F1 for classifiers (sentiment included), RMSE, MAE and R² for regressors.
 * A model whose inputs are named after columns gets `[n, 1]` tensors per column (what
 * trained versions take); a model with one FP32 `[N, F]` input gets the feature columns
 * as a matrix (what most uploaded ONNX models take).
 */
export async function evaluateOnFrame(
  runtime: ModelRuntime,
  signature: Signature,
  frame: Frame,
  spec: EvaluationSpec,
): Promise<{ metrics: Record<string, number>; rows: number }> {
  const { truth, predicted } = await predictOnFrame(runtime, signature, frame, spec);
  return { metrics: metricsOf(spec.task, truth, predicted), rows: truth.length };
}

/** Every row's true value and the model's answer, both as text (what metricsOf compares). */
export async function predictOnFrame(
  runtime: ModelRuntime,
  signature: Signature,
  frame: Frame,
  spec: EvaluationSpec,
): Promise<{ truth: string[]; predicted: string[] }> {
  if (!frame.names.includes(spec.target)) throw new Error(`the dataset has no target column "${spec.target}"`);
  const inputsOf = tensorMaker(signature, frame, spec);
  const output = pickOutput(signature, spec.task);
  const truth = columnText(frame, spec.target);
  const predicted: string[] = [];
  for (let start = 0; start < frame.nRows; start += CHUNK) {
    const end = Math.min(frame.nRows, start + CHUNK);
    const out = await runtime.run(inputsOf(start, end), [output]);
    const t = out.get(output);
    if (!t) throw new Error(`the model did not answer its output "${output}"`);
    for (let i = 0; i < end - start; i++) {
      const v = Array.isArray(t.data)
        ? decoder.decode(t.data[i])
        : String(Number((t.data as ArrayLike<number | bigint>)[i]));
      predicted.push(v);
    }
  }
  return { truth, predicted };
}

/** The task's metrics of answers against the truth (rows given: only those rows, repeats allowed). */
export function metricsOf(
  task: string,
  truth: string[],
  predicted: string[],
  rows?: ArrayLike<number>,
): Record<string, number> {
  const n = rows ? rows.length : truth.length;
  const at = rows ? (i: number) => rows[i] as number : (i: number) => i;
  if (task === 'regression') {
    const y = new Float64Array(n);
    const p = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = Number(truth[at(i)]);
      p[i] = Number(predicted[at(i)]);
    }
    return { rmse: rmse(y, p), mae: mae(y, p), r2: r2(y, p) };
  }
  const classes = [...new Set([...truth, ...predicted])].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = new Int32Array(n);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = index.get(truth[at(i)] as string) as number;
    p[i] = index.get(predicted[at(i)] as string) as number;
  }
  return { accuracy: accuracy(y, p), macroF1: precisionRecallF1(y, p, classes.length).macroF1 };
}

function tensorMaker(
  signature: Signature,
  frame: Frame,
  spec: EvaluationSpec,
): (start: number, end: number) => Tensor[] {
  const byColumn = signature.inputs.every((s) => frame.names.includes(s.name));
  if (byColumn) {
    const columns = signature.inputs.map((s) => [s.name, columnText(frame, s.name)] as const);
    return (start, end) => {
      const records = [];
      for (let r = start; r < end; r++)
        records.push(Object.fromEntries(columns.map(([n, v]) => [n, v[r] === '' ? null : v[r]])));
      return recordTensors(records, signature);
    };
  }
  const [input, ...more] = signature.inputs;
  if (!input || more.length || input.datatype !== 'FP32' || input.shape.length !== 2) {
    throw new Error(
      `the model's inputs (${signature.inputs.map((s) => s.name).join(', ')}) are neither dataset columns nor one FP32 [N, F] matrix`,
    );
  }
  const features = spec.features ?? frame.names.filter((n) => n !== spec.target && frame.column(n).kind === 'numeric');
  const width = input.shape[1] as number;
  if (width !== -1 && features.length !== width) {
    throw new Error(
      `the model takes ${width} features; the dataset has ${features.length} (${features.slice(0, 8).join(', ')}…): name them in evaluation.features`,
    );
  }
  const columns = features.map((f) => {
    const c = frame.column(f);
    if (c.kind !== 'numeric') throw new Error(`feature "${f}" is not numeric`);
    return c.values;
  });
  return (start, end) => {
    const data = new Float32Array((end - start) * columns.length);
    for (let r = start; r < end; r++) {
      for (let j = 0; j < columns.length; j++)
        data[(r - start) * columns.length + j] = (columns[j] as Float64Array)[r] as number;
    }
    return [{ name: input.name, datatype: 'FP32', shape: [end - start, columns.length], data }];
  };
}

function pickOutput(signature: Signature, task: string): string {
  const names = signature.outputs.map((o) => o.name);
  const preferred = task === 'regression' ? ['value', 'variable', 'output'] : ['label_name', 'label', 'output_label'];
  const name = preferred.find((p) => names.includes(p)) ?? names[0];
  if (!name) throw new Error('the model has no outputs');
  return name;
}

/** A column's values as text (numbers as JavaScript prints them; missing as ''). */
export function columnText(frame: Frame, name: string): string[] {
  const c = frame.column(name);
  if (c.kind === 'numeric') return Array.from(c.values, (v) => (Number.isNaN(v) ? '' : String(v)));
  if (c.kind === 'categorical') return Array.from(c.codes, (k) => (k < 0 ? '' : (c.dictionary[k] as string)));
  return c.values.map((v) => v ?? '');
}
