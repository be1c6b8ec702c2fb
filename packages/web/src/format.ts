/** Numbers, sizes and dates as the reader's language writes them. */
export function formatNumber(lang: string, value: number, digits?: number): string {
  return new Intl.NumberFormat(lang, digits === undefined ? {} : { maximumFractionDigits: digits }).format(value);
}

export function formatDate(lang: string, iso: string): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(new Date(iso));
}

export function formatBytes(lang: string, bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${formatNumber(lang, v, u === 0 ? 0 : 1)} ${units[u]}`;
}
