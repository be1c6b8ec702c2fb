/**
 * Text → terms, as scikit-learn's CountVectorizer analyzers do, so vocabularies match:
 * `word` takes runs of two or more word characters (its default token pattern
 * `(?u)\b\w\w+\b`) then word n-grams joined by a space; `char_wb` takes character n-grams
 * inside each whitespace-separated word padded with one space; `char` takes character
 * n-grams over the whole text with runs of whitespace collapsed.
 *
 * Chinese and Japanese are written without spaces, so a "word" there would be a whole
 * clause. In the `word` analyzer every Han, Hiragana or Katakana character is a token of
 * its own: word n-grams over them are character n-grams, and no dictionary is needed.
 */

export type Analyzer = 'word' | 'char_wb' | 'char';

/**
 * Han, Hiragana and Katakana, plus the prolonged sound mark ー and the iteration mark 々
 * (script Common, but written inside Japanese and Chinese words). The same class, in RE2
 * syntax, is what the ONNX export's Tokenizer uses (TOKEN_PATTERN_RE2), so both tokenise
 * alike.
 */
const CJK = '\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\u30FC\\u3005';
/** A CJK character, or a run of two or more other word characters (letters, numbers, underscore). */
const TOKEN = new RegExp(`[${CJK}]|(?:(?![${CJK}])[\\p{L}\\p{N}_]){2,}`, 'gu');

/** TOKEN for RE2 (ONNX Runtime's Tokenizer): no lookahead, so the class is written as a negation. */
export const TOKEN_PATTERN_RE2 =
  '[\\p{Han}\\p{Hiragana}\\p{Katakana}\\x{30FC}\\x{3005}]|(?:[^\\P{L}\\p{Han}\\p{Hiragana}\\p{Katakana}\\x{30FC}\\x{3005}]|[\\p{N}_]){2,}';
const WHITESPACE_RUN = /\s\s+/g;
const WHITESPACE = /\s+/;

/** Tokens of the `word` analyzer, before n-grams. */
export function wordTokens(text: string): string[] {
  return Array.from(text.matchAll(TOKEN), (m) => m[0]);
}

/** Calls `emit` for each term of `text` (already lower-cased when asked). */
export function forEachTerm(
  text: string,
  analyzer: Analyzer,
  minN: number,
  maxN: number,
  emit: (term: string) => void,
): void {
  if (analyzer === 'word') {
    const tokens = wordTokens(text);
    for (let n = minN; n <= maxN; n++) {
      for (let i = 0; i + n <= tokens.length; i++) {
        // Joined by hand: slice + join made an array per n-gram.
        let term = tokens[i] as string;
        for (let q = 1; q < n; q++) term += ` ${tokens[i + q] as string}`;
        emit(term);
      }
    }
    return;
  }
  const collapsed = text.replace(WHITESPACE_RUN, ' ');
  if (analyzer === 'char') {
    charNgrams(collapsed, minN, maxN, false, emit);
    return;
  }
  for (const word of collapsed.split(WHITESPACE)) {
    if (word !== '') charNgrams(` ${word} `, minN, maxN, true, emit);
  }
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Character n-grams of `s` (by code point). For a padded word (char_wb), as
 * scikit-learn: the first n-gram is taken even when the word is shorter than n, and then
 * a short word counts once only.
 */
function charNgrams(s: string, minN: number, maxN: number, paddedWord: boolean, emit: (term: string) => void): void {
  // Slicing UTF-16 code units is exact when no character needs two of them (the usual case).
  const chars = SURROGATE.test(s) ? Array.from(s) : null;
  const len = chars ? chars.length : s.length;
  const slice = (from: number, n: number) => (chars ? chars.slice(from, from + n).join('') : s.substr(from, n));
  for (let n = minN; n <= maxN; n++) {
    if (!paddedWord) {
      for (let i = 0; i + n <= len; i++) emit(slice(i, n));
      continue;
    }
    emit(slice(0, n));
    let offset = 0;
    while (offset + n < len) {
      offset++;
      emit(slice(offset, n));
    }
    if (offset === 0) break;
  }
}
