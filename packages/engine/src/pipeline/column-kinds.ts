import type { Column } from '../frame/column.js';
import type { Frame } from '../frame/frame.js';
import { ordinalOrder } from '../frame/ordinal-values.js';

/**
 * How a training request may say to read a column, over what its values suggest:
 * `ordinal` with its order (lowest first; without one, the order its values are written
 * in, "1 - 10%" before "10 - 20%"), `ignore` to leave it out.
 */
export type DeclaredKind =
  | 'numeric'
  | 'categorical'
  | 'text'
  | 'ignore'
  | 'ordinal'
  | { kind: 'ordinal'; order: readonly string[] };

export type ColumnKinds = Readonly<Record<string, DeclaredKind>>;

/** How the pipeline reads one input column. */
export type FeatureSpec =
  | { name: string; kind: 'numeric' }
  /** One-hot over the training categories; an unknown category at predict time is all zeros. */
  | { name: string; kind: 'categorical'; categories: string[] }
  /**
   * Its rank in `order` as a number (a value outside the order is missing, so imputed);
   * with `oneHot`, one-hot indicators over the order as well (trees can then split off a
   * single band as well as cut the scale).
   */
  | { name: string; kind: 'ordinal'; order: string[]; oneHot: boolean }
  /** TF-IDF (or counts) of the text's n-grams: a sparse block. */
  | { name: string; kind: 'text' };

/** Ordinal columns with more levels than this get no one-hot block (it would dwarf the rest). */
const MAX_ONE_HOT_LEVELS = 32;

/**
 * The spec of a column: as declared, else as its values suggest (numbers numeric; strings
 * written on one scale ordinal; other strings categorical; sentences text). Declared
 * kinds convert: a numeric column declared categorical has its numbers as categories,
 * a categorical one declared numeric is parsed (what does not parse is missing).
 */
export function featureSpec(
  frame: Frame,
  name: string,
  declared: DeclaredKind | undefined,
  oneHotOrdinals: boolean,
): FeatureSpec | undefined {
  if (declared === 'ignore') return undefined;
  const col = frame.column(name);
  const kind = typeof declared === 'object' ? declared.kind : declared;
  if (kind === 'numeric') return { name, kind: 'numeric' };
  if (kind === 'text') return { name, kind: 'text' };
  const values = distinctStrings(col);
  if (kind === 'categorical') return { name, kind: 'categorical', categories: values };
  const oneHot = (order: string[]) => oneHotOrdinals && order.length <= MAX_ONE_HOT_LEVELS;
  if (kind === 'ordinal') {
    const order = typeof declared === 'object' ? [...declared.order] : ordinalOrder(values);
    if (!order) {
      throw new Error(
        `column "${name}" is declared ordinal but its values are not written on one scale: give its order ({"kind": "ordinal", "order": [lowest, …, highest]})`,
      );
    }
    checkOrder(name, order, values);
    return { name, kind: 'ordinal', order, oneHot: oneHot(order) };
  }
  if (col.kind === 'numeric') return { name, kind: 'numeric' };
  if (col.kind === 'text') return { name, kind: 'text' };
  const order = ordinalOrder(col.dictionary);
  if (order) return { name, kind: 'ordinal', order, oneHot: oneHot(order) };
  return { name, kind: 'categorical', categories: [...col.dictionary] };
}

function checkOrder(name: string, order: string[], values: string[]): void {
  if (order.length < 2 || new Set(order).size !== order.length) {
    throw new Error(`the order of column "${name}" must list at least two distinct values`);
  }
  const known = new Set(order);
  const outside = values.filter((v) => !known.has(v));
  if (outside.length > 0) {
    throw new Error(
      `column "${name}" has values outside its order: ${outside
        .slice(0, 5)
        .map((v) => `"${v}"`)
        .join(', ')}${outside.length > 5 ? ', …' : ''}`,
    );
  }
}

/** A column's present values as strings, each once (numbers in increasing order). */
function distinctStrings(col: Column): string[] {
  if (col.kind === 'categorical') {
    const seen = new Uint8Array(col.dictionary.length);
    for (const c of col.codes) if (c >= 0) seen[c] = 1;
    return col.dictionary.filter((_, code) => seen[code] === 1);
  }
  if (col.kind === 'numeric') {
    const present = [...new Set(Array.from(col.values).filter((v) => !Number.isNaN(v)))].sort((a, b) => a - b);
    return present.map(String);
  }
  return [...new Set(col.values.filter((v): v is string => v !== null && v !== ''))];
}

/** A column read as strings (numbers as written by String; missing: null). */
export function stringsOf(col: Column): Array<string | null> {
  if (col.kind === 'categorical') return Array.from(col.codes, (c) => (c < 0 ? null : (col.dictionary[c] as string)));
  if (col.kind === 'numeric') return Array.from(col.values, (v) => (Number.isNaN(v) ? null : String(v)));
  return col.values;
}

/** A column read as numbers (strings parsed; what does not parse is NaN, so missing). */
export function numbersOf(col: Column): Float64Array {
  if (col.kind === 'numeric') return col.values;
  return Float64Array.from(stringsOf(col), (v) => (v === null || v.trim() === '' ? Number.NaN : Number(v)));
}
