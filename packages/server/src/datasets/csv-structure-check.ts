import fs from 'node:fs';

/**
 * Reads a CSV file once, streaming, and reports the first structural fault with its
 * line: bytes that are not UTF-8, a record with more or fewer fields than the header, a
 * quote left open. DuckDB's reader would guess a different dialect for a ragged file
 * rather than say where it is wrong; checked first, its reading is plain.
 */
export async function checkCsvStructure(
  path: string,
  maxColumns: number,
): Promise<{ columns: number; records: number }> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let recordLine = 1;
  let fields = 1;
  let expected = -1;
  let records = 0;
  let inQuotes = false;
  let afterQuote = false;
  let fieldStart = true;
  let sawContent = false;
  let pendingCr = false;

  const endRecord = () => {
    if (!sawContent && fields === 1) return; // blank line
    if (expected < 0) {
      expected = fields;
      if (expected > maxColumns)
        throw new CsvFault(`the header has ${expected} columns; at most ${maxColumns} are allowed`, 1);
    } else {
      if (fields !== expected) {
        throw new CsvFault(`line ${recordLine} has ${fields} fields where the header has ${expected}`, recordLine);
      }
      records++;
    }
  };

  const stream = fs.createReadStream(path, { highWaterMark: 1 << 20 });
  let bytesBefore = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      const at = invalidUtf8At(chunk);
      const bad = line + newlinesBefore(chunk, at);
      throw new CsvFault(`line ${bad} is not valid UTF-8 (byte ${bytesBefore + at + 1} of the file)`, bad);
    }
    bytesBefore += chunk.length;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (pendingCr) {
        pendingCr = false;
        if (ch === 10) continue;
      }
      if (inQuotes) {
        if (ch === 34) {
          inQuotes = false;
          afterQuote = true;
        } else if (ch === 10 || ch === 13) {
          line++;
          if (ch === 13) pendingCr = true;
        }
        continue;
      }
      if (ch === 34) {
        if (afterQuote) {
          inQuotes = true; // a doubled quote inside a quoted field
          afterQuote = false;
        } else if (fieldStart) inQuotes = true;
        else throw new CsvFault(`line ${line} has a quote inside an unquoted field`, line);
        fieldStart = false;
        sawContent = true;
        continue;
      }
      if (ch === 44) {
        fields++;
        fieldStart = true;
        afterQuote = false;
        sawContent = true;
        continue;
      }
      if (ch === 10 || ch === 13) {
        endRecord();
        line++;
        recordLine = line;
        fields = 1;
        fieldStart = true;
        afterQuote = false;
        sawContent = false;
        if (ch === 13) pendingCr = true;
        continue;
      }
      if (afterQuote) throw new CsvFault(`line ${line} has text after a closing quote`, line);
      fieldStart = false;
      sawContent = true;
    }
  }
  try {
    decoder.decode();
  } catch {
    throw new CsvFault(`the file ends inside a UTF-8 character (line ${line})`, line);
  }
  if (inQuotes) throw new CsvFault(`a quoted field opened on line ${recordLine} is never closed`, recordLine);
  endRecord();
  if (expected < 0) throw new CsvFault('the file is empty: a CSV dataset needs a header line', 1);
  return { columns: expected, records };
}

export class CsvFault extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** The offset of the first byte that breaks UTF-8 in `b` (a sequence cut at the end counts as valid). */
function invalidUtf8At(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    let need = 0;
    let min = 0x80;
    let max = 0xbf;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) min = 0xa0;
      if (c === 0xed) max = 0x9f; // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) min = 0x90;
      if (c === 0xf4) max = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= b.length) return b.length;
      const n = b[i + k] as number;
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (n < lo || n > hi) return i;
    }
    i += need + 1;
  }
  return b.length;
}

function newlinesBefore(b: Buffer, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (b[i] === 10) n++;
  return n;
}
