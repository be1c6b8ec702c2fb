import { Frame, type ModelPipeline } from '@marquee/engine';
import type { Principal } from '../auth/scopes.js';
import { Invalid } from '../errors.js';
import type { TrainingDetails } from '../registry/model-views.js';
import type { InferenceService } from './inference-service.js';
import type { NativeModels } from './native-models.js';
import type { Tensor } from './tensor.js';

export type Prediction =
  | { label: string; probabilities?: Record<string, number> }
  | { value: number }
  | { label: string; probability: number; evidence: Array<{ ngram: string; weight: number }> }
  | { rating: number };

/** How many n-grams a sentiment prediction names. */
const EVIDENCE = 5;

export interface PredictAnswer {
  model: string;
  version: number;
  predictions: Prediction[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * `POST /models/{o}/{n}/predict`: records by column name in, one prediction per record
 * out. A trained version's ONNX model has an input per column (numeric FP32, categorical
 * BYTES, [N, 1]) and does its own preprocessing, so the records become those tensors and
 * go through the same batcher and session as OIP requests: both answer alike.
 */
export class RecordPredictor {
  constructor(
    private readonly inference: InferenceService,
    private readonly natives: NativeModels,
  ) {}

  async predict(
    caller: Principal,
    owner: string,
    name: string,
    version: string | undefined,
    instances: Array<Record<string, unknown>>,
  ): Promise<PredictAnswer> {
    const oipName = `${owner}.${name}`;
    // A rollout routes /predict as it does OIP requests: by the caller (counted and shadowed only there).
    const { version: v } = await this.inference.resolve(caller, oipName, version, { caller: String(caller.userId) });
    const details = v.details;
    if (!details) {
      throw new Invalid(
        `version ${v.version} of ${owner}/${name} was uploaded as ONNX: send tensors to /v2/models/${oipName}/versions/${v.version}/infer`,
      );
    }
    if (details.task === 'recommendation') {
      // Rating predictions for {user, item} records (explicit recommenders).
      const model = await this.natives.recommender(v);
      if (model.feedback !== 'explicit') {
        throw new Invalid(`${owner}/${name} learned from implicit feedback: it predicts no ratings; use /recommend`);
      }
      const predictions = instances.map((r, i) => {
        if (r.user === undefined || r.item === undefined) throw new Invalid(`instance ${i}: give "user" and "item"`);
        // Other fields are the interaction's context (the columns the model learned it from).
        return { rating: model.predictRating(String(r.user), String(r.item), r) };
      });
      return { model: `${owner}/${name}`, version: v.version, predictions };
    }
    const n = instances.length;
    const inputs: Tensor[] = v.signature.inputs.map((spec) => {
      if (spec.datatype === 'BYTES') {
        const data = instances.map((r, i) => encoder.encode(textValue(r[spec.name], i, spec.name)));
        return { name: spec.name, datatype: 'BYTES', shape: [n, 1], data };
      }
      const data = Float32Array.from(instances, (r, i) => numberValue(r[spec.name], i, spec.name));
      return { name: spec.name, datatype: 'FP32', shape: [n, 1], data };
    });
    if (!v.signature.inputs.some((spec) => instances.some((r) => r[spec.name] !== undefined))) {
      throw new Invalid(
        `no instance has any of the model's columns: ${v.signature.inputs.map((s) => s.name).join(', ')}`,
      );
    }
    const answer = await this.inference.infer(caller, oipName, String(v.version), { inputs });
    const predictions = toPredictions(answer.outputs, details, n);
    if (details.task === 'sentiment' && v.nativeSha256) {
      const pipeline = await this.natives.pipeline(v);
      const frame = frameOf(instances, pipeline);
      const why = pipeline.explain(frame, EVIDENCE) ?? [];
      return {
        model: `${owner}/${name}`,
        version: v.version,
        predictions: predictions.map((p, i) => {
          const { label, probabilities } = p as { label: string; probabilities?: Record<string, number> };
          return {
            label,
            probability: probabilities?.[label] ?? 1,
            evidence: (why[i] ?? []).map((e) => ({ ngram: e.feature, weight: e.weight })),
          };
        }),
      };
    }
    return { model: `${owner}/${name}`, version: v.version, predictions };
  }
}

function toPredictions(outputs: Tensor[], details: TrainingDetails, n: number): Prediction[] {
  const byName = new Map(outputs.map((o) => [o.name, o]));
  const value = byName.get('value');
  if (details.task === 'regression' && value) {
    const data = value.data as Float32Array;
    return Array.from({ length: n }, (_, i) => ({ value: data[i] as number }));
  }
  const labels = byName.get('label_name')?.data as Uint8Array[] | undefined;
  if (!labels) throw new Error('a trained classifier answered without label_name');
  const proba = byName.get('probabilities')?.data as Float32Array | undefined;
  const k = details.classes.length;
  return Array.from({ length: n }, (_, i) => {
    const label = decoder.decode(labels[i]);
    if (!proba) return { label };
    const probabilities: Record<string, number> = {};
    details.classes.forEach((c, j) => {
      probabilities[c] = proba[i * k + j] as number;
    });
    return { label, probabilities };
  });
}

/** The records as a frame of the pipeline's columns (for explanations). */
function frameOf(instances: Array<Record<string, unknown>>, pipeline: ModelPipeline): Frame {
  const kinds = Object.fromEntries(pipeline.signature().inputs.map((i) => [i.name, i.kind]));
  const records = instances.map((r) => Object.fromEntries(Object.keys(kinds).map((k) => [k, r[k] ?? null])));
  return Frame.fromRecords(records, kinds);
}

function numberValue(v: unknown, row: number, column: string): number {
  if (v === undefined || v === null || v === '') return Number.NaN; // missing: the model imputes it
  const x = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  if (!Number.isFinite(x)) throw new Invalid(`instance ${row}: "${column}" must be a number, not ${JSON.stringify(v)}`);
  return x;
}

function textValue(v: unknown, row: number, column: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Invalid(`instance ${row}: "${column}" must be a string, not ${JSON.stringify(v)}`);
}
