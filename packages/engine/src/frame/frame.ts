import { type Column, type ColumnKind, categoricalFrom, columnLength, numericFrom } from './column.js';

/**
 * A columnar table: named columns of equal length. Learners read numeric columns as
 * typed arrays; preprocessing turns categorical and text columns into numbers.
 */
export class Frame {
  readonly nRows: number;
  private readonly byName: Map<string, Column>;

  constructor(columns: Iterable<[string, Column]>) {
    this.byName = new Map(columns);
    const lengths = new Set([...this.byName.values()].map(columnLength));
    if (lengths.size > 1) throw new Error(`columns differ in length: ${[...lengths].join(', ')}`);
    this.nRows = lengths.size ? ([...lengths][0] as number) : 0;
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  column(name: string): Column {
    const c = this.byName.get(name);
    if (!c) throw new Error(`no column "${name}" (columns: ${this.names.join(', ')})`);
    return c;
  }

  kind(name: string): ColumnKind {
    return this.column(name).kind;
  }

  select(names: string[]): Frame {
    return new Frame(names.map((n) => [n, this.column(n)]));
  }

  drop(names: string[]): Frame {
    const gone = new Set(names);
    return new Frame([...this.byName].filter(([n]) => !gone.has(n)));
  }

  /** The given rows, in the given order (categorical dictionaries are kept whole). */
  take(rows: ArrayLike<number>): Frame {
    const out: Array<[string, Column]> = [];
    for (const [name, c] of this.byName) {
      if (c.kind === 'numeric') {
        const v = new Float64Array(rows.length);
        for (let i = 0; i < rows.length; i++) v[i] = c.values[rows[i] as number] as number;
        out.push([name, { kind: 'numeric', values: v }]);
      } else if (c.kind === 'categorical') {
        const codes = new Int32Array(rows.length);
        for (let i = 0; i < rows.length; i++) codes[i] = c.codes[rows[i] as number] as number;
        out.push([name, { kind: 'categorical', codes, dictionary: c.dictionary }]);
      } else {
        out.push([name, { kind: 'text', values: Array.from(rows, (r) => c.values[r] ?? null) }]);
      }
    }
    return new Frame(out);
  }

  /**
   * A frame from records (`{column: value}`), each column's kind given or inferred:
   * numeric when every present value is a number or a numeric string, text for mostly
   * distinct strings with spaces, else categorical.
   */
  static fromRecords(records: Array<Record<string, unknown>>, kinds: Record<string, ColumnKind> = {}): Frame {
    // Columns in the order the records first show them, then any only named in `kinds`.
    const names = new Set<string>();
    for (const r of records) for (const k of Object.keys(r)) names.add(k);
    for (const k of Object.keys(kinds)) names.add(k);
    const cols: Array<[string, Column]> = [];
    for (const name of names) {
      const raw = records.map((r) => r[name] as string | number | null | undefined);
      const kind = kinds[name] ?? inferKind(raw);
      if (kind === 'numeric') cols.push([name, numericFrom(raw)]);
      else if (kind === 'categorical') cols.push([name, categoricalFrom(raw)]);
      else
        cols.push([name, { kind: 'text', values: raw.map((v) => (v === null || v === undefined ? null : String(v))) }]);
    }
    return new Frame(cols);
  }
}

/**
 * Numeric when every present value is a number; text when the strings are mostly
 * distinct and some hold whitespace (sentences, not codes); else categorical.
 */
function inferKind(values: Array<string | number | null | undefined>): ColumnKind {
  let numeric = true;
  for (const v of values) {
    if (v === null || v === undefined || v === '') continue;
    if (typeof v === 'number') continue;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) continue;
    numeric = false;
    break;
  }
  if (numeric) return 'numeric';
  const present = values.filter((v) => v !== null && v !== undefined && v !== '').map(String);
  const distinct = new Set(present).size;
  const spaced = present.some((v) => /\s/.test(v.trim()));
  return spaced && distinct > Math.max(20, present.length / 2) ? 'text' : 'categorical';
}
