/**
 * Categories that carry an order, recognised from how they are written: percentages
 * ("0%", "12.5%"), ranges ("1 - 10%", "30-40", "10–20k"), open bands ("< 5k", "<=10",
 * "> 100", "100+", "5k or more"), and levels ("Level 3", "Tier 2", "Grade 10"). Such a
 * column is a number in disguise: its values sort by the quantity they stand for.
 */

/** Where a value sits on its scale: the quantity it stands for, and a tie-breaker. */
interface Position {
  at: number;
  /** Between values at the same quantity: "< 5" (−1) before "5 - 10" (0) before "5+" (+1); then a range's upper end. */
  side: number;
  upper: number;
  /** "Level", "Tier": every value of a level scale must share it. */
  word?: string;
  /** Written as a plain number (these alone do not make a column ordinal). */
  plain: boolean;
}

const UNITS: Record<string, number> = { '': 1, k: 1e3, m: 1e6, b: 1e9, bn: 1e9 };
// "1,000" groups thousands; "2,5" is a decimal comma.
const NUMBER = String.raw`([-+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?))\s*(k|m|bn|b)?`;
const CURRENCY = /[$€£¥￥]/g;
const RANGE = new RegExp(String.raw`^${NUMBER}\s*%?\s*(?:-|–|—|to|~)\s*${NUMBER}\s*%?$`, 'i');
const BELOW = new RegExp(String.raw`^(?:<=?|≤|under|below|less than|up to)\s*${NUMBER}\s*%?$`, 'i');
const ABOVE = new RegExp(String.raw`^(?:>=?|≥|over|above|more than)\s*${NUMBER}\s*%?$`, 'i');
const PLUS = new RegExp(String.raw`^${NUMBER}\s*%?\s*(?:\+|or more|and (?:over|above|up))$`, 'i');
const SINGLE = new RegExp(String.raw`^${NUMBER}\s*(%)?$`, 'i');
const LEVEL = /^([a-z][a-z ]{0,20}?)\s*#?\s*(\d+)$/i;

function quantity(digits: string, unit: string | undefined): number {
  const n = /,\d{3}(?:\D|$)/.test(digits) ? digits.replaceAll(',', '') : digits.replace(',', '.');
  return Number(n) * (UNITS[(unit ?? '').toLowerCase()] ?? 1);
}

/** A value's place on its scale, or undefined when it is not written as one. */
export function ordinalPosition(raw: string): Position | undefined {
  const v = raw.trim().replace(CURRENCY, '').replace(/\s+/g, ' ');
  let m = RANGE.exec(v);
  if (m) {
    const lo = quantity(m[1] as string, m[2]);
    const hi = quantity(m[3] as string, m[4] ?? m[2]);
    return hi >= lo ? { at: lo, side: 0, upper: hi, plain: false } : undefined;
  }
  m = BELOW.exec(v);
  if (m) return { at: quantity(m[1] as string, m[2]), side: -1, upper: 0, plain: false };
  m = ABOVE.exec(v) ?? PLUS.exec(v);
  if (m) return { at: quantity(m[1] as string, m[2]), side: 1, upper: 0, plain: false };
  m = SINGLE.exec(v);
  if (m) return { at: quantity(m[1] as string, m[2]), side: 0, upper: 0, plain: !m[2] && !m[3] };
  m = LEVEL.exec(v);
  if (m) return { at: Number(m[2]), side: 0, upper: 0, word: (m[1] as string).toLowerCase().trim(), plain: false };
  return undefined;
}

/**
 * The values in their order when every one of them is written on one scale (and at
 * least one is more than a plain number); else undefined. Two values at the same place
 * (" 5%" and "5%") make the order ambiguous: undefined too.
 */
export function ordinalOrder(values: readonly string[]): string[] | undefined {
  const distinct = [...new Set(values)];
  if (distinct.length < 2) return undefined;
  const placed: Array<{ value: string; p: Position }> = [];
  for (const value of distinct) {
    const p = ordinalPosition(value);
    if (!p) return undefined;
    placed.push({ value, p });
  }
  const words = new Set(placed.map((x) => x.p.word));
  if (words.size > 1) return undefined; // "Level 3" beside "Tier 2", or beside a bare number
  if (placed.every((x) => x.p.plain)) return undefined; // plain numbers: a numeric column
  placed.sort((a, b) => a.p.at - b.p.at || a.p.side - b.p.side || a.p.upper - b.p.upper);
  for (let i = 1; i < placed.length; i++) {
    const a = (placed[i - 1] as { p: Position }).p;
    const b = (placed[i] as { p: Position }).p;
    if (a.at === b.at && a.side === b.side && a.upper === b.upper) return undefined;
  }
  return placed.map((x) => x.value);
}
