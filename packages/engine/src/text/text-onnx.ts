import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import { TOKEN_PATTERN_RE2 } from './analyzers.js';
import type { TextVectorizer } from './text-vectorizer.js';

/** Pads short documents in ONNX Runtime's Tokenizer output; never a token itself (not a word character). */
const PAD = '#';

/**
 * ONNX nodes computing a fitted vectoriser's rows from a BYTES [N, 1] column: lower-case
 * (StringNormalizer), tokens (ONNX Runtime's Tokenizer, com.microsoft, with the
 * analyzer's pattern in RE2), n-gram counts over the vocabulary (TfIdfVectorizer), then
 * binary or sublinear tf, idf and L2 rows with standard operators. The `word` analyzer
 * with a vocabulary only: character n-grams and hashing have no ONNX form here.
 * Returns the name of the FP32 [N, width] result.
 */
export function addTextVectorizerNodes(graph: OnnxGraphBuilder, v: TextVectorizer, input: string, id: string): string {
  const p = v.params;
  if (p.analyzer !== 'word')
    throw new Error(`text features with the ${p.analyzer} analyzer have no ONNX export (use analyzer "word")`);
  if (p.hashFeatures > 0)
    throw new Error('hashed text features have no ONNX export (use a vocabulary: hashFeatures 0)');
  const [minN, maxN] = p.ngramRange;
  const name = (s: string) => `text_${id}_${s}`;
  graph.opset('com.microsoft', 1);
  graph.initializer({ name: name('flat_shape'), datatype: 'INT64', dims: [1], values: [-1] });
  graph.node('Reshape', [input, name('flat_shape')], [name('flat')]);
  let text = name('flat');
  if (p.lowercase) {
    // C.UTF-8 is present wherever glibc is; en_US (the default) often is not.
    graph.node('StringNormalizer', [text], [name('lower')], {
      case_change_action: { string: 'LOWER' },
      locale: { string: 'C.UTF-8' },
    });
    text = name('lower');
  }
  graph.node(
    'Tokenizer',
    [text],
    [name('tokens')],
    { mark: { int: 0 }, mincharnum: { int: 1 }, pad_value: { string: PAD }, tokenexp: { string: TOKEN_PATTERN_RE2 } },
    'com.microsoft',
  );
  // The pool lists n-grams by length (unigrams, then bigrams as two strings each, …).
  const byLength = new Map<number, number[]>();
  v.vocabulary.forEach((term, column) => {
    const n = term.split(' ').length;
    const list = byLength.get(n) ?? [];
    list.push(column);
    byLength.set(n, list);
  });
  const pool: string[] = [];
  const counts: number[] = [];
  const indexes: number[] = [];
  for (let n = 1; n <= maxN; n++) {
    counts.push(pool.length);
    for (const column of byLength.get(n) ?? []) {
      for (const token of (v.vocabulary[column] as string).split(' ')) pool.push(token);
      indexes.push(column);
    }
  }
  graph.node('TfIdfVectorizer', [name('tokens')], [name('counts_raw')], {
    mode: { string: 'TF' },
    min_gram_length: { int: minN },
    max_gram_length: { int: maxN },
    max_skip_count: { int: 0 },
    ngram_counts: { ints: counts },
    ngram_indexes: { ints: indexes },
    pool_strings: { strings: pool },
  });
  // The output is as wide as the largest index used; pad it to the whole vocabulary.
  let used = 0;
  for (const column of indexes) used = Math.max(used, column + 1);
  let x = name('counts_raw');
  if (used < v.width) {
    graph.initializer({ name: name('pad'), datatype: 'INT64', dims: [4], values: [0, 0, 0, v.width - used] });
    graph.node('Pad', [x, name('pad')], [name('counts')]);
    x = name('counts');
  }
  // Constants only where a node uses them: ONNX Runtime warns about unused initializers at every load.
  if (p.binary || p.sublinearTf) graph.initializer({ name: name('one'), datatype: 'FP32', dims: [], values: [1] });
  if (p.binary) {
    graph.node('Min', [x, name('one')], [name('tf')]);
    x = name('tf');
  } else if (p.sublinearTf) {
    // 1 + ln(count) where count > 0, else 0.
    graph.initializer({ name: name('zero'), datatype: 'FP32', dims: [], values: [0] });
    graph.node('Greater', [x, name('zero')], [name('present')]);
    graph.node('Log', [x], [name('log')]);
    graph.node('Add', [name('log'), name('one')], [name('log1')]);
    graph.node('Where', [name('present'), name('log1'), name('zero')], [name('tf')]);
    x = name('tf');
  }
  if (p.useIdf) {
    graph.initializer({ name: name('idf'), datatype: 'FP32', dims: [v.width], values: v.idf });
    graph.node('Mul', [x, name('idf')], [name('tfidf')]);
    x = name('tfidf');
  }
  if (p.norm === 'l2') {
    graph.initializer({ name: name('tiny'), datatype: 'FP32', dims: [], values: [1e-30] });
    graph.node('ReduceSumSquare', [x], [name('sq')], { axes: { ints: [1] }, keepdims: { int: 1 } });
    graph.node('Sqrt', [name('sq')], [name('norm_raw')]);
    graph.node('Max', [name('norm_raw'), name('tiny')], [name('norm')]);
    graph.node('Div', [x, name('norm')], [name('rows')]);
    x = name('rows');
  }
  return x;
}
