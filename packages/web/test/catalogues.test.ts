import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const I18N = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/i18n');
const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

function keys(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

const catalogue = (lang: string) => JSON.parse(fs.readFileSync(path.join(I18N, `${lang}.json`), 'utf8'));

test('English and 简体中文 hold the same keys, none empty', () => {
  const en = keys(catalogue('en')).sort();
  const zh = keys(catalogue('zh-CN')).sort();
  assert.deepEqual(zh, en);
  for (const lang of ['en', 'zh-CN']) {
    const flat = keys(catalogue(lang));
    for (const k of flat) {
      const v = k.split('.').reduce<any>((o, p) => o[p], catalogue(lang));
      assert.ok(typeof v === 'string' && v.trim() !== '', `${lang}: ${k} is empty`);
    }
  }
});

test('every key the pages ask for is in the catalogues', () => {
  const known = new Set(keys(catalogue('en')).map((k) => k.replace(/_(one|other)$/, '')));
  const files = fs.readdirSync(SRC, { recursive: true }).filter((f) => String(f).endsWith('.tsx'));
  const missing: string[] = [];
  for (const f of files) {
    const text = fs.readFileSync(path.join(SRC, String(f)), 'utf8');
    // t('area.key') with a literal key; template keys (`train.tasks.${k}`) are checked by their prefix.
    for (const m of text.matchAll(/\bt\(\s*['`]([a-zA-Z]+\.[a-zA-Z.]+?)(\$\{|['`])/g)) {
      const key = m[1] as string;
      const templated = m[2] === '${';
      const ok = templated ? [...known].some((k) => k.startsWith(key)) : known.has(key);
      if (!ok) missing.push(`${f}: ${key}`);
    }
  }
  assert.deepEqual(missing, []);
});
