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
  charGrams(text, analyzer, minN, maxN, (unit, chars, from, n) =>
    emit(chars ? chars.slice(from, from + n).join('') : unit.substr(from, n)),
  );
}

/**
 * forEachTerm's terms as spans, `source.substr(from, length)`, so that a caller that can
 * look a term up where it sits (TermTable) makes no string for it: a character n-gram is
 * a span of its word. Word n-grams, and character n-grams of words with characters
 * outside the BMP, come as strings of their own (from 0).
 */
export function forEachTermSpan(
  text: string,
  analyzer: Analyzer,
  minN: number,
  maxN: number,
  emit: (source: string, from: number, length: number) => void,
): void {
  if (analyzer === 'word') {
    forEachTerm(text, analyzer, minN, maxN, (term) => emit(term, 0, term.length));
    return;
  }
  charGrams(text, analyzer, minN, maxN, (unit, chars, from, n) => {
    // A padded word's first n-gram may be shorter than n (the whole word), as substr gives it.
    if (!chars) emit(unit, from, Math.min(n, unit.length - from));
    else {
      const term = chars.slice(from, from + n).join('');
      emit(term, 0, term.length);
    }
  });
}

/**
 * The character n-grams of a `char` or `char_wb` analysis, each as (unit, chars, from, n):
 * n characters from `from` of `unit` (the collapsed text, or a word padded with spaces),
 * counted in code units, or in code points (`chars`, the unit's characters) when the unit
 * holds a character outside the BMP.
 */
function charGrams(
  text: string,
  analyzer: Exclude<Analyzer, 'word'>,
  minN: number,
  maxN: number,
  gram: (unit: string, chars: string[] | null, from: number, n: number) => void,
): void {
  const collapsed = text.replace(WHITESPACE_RUN, ' ');
  if (analyzer === 'char') {
    unitGrams(collapsed, minN, maxN, false, gram);
    return;
  }
  for (const word of collapsed.split(WHITESPACE)) {
    if (word !== '') unitGrams(` ${word} `, minN, maxN, true, gram);
  }
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Character n-grams of `s` (by code point). For a padded word (char_wb), as
 * scikit-learn: the first n-gram is taken even when the word is shorter than n, and then
 * a short word counts once only.
 */
function unitGrams(
  s: string,
  minN: number,
  maxN: number,
  paddedWord: boolean,
  gram: (unit: string, chars: string[] | null, from: number, n: number) => void,
): void {
  // Code units are characters when no character needs two of them (the usual case).
  const chars = SURROGATE.test(s) ? Array.from(s) : null;
  const len = chars ? chars.length : s.length;
  for (let n = minN; n <= maxN; n++) {
    if (!paddedWord) {
      for (let i = 0; i + n <= len; i++) gram(s, chars, i, n);
      continue;
    }
    gram(s, chars, 0, n);
    let offset = 0;
    while (offset + n < len) {
      offset++;
      gram(s, chars, offset, n);
    }
    if (offset === 0) break;
  }
}
