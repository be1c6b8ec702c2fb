import type { Frame } from '../frame/frame.js';
import { type FeatureMatrix, hstackCsr } from '../linalg/csr-matrix.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import { MeanImputer } from '../preprocessing/mean-imputer.js';
import { StandardScaler } from '../preprocessing/standard-scaler.js';
import { addTextVectorizerNodes } from '../text/text-onnx.js';
import { TextVectorizer, type TextVectorizerParams, type TextVectorizerState } from '../text/text-vectorizer.js';

import { type ColumnKinds, type FeatureSpec, featureSpec, numbersOf, stringsOf } from './column-kinds.js';

export type { FeatureSpec } from './column-kinds.js';

export interface FeaturePipelineState {
  features: FeatureSpec[];
  scale: boolean;
  imputeFill: number[];
  scaleMean: number[];
  scaleStd: number[];
  /** Fitted text vectorisers by column. */
  text?: Record<string, TextVectorizerState>;
}

/**
 * Frame → numeric matrix, as fitted on training rows: numeric columns and ordinal ranks
 * with missing values filled by their mean and (for learners that want it) standardised,
 * then one-hot blocks for categorical columns (and ordinal ones, for trees), then a
 * TF-IDF block per text column (the matrix is then sparse). The same steps become ONNX nodes, one graph input per column, so a served
 * model takes records by column name.
 */
export class FeaturePipeline {
  private imputer = new MeanImputer();
  private scaler = new StandardScaler();
  private vectorizers = new Map<string, TextVectorizer>();

  constructor(
    readonly features: FeatureSpec[],
    readonly scale: boolean,
    private readonly textParams: Partial<TextVectorizerParams> = {},
  ) {}

  /**
   * Chooses features from a frame: every column but the target, or the ones named, each
   * read as `kinds` declares or as its values suggest (see featureSpec); `ignore`d ones
   * left out. `oneHotOrdinals`: ordinal columns also get one-hot blocks (trees).
   */
  static forFrame(
    frame: Frame,
    target: string,
    scale: boolean,
    only?: string[],
    textParams?: Partial<TextVectorizerParams>,
    kinds: ColumnKinds = {},
    oneHotOrdinals = false,
  ): FeaturePipeline {
    const names = only ?? frame.names.filter((n) => n !== target);
    const specs = names
      .map((name) => featureSpec(frame, name, kinds[name], oneHotOrdinals))
      .filter((f): f is FeatureSpec => f !== undefined);
    if (specs.length === 0) throw new Error('no feature columns are left to learn from');
    return new FeaturePipeline(specs, scale, textParams);
  }

  /** True when transform gives a sparse matrix (there is a text column). */
  get sparse(): boolean {
    return this.features.some((f) => f.kind === 'text');
  }

  /** The columns read as numbers (numeric ones and ordinal ranks), in the matrix's order. */
  get numeric(): string[] {
    return this.features.filter((f) => f.kind === 'numeric' || f.kind === 'ordinal').map((f) => f.name);
  }

  /** The one-hot blocks: categorical columns, and ordinal ones that have one. */
  private get oneHot(): Array<{ name: string; categories: string[] }> {
    const out: Array<{ name: string; categories: string[] }> = [];
    for (const f of this.features) {
      if (f.kind === 'categorical') out.push({ name: f.name, categories: f.categories });
      else if (f.kind === 'ordinal' && f.oneHot) out.push({ name: f.name, categories: f.order });
    }
    return out;
  }

  get width(): number {
    return this.denseWidth + this.features.reduce((n, f) => n + (this.vectorizers.get(f.name)?.width ?? 0), 0);
  }

  /** Numbers and one-hot blocks. */
  private get denseWidth(): number {
    return this.numeric.length + this.oneHot.reduce((n, b) => n + b.categories.length, 0);
  }

  fit(frame: Frame): this {
    this.fitTransform(frame);
    return this;
  }

