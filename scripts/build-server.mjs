#!/usr/bin/env node
/**
 * npm run build:server — compiles the server side (engine, client, server, cli) from
 * TypeScript to JavaScript in each package's dist/, file by file with esbuild (no bundle:
 * the tree keeps its shape, so worker modules, .wasm and .proto files are found beside
 * the code as in src/). `marquee` runs dist/ when it is current (packages/cli/bin), which
 * spares the running server tsx's loader and its name-keeping wrappers around closures
 * (measured: about 5% less server CPU per predict request).
 *
 * Imports of @marquee/* packages become relative paths into their dist/, following each
 * package's "exports". The build is written beside dist/ and renamed over it, so a
 * process starting meanwhile sees the old tree or the new one, never half of one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { PACKAGES, sourceState } from '../packages/cli/bin/compiled-build.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/** '@marquee/server/config' → the absolute path of the file it names in the server's dist/ (under `out`). */
function distTargets(out) {
  const targets = new Map();
  for (const name of PACKAGES) {
    const dir = path.join(ROOT, 'packages', name);
    const { exports } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    for (const [sub, target] of Object.entries(exports)) {
      if (typeof target !== 'string' || !target.startsWith('./src/')) {
        throw new Error(`@marquee/${name}: export "${sub}" is not a file under src/`);
      }
      const file = path.join(out, 'packages', name, 'dist', target.slice('./src/'.length).replace(/\.ts$/, '.js'));
      targets.set(sub === '.' ? `@marquee/${name}` : `@marquee/${name}/${sub.slice(2)}`, file);
    }
  }
  return targets;
}

const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*)(['"])(@marquee\/[\w-]+(?:\/[\w./-]+)?)\2/g;

function compile(source, from, to, targets) {
  const { code } = transformSync(source, { loader: 'ts', format: 'esm', target: 'node20', sourcefile: from });
  return code.replace(SPECIFIER, (whole, lead, quote, specifier) => {
    const target = targets.get(specifier);
    if (!target) throw new Error(`${from}: ${specifier} is not exported by its package`);
    let rel = path.relative(path.dirname(to), target).split(path.sep).join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return `${lead}${quote}${rel}${quote}`;
  });
}

/** Builds into `out`/packages/<name>/dist (`out` is the repository unless a test says otherwise). */
export function build(out = ROOT) {
  const started = performance.now();
  const targets = distTargets(out);
  const state = sourceState(ROOT);
  let compiled = 0;
  for (const name of PACKAGES) {
    const src = path.join(ROOT, 'packages', name, 'src');
    const dist = path.join(out, 'packages', name, 'dist');
    const temp = `${dist}.tmp-${process.pid}`;
    fs.rmSync(temp, { recursive: true, force: true });
    for (const entry of fs.readdirSync(src, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || entry.name.endsWith('.test.ts')) continue;
      const from = path.join(entry.parentPath ?? entry.path, entry.name);
      const rel = path.relative(src, from);
      const out = path.join(temp, rel);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      if (entry.name.endsWith('.ts')) {
        const to = out.replace(/\.ts$/, '.js');
        // The import paths are rewritten for where the file will live (dist/), not temp/.
        fs.writeFileSync(to, compile(fs.readFileSync(from, 'utf8'), from, path.join(dist, rel), targets));
        compiled++;
      } else fs.copyFileSync(from, out);
    }
    if (name === 'cli') fs.writeFileSync(path.join(temp, 'build-stamp.json'), `${JSON.stringify(state)}\n`);
    fs.rmSync(dist, { recursive: true, force: true });
    fs.renameSync(temp, dist);
  }
  const ms = Math.round(performance.now() - started);
  const where = path.relative(process.cwd(), path.join(out, 'packages')) || '.';
  console.log(`build:server: ${compiled} files compiled into ${where}/{${PACKAGES.join(',')}}/dist in ${ms} ms`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log('Usage: node scripts/build-server.mjs [--out DIR]\n\nCompiles packages/{engine,client,server,cli}/src to dist/ (under DIR/packages when given).');
  } else {
    const at = args.indexOf('--out');
    build(at >= 0 ? path.resolve(args[at + 1] ?? '.') : ROOT);
  }
}
