import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NumericRun, parseNumericJson, withPlainArrays } from './numeric-json.js';

const parse = (text: string) => withPlainArrays(parseNumericJson(Buffer.from(text)));

/** JSON.parse's outcome: the value, or its error message. */
function reference(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

function ours(text: string): unknown {
  try {
    return parse(text);
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

test('number-only arrays become runs; everything else is what JSON.parse makes', () => {
  const doc = parseNumericJson(
    Buffer.from('{"inputs":[{"name":"x","shape":[2,3],"data":[[1,2,3],[4.5,-6e2,0]]}],"id":"a"}'),
  ) as { inputs: Array<{ shape: unknown; data: unknown[] }>; id: string };
  const input = doc.inputs[0] as { shape: unknown; data: unknown[] };
  assert.ok(input.shape instanceof NumericRun);
  assert.deepEqual((input.shape as NumericRun).toArray(), [2, 3]);
  assert.ok(input.data[0] instanceof NumericRun);
  assert.deepEqual((input.data[1] as NumericRun).toArray(), [4.5, -600, 0]);
  assert.equal(doc.id, 'a');
  // Mixed arrays stay plain, in order, whatever comes first.
  assert.deepEqual(parse('[1, "two", 3, [4], true, null]'), [1, 'two', 3, [4], true, null]);
  assert.deepEqual(parse('["a", 1, 2]'), ['a', 1, 2]);
  assert.deepEqual(parse('[[], {}, ""]'), [[], {}, '']);
});

test('every number is the very double JSON.parse gives', () => {
  let seed = 7;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const texts: string[] = [
    '0',
    '-0',
    '0.1',
    '0.30000000000000004',
    '1e22',
    '1e23',
    '9007199254740993',
    '123456789012345678901234567890',
    '1.7976931348623157e308',
    '1e400',
    '-1e400',
    '5e-324',
    '2.2250738585072014e-308',
    '4.9406564584124654e-324',
    '0.000001234',
    '1E+2',
    '1e-0',
    '100000000000000000000000e-30',
    '0.1e1',
  ];
  for (let i = 0; i < 20_000; i++) {
    const v = (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
    const forms = [String(v), v.toFixed(Math.floor(rand() * 8)), v.toExponential(Math.floor(rand() * 17))];
    texts.push(forms[i % 3] as string);
  }
  const run = parseNumericJson(Buffer.from(`[${texts.join(',')}]`)) as NumericRun;
  assert.equal(run.length, texts.length);
  texts.forEach((t, i) => {
    const expected = JSON.parse(t) as number;
    const got = run.values[i] as number;
    assert.ok(Object.is(got, expected), `${t}: ${got} is not ${expected}`);
  });
  // Alone (outside an array) too.
  for (const t of texts.slice(0, 200)) assert.ok(Object.is(parse(t), JSON.parse(t)), t);
});

test('malformed text fails as JSON.parse fails, with its message; valid oddities parse the same', () => {
  const cases = [
    '',
    ' ',
    '[1,]',
    '[01]',
    '[1.]',
    '[.5]',
    '[-]',
    '[1e]',
    '[1e+]',
    '[+1]',
    '[1 2]',
    '[1,,2]',
    '{"a":1,}',
    '{"a" 1}',
    '{a:1}',
    '[NaN]',
    '[Infinity]',
    '"\t"',
    '"abc',
    '[1',
    '{"a":[1,2}',
    '[1]x',
    'tru',
    'nul',
    '\uFEFF[1]',
    '  [ 1 , 2 ]  ',
    '{"__proto__":{"polluted":1},"a":[1]}',
    '{"a":1,"a":[2,3]}',
    '"caf\u00e9 \\u00e9 \\n \\"q\\""',
    '{"k\\u0041y":"v"}',
    '[-0.0, 0e0, -0E-0]',
    '[1,"x"]',
    `${'['.repeat(300)}1${']'.repeat(300)}`,
  ];
  for (const text of cases) assert.deepEqual(ours(text), reference(text), JSON.stringify(text));
  const protoDoc = parse('{"__proto__":{"polluted":1}}') as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(protoDoc), Object.prototype);
  assert.deepEqual(Object.keys(protoDoc), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('only the given range is read (the JSON part before binary tensor data)', () => {
  const body = Buffer.concat([Buffer.from('{"a":[1,2]}'), Buffer.from([0x33, 0x5d, 0x7d])]);
  assert.deepEqual(withPlainArrays(parseNumericJson(body, 0, 11)), { a: [1, 2] });
  // A number cut by the range is not continued into the bytes after it.
  const cut = Buffer.from('[12]345');
  assert.throws(() => parseNumericJson(cut, 0, 2), SyntaxError);
  assert.equal(parseNumericJson(Buffer.from('1234'), 0, 2), 12);
});