  /** Fits, and gives the training rows' matrix (text analysed once). */
  fitTransform(frame: Frame): FeatureMatrix {
    const num = this.numericMatrix(frame);
    this.imputer.fit(num);
    if (this.scale) this.scaler.fit(this.imputer.transform(num));
    const dense = this.transformDense(frame);
    if (!this.sparse) return dense;
    const blocks: FeatureMatrix[] = [dense];
    for (const f of this.features) {
      if (f.kind !== 'text') continue;
      const v = new TextVectorizer(this.textParams);
      blocks.push(v.fitTransform(textOf(frame, f.name)));
      this.vectorizers.set(f.name, v);
    }
    return hstackCsr(blocks);
  }

  /**
   * A readable name per matrix column: numeric columns by name, one-hot columns as
   * `column=value`, text columns as their n-grams.
   */
  featureName(j: number): string {
    // transform()'s layout: every numeric column, then the one-hot blocks, then the text blocks.
    const numeric = this.numeric;
    if (j < numeric.length) return numeric[j] as string;
    let offset = numeric.length;
    for (const f of this.oneHot) {
      if (j < offset + f.categories.length) return `${f.name}=${f.categories[j - offset]}`;
      offset += f.categories.length;
    }
    for (const f of this.features) {
      if (f.kind !== 'text') continue;
      const v = this.vectorizers.get(f.name) as TextVectorizer;
      if (j < offset + v.width) return v.featureName(j - offset);
      offset += v.width;
    }
    return `#${j}`;
  }

  /** The fitted vectoriser of a text column. */
  vectorizer(column: string): TextVectorizer | undefined {
    return this.vectorizers.get(column);
  }

  transform(frame: Frame): FeatureMatrix {
    const dense = this.transformDense(frame);
    if (!this.sparse) return dense;
    const blocks: FeatureMatrix[] = [dense];
    for (const f of this.features) {
      if (f.kind === 'text')
        blocks.push((this.vectorizers.get(f.name) as TextVectorizer).transform(textOf(frame, f.name)));
    }
    return hstackCsr(blocks);
  }

  /** Numeric and one-hot columns. */
  private transformDense(frame: Frame): DenseMatrix {
    let num = this.imputer.transform(this.numericMatrix(frame));
    if (this.scale) num = this.scaler.transform(num);
    const n = frame.nRows;
    const width = this.denseWidth;
    const out = new Float64Array(n * width);
    for (let r = 0; r < n; r++) out.set(num.data.subarray(r * num.cols, (r + 1) * num.cols), r * width);
    let offset = num.cols;
    for (const f of this.oneHot) {
      const index = categoryIndex(frame, f.name, f.categories);
      for (let r = 0; r < n; r++) {
        const k = index[r] as number;
        if (k >= 0) out[r * width + offset + k] = 1;
      }
      offset += f.categories.length;
    }
    return { rows: n, cols: width, data: out };
  }

  state(): FeaturePipelineState {
    return {
      features: this.features,
      scale: this.scale,
      imputeFill: Array.from(this.imputer.fill),
      scaleMean: Array.from(this.scaler.mean),
      scaleStd: Array.from(this.scaler.scale),
      text: Object.fromEntries([...this.vectorizers].map(([name, v]) => [name, v.state()])),
    };
  }

  static fromState(s: FeaturePipelineState): FeaturePipeline {
    const p = new FeaturePipeline(s.features, s.scale);
    for (const [name, v] of Object.entries(s.text ?? {})) p.vectorizers.set(name, TextVectorizer.fromState(v));
    p.imputer.fill = Float64Array.from(s.imputeFill);
    p.scaler.mean = Float64Array.from(s.scaleMean);
    p.scaler.scale = Float64Array.from(s.scaleStd);
    return p;
  }

