/**
 * One column of a Frame. Missing values: NaN in numeric columns, code -1 in categorical
 * ones, null in text ones.
 */
export type Column = NumericColumn | CategoricalColumn | TextColumn;

export interface NumericColumn {
  kind: 'numeric';
  values: Float64Array;
}

/** Values as codes into a dictionary (first-seen order), so they compare as integers. */
export interface CategoricalColumn {
  kind: 'categorical';
  codes: Int32Array;
  dictionary: string[];
}

/** Free text, for the text vectoriser. */
export interface TextColumn {
  kind: 'text';
  values: Array<string | null>;
}

export type ColumnKind = Column['kind'];

export function columnLength(c: Column): number {
  return c.kind === 'numeric' ? c.values.length : c.kind === 'categorical' ? c.codes.length : c.values.length;
}

/** Builds a categorical column from raw values; null, undefined and '' are missing. */
export function categoricalFrom(values: ArrayLike<string | number | null | undefined>): CategoricalColumn {
  const index = new Map<string, number>();
  const dictionary: string[] = [];
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || v === '') {
      codes[i] = -1;
      continue;
    }
    const key = String(v);
    let code = index.get(key);
    if (code === undefined) {
      code = dictionary.length;
      index.set(key, code);
      dictionary.push(key);
    }
    codes[i] = code;
  }
  return { kind: 'categorical', codes, dictionary };
}

/** Builds a numeric column; null, undefined, '' and non-numbers are missing (NaN). */
export function numericFrom(values: ArrayLike<string | number | null | undefined>): NumericColumn {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v === null || v === undefined || v === '' ? Number.NaN : Number(v);
  }
  return { kind: 'numeric', values: out };
}
