import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCsv } from './csv.js';

describe('parseCsv', () => {
  test('quoted fields with commas, doubled quotes and newlines; CRLF line ends', () => {
    const { header, rows } = parseCsv('a,"b,c",d\r\n1,"say ""hi""",x\r\n2,"two\nlines",\r\n');
    assert.deepEqual(header, ['a', 'b,c', 'd']);
    assert.deepEqual(rows, [
      ['1', 'say "hi"', 'x'],
      ['2', 'two\nlines', ''],
    ]);
  });

  test('a ragged row names its record; an unterminated quote fails', () => {
    assert.throws(() => parseCsv('a,b\n1,2\n3\n'), /record 3: 1 fields, the header has 2/);
    assert.throws(() => parseCsv('a,b\n1,"2\n'), /unterminated/);
  });
});