  /**
   * Graph inputs, one per column (numeric FP32 [N,1], categorical BYTES [N,1]), and the
   * nodes that build the learner's FP32 [N, width] input; returns that tensor's name.
   */
  addOnnxNodes(graph: OnnxGraphBuilder): string {
    graph.opset('ai.onnx.ml', 3);
    const parts: string[] = [];
    const numeric = this.numeric;
    if (numeric.length > 0) {
      const numbers: string[] = [];
      this.features.forEach((f, i) => {
        if (f.kind === 'numeric') {
          graph.input(f.name, 'FP32', ['N', 1]);
          numbers.push(f.name);
        } else if (f.kind === 'ordinal') {
          // A category string → its rank; outside the order → NaN, which the Imputer fills.
          graph.input(f.name, 'BYTES', ['N', 1]);
          graph.node(
            'LabelEncoder',
            [f.name],
            [`fp_rank_${i}`],
            {
              keys_strings: { strings: f.order },
              values_floats: { floats: f.order.map((_, r) => r) },
              default_float: { float: Number.NaN },
            },
            'ai.onnx.ml',
          );
          numbers.push(`fp_rank_${i}`);
        }
      });
      graph.node('Concat', numbers, ['fp_numeric'], { axis: { int: 1 } });
      graph.node(
        'Imputer',
        ['fp_numeric'],
        ['fp_imputed'],
        { imputed_value_floats: { floats: this.imputer.fill }, replaced_value_float: { float: Number.NaN } },
        'ai.onnx.ml',
      );
      let last = 'fp_imputed';
      if (this.scale) {
        graph.node(
          'Scaler',
          ['fp_imputed'],
          ['fp_scaled'],
          { offset: { floats: this.scaler.mean }, scale: { floats: this.scaler.scale.map((s) => 1 / s) } },
          'ai.onnx.ml',
        );
        last = 'fp_scaled';
      }
      parts.push(last);
    }
    this.features.forEach((f, i) => {
      if (f.kind !== 'categorical' && !(f.kind === 'ordinal' && f.oneHot)) return;
      const categories = f.kind === 'categorical' ? f.categories : f.order;
      if (f.kind === 'categorical') graph.input(f.name, 'BYTES', ['N', 1]);
      // OneHotEncoder adds a trailing axis: [N,1] → [N,1,C]; reshape to [N,C].
      graph.node(
        'OneHotEncoder',
        [f.name],
        [`fp_onehot3_${i}`],
        { cats_strings: { strings: categories }, zeros: { int: 1 } },
        'ai.onnx.ml',
      );
      graph.initializer({
        name: `fp_onehot_shape_${i}`,
        datatype: 'INT64',
        dims: [2],
        values: [-1, categories.length],
      });
      graph.node('Reshape', [`fp_onehot3_${i}`, `fp_onehot_shape_${i}`], [`fp_onehot_${i}`]);
      parts.push(`fp_onehot_${i}`);
    });
    // Text blocks after the dense ones, as transform() stacks them.
    this.features.forEach((f, i) => {
      if (f.kind !== 'text') return;
      graph.input(f.name, 'BYTES', ['N', 1]);
      parts.push(addTextVectorizerNodes(graph, this.vectorizers.get(f.name) as TextVectorizer, f.name, String(i)));
    });
    if (parts.length === 1) return parts[0] as string;
    graph.node('Concat', parts, ['fp_features'], { axis: { int: 1 } });
    return 'fp_features';
  }

  private numericMatrix(frame: Frame): DenseMatrix {
    const specs = this.features.filter((f) => f.kind === 'numeric' || f.kind === 'ordinal');
    const n = frame.nRows;
    const d = specs.length;
    const data = new Float64Array(n * d);
    specs.forEach((f, c) => {
      const values =
        f.kind === 'ordinal'
          ? Float64Array.from(categoryIndex(frame, f.name, f.order), (k) => (k < 0 ? Number.NaN : k))
          : numbersOf(frame.column(f.name));
      for (let r = 0; r < n; r++) data[r * d + c] = values[r] as number;
    });
    return { rows: n, cols: d, data };
  }
}

/** Each row's index in `categories` (−1: missing or unknown), whatever kind the column is. */
function categoryIndex(frame: Frame, name: string, categories: string[]): Int32Array {
  const col = frame.column(name);
  const index = new Map(categories.map((c, i) => [c, i]));
  if (col.kind === 'categorical') {
    // The frame's dictionary may differ from the training one: map by value, once per code.
    const map = col.dictionary.map((v) => index.get(v) ?? -1);
    return Int32Array.from(col.codes, (code) => (code < 0 ? -1 : (map[code] as number)));
  }
  return Int32Array.from(stringsOf(col), (v) => (v === null ? -1 : (index.get(v) ?? -1)));
}

function textOf(frame: Frame, name: string): Array<string | null> {
  return stringsOf(frame.column(name));
}
