import { createRequire } from 'node:module';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { Invalid } from '../errors.js';
import { TASKS } from '../registry/model-views.js';
import { renderSafeHtml } from '../safe-markdown.js';

const spdxIds = createRequire(import.meta.url)('spdx-license-ids/index.json') as string[];

/** What a card's YAML front matter says (Hugging Face's keys, checked). */
export interface CardMetadata {
  license?: string;
  language?: string[];
  tags?: string[];
  task?: string;
  datasets?: string[];
  base_model?: string;
  /** What the publisher claims; the quality gate compares these with what it measured. */
  metrics?: Record<string, number>;
  [key: string]: unknown;
}

export interface ParsedCard {
  metadata: CardMetadata;
  /** The Markdown after the front matter. */
  body: string;
  /** 1-based line of the card where the body starts. */
  bodyLine: number;
}

/** SPDX ids, plus `other` for a licence that has none (as the Hugging Face Hub allows). */
const LICENSES = new Set<string>([...spdxIds, 'other']);
const LICENSES_LOWER = new Map([...LICENSES].map((id) => [id.toLowerCase(), id]));
const MAX_CARD_CHARS = 100_000;

/** The sections a card needs before its model can be published, as `##` headings. */
export const REQUIRED_SECTIONS = ['Intended use', 'Limitations', 'Training data'] as const;
/** What a draft card puts where a person must write; a section holding it is not written yet. */
export const TO_FILL_IN = '_To be written by the publisher._';

/**
 * Reads a model card: Markdown with an optional YAML front matter between `---` lines.
 * Bad YAML and bad values are answered with the card's line at fault.
 */
export function parseCard(markdown: string): ParsedCard {
  if (markdown.length > MAX_CARD_CHARS) throw new Invalid(`a card may have at most ${MAX_CARD_CHARS} characters`);
  const text = markdown.replace(/\r\n?/g, '\n');
  if (!text.startsWith('---\n')) return { metadata: {}, body: text, bodyLine: 1 };
  const end = text.indexOf('\n---', 3);
  if (end < 0 || !/^\n---[ \t]*(\n|$)/.test(text.slice(end, end + 5))) {
    throw new Invalid('the front matter starting on line 1 has no closing "---" line', { line: 1 });
  }
  const yamlText = text.slice(4, end + 1);
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 2 : lines.linePos(offset).line + 1);
  const error = doc.errors[0];
  if (error) {
    const line = lineOf(error.pos[0]);
    const reason = error.message.split('\n')[0] ?? 'invalid YAML';
    throw new Invalid(`the front matter is not valid YAML: line ${line}: ${reason}`, { line });
  }
  const root = doc.contents;
  if (root !== null && !isMap(root))
    throw new Invalid('the front matter must be a mapping of keys to values', { line: 2 });
  const metadata: CardMetadata = {};
  for (const pair of isMap(root) ? root.items : []) {
    const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
    const node = pair.value as { range?: [number, number]; toJSON?: () => unknown } | null;
    const line = lineOf(node?.range?.[0] ?? (pair.key as unknown as { range?: [number] } | null)?.range?.[0]);
    const value = isSeq(node) || isMap(node) ? node.toJSON() : (node as { value?: unknown } | null)?.value;
    metadata[key] = checkField(key, value, line);
  }
  const closing = text.indexOf('\n', end + 1);
  const bodyStart = closing < 0 ? text.length : closing + 1;
  return { metadata, body: text.slice(bodyStart), bodyLine: text.slice(0, bodyStart).split('\n').length };
}

function checkField(key: string, value: unknown, line: number): unknown {
  const fail = (why: string, extra: Record<string, unknown> = {}) => {
    throw new Invalid(`front matter line ${line}: ${key} ${why}`, { line, field: key, ...extra });
  };
  const stringList = (v: unknown): string[] => {
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string' && x.length > 0 && x.length <= 100))
      fail('must be a string or a list of strings');
    return list as string[];
  };
  switch (key) {
    case 'license': {
      const id = typeof value === 'string' ? LICENSES_LOWER.get(value.toLowerCase()) : undefined;
      if (!id) {
        fail(
          `must be an SPDX licence id (such as MIT, Apache-2.0, CC-BY-4.0, GPL-3.0-only), not ${JSON.stringify(value)}`,
          {
            accepted: [...LICENSES],
          },
        );
      }
      return id;
    }
    case 'language':
      return stringList(value).map((l) => {
        if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(l))
          fail(`entries must be language codes such as en or zh, not "${l}"`);
        return l;
      });
    case 'tags':
      return stringList(value).map((t) => {
        if (!/^[a-z0-9\u3400-\u9fff][a-z0-9\u3400-\u9fff-]{0,31}$/.test(t))
          fail(`entries must be lower-case words joined by "-", not "${t}"`);
        return t;
      });
    case 'datasets':
      return stringList(value);
    case 'task':
      if (typeof value !== 'string' || !(TASKS as readonly string[]).includes(value))
        fail(`must be one of ${TASKS.join(', ')}`);
      return value;
    case 'base_model':
      if (typeof value !== 'string' || value.length > 200) fail('must be a model name such as owner/name');
      return value;
    case 'metrics':
      return checkMetrics(value, fail);
    default:
      return value;
  }
}

/** Claimed metrics as a mapping (`accuracy: 0.91`) or Hugging Face's list of `{name|type, value}`. */
function checkMetrics(value: unknown, fail: (why: string) => never): Record<string, number> {
  const out: Record<string, number> = {};
  const put = (name: unknown, v: unknown) => {
    if (typeof name !== 'string' || !/^[a-z][a-z0-9_@]*$/i.test(name))
      fail('names must be words such as accuracy or rmse');
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${String(name)} must be a number`);
    out[(name as string).toLowerCase()] = v as number;
  };
  if (Array.isArray(value)) {
    for (const m of value) {
      if (!m || typeof m !== 'object') fail('entries must be {name, value}');
      const e = m as Record<string, unknown>;
      put(e.name ?? e.type, e.value);
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) put(k, v);
  } else fail('must be a mapping such as {accuracy: 0.91} or a list of {name, value}');
  return out;
}

/** The SPDX id for a licence name in any case, or undefined when it is none. */
export function licenseId(name: string | undefined): string | undefined {
  return name ? LICENSES_LOWER.get(name.toLowerCase()) : undefined;
}

/** The `##` sections of a card's body, by heading (lower case), with their text. */
export function cardSections(body: string): Map<string, string> {
  const sections = new Map<string, string>();
  let current: string | undefined;
  let text: string[] = [];
  const flush = () => {
    if (current !== undefined) sections.set(current, text.join('\n').trim());
  };
  for (const line of body.split('\n')) {
    const m = /^##\s+(.+?)\s*#*\s*$/.exec(line);
    if (m && !line.startsWith('###')) {
      flush();
      current = (m[1] as string).toLowerCase();
      text = [];
    } else text.push(line);
  }
  flush();
  return sections;
}

// Raw HTML in a card is shown as text, never as markup, and links may not run script
// (markdown-it refuses javascript:, vbscript:, file: and most data: URLs).
/** The card's body as HTML that is safe to show: no raw HTML, no script links. */
export function renderCardHtml(body: string): string {
  return renderSafeHtml(body);
}
