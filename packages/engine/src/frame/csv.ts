/**
 * An RFC 4180 CSV reader over text: quoted fields (with doubled quotes and embedded
 * commas or newlines), LF or CRLF line ends, a header row. Throws on a ragged row or an
 * unterminated quote, naming the record (1-based, header = 1).
 */
export function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let i = 0;
  const n = text.length;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  };
  while (i < n) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\n') endRecord();
    else if (ch === '\r' && text[i + 1] === '\n') {
      endRecord();
      i++;
    } else field += ch;
    i++;
  }
  if (quoted) throw new Error(`CSV record ${records.length + 1}: unterminated quoted field`);
  if (field !== '' || record.length > 0) endRecord();
  const header = records.shift();
  if (!header) throw new Error('CSV has no header');
  records.forEach((r, k) => {
    if (r.length !== header.length) {
      throw new Error(`CSV record ${k + 2}: ${r.length} fields, the header has ${header.length}`);
    }
  });
  return { header, rows: records };
}
