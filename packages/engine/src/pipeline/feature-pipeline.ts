import type { Frame } from '../frame/frame.js';
import { type FeatureMatrix, hstackCsr } from '../linalg/csr-matrix.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import { MeanImputer } from '../preprocessing/mean-imputer.js';
import { StandardScaler } from '../preprocessing/standard-scaler.js';
import { addTextVectorizerNodes } from '../text/text-onnx.js';
import { TextVectorizer, type TextVectorizerParams, type TextVectorizerState } from '../text/text-vectorizer.js';

/** How the pipeline reads one input column. */
export type FeatureSpec =
  | { name: string; kind: 'numeric' }
  /** One-hot over the training categories; an unknown category at predict time is all zeros. */
  | { name: string; kind: 'categorical'; categories: string[] }
  /** TF-IDF (or counts) of the text's n-grams: a sparse block. */
  | { name: string; kind: 'text' };

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
 * Frame → numeric matrix, as fitted on training rows: numeric columns with missing
 * values filled by their mean and (for learners that want it) standardised, then one-hot
 * blocks for categorical columns, then a TF-IDF block per text column (the matrix is
 * then sparse). The same steps become ONNX nodes, one graph input per column, so a served
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

  /** Chooses features from a frame: every column but the target, or the ones named. */
  static forFrame(
    frame: Frame,
    target: string,
    scale: boolean,
    only?: string[],
    textParams?: Partial<TextVectorizerParams>,
  ): FeaturePipeline {
    const names = only ?? frame.names.filter((n) => n !== target);
    const specs: FeatureSpec[] = names.map((name) => {
      const c = frame.column(name);
      if (c.kind === 'numeric') return { name, kind: 'numeric' };
      if (c.kind === 'categorical') return { name, kind: 'categorical', categories: [...c.dictionary] };
      return { name, kind: 'text' };
    });
    return new FeaturePipeline(specs, scale, textParams);
  }

  /** True when transform gives a sparse matrix (there is a text column). */
  get sparse(): boolean {
    return this.features.some((f) => f.kind === 'text');
  }

  get numeric(): string[] {
    return this.features.filter((f) => f.kind === 'numeric').map((f) => f.name);
  }

  get width(): number {
    return this.features.reduce(
      (n, f) =>
        n +
        (f.kind === 'numeric'
          ? 1
          : f.kind === 'categorical'
            ? f.categories.length
            : (this.vectorizers.get(f.name)?.width ?? 0)),
      0,
    );
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
    for (const f of this.features) {
      if (f.kind !== 'categorical') continue;
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
    const width = this.features.reduce(
      (w, f) => w + (f.kind === 'numeric' ? 1 : f.kind === 'categorical' ? f.categories.length : 0),
      0,
    );
    const out = new Float64Array(n * width);
    for (let r = 0; r < n; r++) out.set(num.data.subarray(r * num.cols, (r + 1) * num.cols), r * width);
    let offset = num.cols;
    for (const f of this.features) {
      if (f.kind !== 'categorical') continue;
      const col = frame.column(f.name);
      if (col.kind !== 'categorical') throw new Error(`column "${f.name}" must be categorical`);
      // The frame's dictionary may differ from the training one: map by value.
      const index = new Map(f.categories.map((c, i) => [c, i]));
      const map = col.dictionary.map((v) => index.get(v) ?? -1);
      for (let r = 0; r < n; r++) {
        const code = col.codes[r] as number;
        const k = code < 0 ? -1 : (map[code] as number);
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
      for (const name of numeric) graph.input(name, 'FP32', ['N', 1]);
      graph.node('Concat', numeric, ['fp_numeric'], { axis: { int: 1 } });
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
      if (f.kind !== 'categorical') return;
      graph.input(f.name, 'BYTES', ['N', 1]);
      // OneHotEncoder adds a trailing axis: [N,1] → [N,1,C]; reshape to [N,C].
      graph.node(
        'OneHotEncoder',
        [f.name],
        [`fp_onehot3_${i}`],
        { cats_strings: { strings: f.categories }, zeros: { int: 1 } },
        'ai.onnx.ml',
      );
      graph.initializer({
        name: `fp_onehot_shape_${i}`,
        datatype: 'INT64',
        dims: [2],
        values: [-1, f.categories.length],
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
    const names = this.numeric;
    const n = frame.nRows;
    const data = new Float64Array(n * names.length);
    names.forEach((name, c) => {
      const col = frame.column(name);
      if (col.kind !== 'numeric') throw new Error(`column "${name}" must be numeric`);
      for (let r = 0; r < n; r++) data[r * names.length + c] = col.values[r] as number;
    });
    return { rows: n, cols: names.length, data };
  }
}

function textOf(frame: Frame, name: string): Array<string | null> {
  const col = frame.column(name);
  if (col.kind === 'text') return col.values;
  if (col.kind === 'categorical') return Array.from(col.codes, (c) => (c < 0 ? null : (col.dictionary[c] as string)));
  throw new Error(`column "${name}" must be text`);
}
