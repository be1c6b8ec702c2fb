/**
 * npm run bench:web — how lean the web app is: the gzipped JavaScript the first page (the
 * marketplace) loads, against the goal of 250 KB, and the time from navigation to the
 * marketplace's results in Debian's chromium against a local server with the demo
 * content (cold cache each run; median of BENCH_RUNS). Baseline in the same run: the same
 * browser navigating to the search API's JSON answer, the least any page showing the
 * results could take.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { loadConfig } from '../../packages/server/src/config/config.ts';
import { startServer } from '../../packages/server/src/server.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const DIST = path.resolve('packages/web/dist');
const GOAL_KB = 250;

/** The entry script and the modules index.html preloads: what the first page's JavaScript is. */
function firstPageScripts(): string[] {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const srcs = [
    ...html.matchAll(/<script[^>]+src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ];
  return [...new Set(srcs.map((m) => m[1] as string))];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const scripts = firstPageScripts();
let gz = 0;
let raw = 0;
for (const s of scripts) {
  const bytes = fs.readFileSync(path.join(DIST, s));
  raw += bytes.length;
  gz += gzipSync(bytes, { level: 9 }).length;
}
console.log(
  `first page JavaScript: ${scripts.length} files, ${(raw / 1024).toFixed(1)} KB, gzipped ${(gz / 1024).toFixed(1)} KB (goal ≤ ${GOAL_KB} KB: ${gz / 1024 <= GOAL_KB ? 'met' : 'NOT met'})`,
);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-bench-web-'));
const server = await startServer({
  ...loadConfig({}, {}),
  host: '127.0.0.1',
  port: 0,
  grpcPort: 0,
  dataDir,
  logLevel: 'warn',
  demo: true,
  rateLimitApi: 0,
});
await server.demo;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const app: number[] = [];
  const api: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [target, times] of [
      ['app', app],
      ['api', api],
    ] as const) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const started = performance.now();
      if (target === 'app') {
        await page.goto(`${server.httpUrl}/`);
        await page.getByTestId('result-count').filter({ hasText: '4 models' }).waitFor();
      } else {
        await page.goto(`${server.httpUrl}/api/v1/market/search`);
      }
      times.push(performance.now() - started);
      await context.close();
    }
  }
  const a = median(app);
  const b = median(api);
  console.log(`navigation to the marketplace's results: median ${a.toFixed(0)} ms over ${RUNS} cold runs`);
  console.log(
    `baseline, the search API's JSON in the same browser: median ${b.toFixed(0)} ms (ratio app/baseline ${(a / b).toFixed(2)})`,
  );
} finally {
  await browser.close();
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
