import fs from 'node:fs';
import type { Column, Frame } from '@marquee/engine';

/** A CSV field, quoted when it holds a quote, a comma, a line break or edge spaces (RFC 4180). */
export function csvField(v: string): string {
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** Row `r` of a column as a CSV field (missing values empty). */
export function csvCell(c: Column, r: number): string {
  if (c.kind === 'numeric') {
    const v = c.values[r] as number;
    return Number.isNaN(v) ? '' : String(v);
  }
  if (c.kind === 'categorical') {
    const code = c.codes[r] as number;
    return code < 0 ? '' : csvField(c.dictionary[code] as string);
  }
  const v = c.values[r];
  return v === null || v === undefined ? '' : csvField(v);
}

/** Writes the given rows of a frame (all rows when none are given) to a CSV file with a header. */
export function writeFrameCsv(file: string, frame: Frame, rows?: ArrayLike<number>): void {
  const columns = frame.names.map((n) => frame.column(n));
  const n = rows ? rows.length : frame.nRows;
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, `${frame.names.map(csvField).join(',')}\n`);
    const CHUNK = 2_000;
    for (let start = 0; start < n; start += CHUNK) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(n, start + CHUNK); i++) {
        const r = rows ? (rows[i] as number) : i;
        lines.push(columns.map((c) => csvCell(c, r)).join(','));
      }
      fs.writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    fs.closeSync(fd);
  }
}
