/** Rows as an aligned text table for people (columns padded to their widest cell). */
export function textTable(header: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))))];
  const widths = header.map((_, j) => Math.max(...cells.map((r) => [...(r[j] ?? '')].length)));
  return cells.map((r) => r.map((c, j) => (j === r.length - 1 ? c : c.padEnd(widths[j] ?? 0))).join('  ')).join('\n');
}

/** `--json` for scripts, else the table. */
export function printList(json: boolean, value: unknown, table: () => string): void {
  console.log(json ? JSON.stringify(value, null, 2) : table());
}
