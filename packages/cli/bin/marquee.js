#!/usr/bin/env node
// The marquee command: the compiled JavaScript (packages/*/dist, `npm run build:server`)
// when it matches the sources, else the TypeScript sources through tsx's loader.
// MARQUEE_FROM_SOURCE=1 always takes the sources.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { currentBuild } from './compiled-build.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const built = process.env.MARQUEE_FROM_SOURCE === '1' ? undefined : currentBuild(root);
let main;
if (built) ({ main } = await import(pathToFileURL(built).href));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
