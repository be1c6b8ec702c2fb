import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { logisticRegressionModel } from '../fixtures/onnx-models.ts';
import { labelledBreastCancer } from '../harness/datasets.ts';
import { fixtureFile } from '../harness/fixtures.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

// Names of the page's world, used only inside page.evaluate callbacks (they run in the browser).
declare const window: any;
declare const document: any;

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.resolve('test-output/screenshots');
const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The built app (packages/web/dist, made by `npm ci`'s prepare step) in Debian's chromium against a real server. */
describe('the web app in a real browser', { skip: fs.existsSync(CHROMIUM) ? false : `no ${CHROMIUM}` }, () => {
  let t: TestServer;
  let browser: Browser;
  const problems: string[] = [];
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end('ok'));
  });

  before(async () => {
    t = await startTestServer({
      demo: true,
      jobConcurrency: 1,
      webhooksAllowPrivate: true,
      webhookRetryBaseMs: 100,
      allowSignup: true,
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const demo = await t.server.demo;
    assert.ok(demo?.loaded, demo?.reason);
    await t.admin.createUser('viewer', 'viewer password 123');
    const viewer = t.client((await t.client().login('viewer', 'viewer password 123')).token);
    await viewer.createDataset({ owner: 'viewer', name: 'cancer', visibility: 'private' });
    await viewer.uploadDatasetVersion('viewer/cancer', labelledBreastCancer(), 'csv');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
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
    fs.mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await new Promise((r) => receiver.close(r));
  });

  async function open(size: 'desktop' | 'phone', locale = 'en-US'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      viewport: size === 'desktop' ? { width: 1280, height: 800 } : { width: 390, height: 844 },
      locale,
    });
    const page = await context.newPage();
    // Failed requests are judged by their answers below (a wrong password's 401 is meant).
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
        problems.push(`console: ${m.text()}`);
    });
    page.on('response', (r) => {
      const meant = r.status() === 401 && r.url().endsWith('/api/v1/auth/login');
      if (r.status() >= 400 && !meant) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    return { context, page };
  }

  /** axe-core in the page: no serious or critical violation. */
  async function accessible(page: Page, what: string): Promise<void> {
    await page.addScriptTag({ content: AXE });
    const violations = await page.evaluate(async () => {
      const r = await (window as unknown as { axe: { run(): Promise<{ violations: any[] }> } }).axe.run();
      return r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map(
          (v) => `${v.id} (${v.impact}): ${v.nodes.map((n: { target: string[] }) => n.target.join(' ')).join(', ')}`,
        );
    });
    assert.deepEqual(violations, [], `${what}: ${violations.join('\n')}`);
  }

  test('marketplace: results with facets, search in English and Chinese, accessible', async () => {
    const { context, page } = await open('desktop');
    await page.goto(`${t.url}/`);
    await page.getByTestId('result-count').filter({ hasText: '4 models' }).waitFor();
    assert.equal(await page.locator('.listing-card').count(), 4);
    const tasks = page.getByRole('group', { name: 'Task' });
    assert.ok(await tasks.getByRole('button', { name: /sentiment\s*2/ }).isVisible(), 'task facet with its count');
    assert.equal(await page.locator('.badge').count(), 4, 'every listing verified');
    await accessible(page, 'marketplace');
    await page.screenshot({ path: path.join(SHOTS, 'marketplace-desktop.png'), fullPage: true });

    await page.getByRole('searchbox').fill('情感');
    await page.getByRole('searchbox').press('Enter');
    await page.getByTestId('result-count').filter({ hasText: '1 model' }).waitFor();
    assert.match(page.url(), /q=%E6%83%85%E6%84%9F/);
    assert.deepEqual(await page.locator('.listing-card h3').allTextContents(), ['demo/review-sentiment-zh']);
    await page
      .getByRole('button', { name: /sentiment/ })
      .first()
      .click();
    assert.match(page.url(), /task=sentiment/);
    await context.close();
  });

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${t.url}/sign-in`);
    await page.getByLabel('Username').fill('viewer');
    await page.getByLabel('Password').fill('viewer password 123');
    await page.getByRole('button', { name: 'Sign in' }).last().click();
    await page.getByText('Signed in as viewer').waitFor();
  }

  test('model page: the card, measured metrics as a chart, versions, snippets, and try it', async () => {
    const { context, page } = await open('desktop');
    await page.goto(`${t.url}/models/demo/review-sentiment-en`);
    await page.getByRole('link', { name: 'Sign in to try this model' }).waitFor();
    await signIn(page);
    await page.goto(`${t.url}/?q=sentiment`);
    await page.getByRole('link', { name: 'demo/review-sentiment-en' }).click();
    await page.getByRole('heading', { level: 1, name: 'demo/review-sentiment-en' }).waitFor();
    await page.locator('.markdown h1, .markdown h2').first().waitFor();
    const metrics = page.getByRole('img', { name: /Held-out metrics of version 1/ });
    await metrics.waitFor();
    assert.match((await metrics.getAttribute('aria-label')) ?? '', /accuracy 0\.\d{4}/);
    assert.ok((await page.locator('tbody tr').count()) >= 1);
    await page.getByRole('tab', { name: 'Python' }).click();
    assert.match(await page.locator('.snippets pre').innerText(), /requests\.post/);
    await page.getByRole('button', { name: 'Predict' }).click();
    const answer = page.getByTestId('predictions').locator('li').first();
    await answer.waitFor();
    assert.match(await answer.innerText(), /(positive|negative).*Why/s);
    const marked = page.getByTestId('predictions').getByTestId('highlighted').first().locator('mark');
    assert.ok((await marked.count()) > 0, 'evidence highlighted in the text');
    const first = (await marked.first().innerText()).toLowerCase();
    assert.ok((await page.getByTestId('predictions').locator('li').first().innerText()).toLowerCase().includes(first));
    await accessible(page, 'model page');
    await page.screenshot({ path: path.join(SHOTS, 'model-desktop.png'), fullPage: true });
    await context.close();
  });

  test('training: a form from the algorithms and their defaults, then the job live, then the new model', async () => {
    const { context, page } = await open('desktop');
    await signIn(page);
    await page.getByRole('link', { name: 'Train' }).click();
    await page.getByLabel('Model (owner/name)').fill('viewer/cancer-mlp');
    await page.getByLabel('Dataset').selectOption('viewer/cancer');
    await page.getByLabel('Version (rows)').waitFor();
    await page.getByLabel('Column to predict').selectOption('diagnosis');
    await page.getByLabel('Algorithm').selectOption('auto');
    await page.getByLabel(/Time budget for trying candidates/).waitFor();
    await page.getByLabel('Algorithm').selectOption('mlp');
    assert.equal(await page.getByLabel(/Time budget/).count(), 0, 'a budget only for auto');
    assert.equal(await page.getByLabel('maxIter').getAttribute('placeholder'), '200', 'defaults from the engine');
    await page.getByLabel('maxIter').fill('150');
    await page.getByLabel(/Balance the classes/).check();
    await accessible(page, 'training form');
    await page.screenshot({ path: path.join(SHOTS, 'train-desktop.png'), fullPage: true });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.waitForURL(/\/jobs\//);
    await page.getByTestId('job-state').filter({ hasText: 'Succeeded' }).waitFor({ timeout: 120_000 });
    await page.locator('[data-testid=progress-chart] [role=img]').waitFor();
    assert.match(
      (await page.locator('[data-testid=progress-chart] [role=img]').getAttribute('aria-label')) ?? '',
      /loss \d/,
    );
    await page.screenshot({ path: path.join(SHOTS, 'job-desktop.png'), fullPage: true });
    const [job] = await t.admin.listJobs(1);
    assert.deepEqual(
      (job?.spec as { params?: unknown } | undefined)?.params,
      { maxIter: 150 },
      'only the changed parameter is sent',
    );
    assert.equal((job?.spec as { classWeight?: unknown } | undefined)?.classWeight, 'balanced');
    await page.getByTestId('job-result').getByRole('link').click();
    await page.locator('.model-header h1').filter({ hasText: 'viewer/cancer-mlp' }).waitFor();
    await page.getByRole('img', { name: /Held-out metrics/ }).waitFor();
    await page.getByRole('img', { name: /Learning curve.*loss/ }).waitFor();
    await page.getByRole('img', { name: /Confusion matrix/ }).waitFor();
    await page.getByRole('img', { name: /ROC curve \(AUC 0\.9\d*\)/ }).waitFor();
    await page.getByRole('img', { name: /Precision–recall/ }).waitFor();
    await page.getByRole('img', { name: /Permutation importance/ }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'model-plots-desktop.png'), fullPage: true });
    await accessible(page, 'model page with a learning curve');
    await context.close();
  });

  test('datasets: make one, upload a CSV with progress, see the inferred schema, a preview and column summaries', async () => {
    const { context, page } = await open('desktop');
    await signIn(page);
    await page.getByRole('link', { name: 'Datasets' }).click();
    await page.getByLabel('Name', { exact: true }).fill('charts');
    await page.getByLabel('Visibility').selectOption('public');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { level: 1, name: 'viewer/charts' }).waitFor();
    await page.getByLabel('File (CSV, JSON lines or Parquet)').setInputFiles({
      name: 'ranks_long.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(fixtureFile('charts-billboard-2000/ranks_long.csv')),
    });
    await page.getByTestId('schema').getByRole('cell', { name: 'artist', exact: true }).waitFor();
    await page.getByTestId('preview').locator('tbody tr').nth(19).waitFor();
    assert.equal(await page.getByTestId('preview').locator('tbody tr').count(), 20, 'the first 20 rows');
    const week = page.getByTestId('summary-week');
    await week.getByRole('img', { name: /week: range 1 – \d+/ }).waitFor();
    await page.getByTestId('summary-artist').getByRole('img').waitFor();
    await accessible(page, 'dataset page');
    await page.screenshot({ path: path.join(SHOTS, 'dataset-desktop.png'), fullPage: true });
    await context.close();
  });

  test('the whole flow: upload, train live, plots, card, publish, search in English and Chinese, try it, propose, 中文', async () => {
    const { context, page } = await open('desktop');
    await signIn(page);
    // Upload a CSV into a new dataset.
    await page.getByRole('link', { name: 'Datasets' }).click();
    await page.getByLabel('Name', { exact: true }).fill('tumours');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { level: 1, name: 'viewer/tumours' }).waitFor();
    await page.getByLabel('File (CSV, JSON lines or Parquet)').setInputFiles({
      name: 'tumours.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(labelledBreastCancer()),
    });
    await page.getByTestId('summary-diagnosis').getByRole('img').waitFor();
    // Train it with live progress.
    await page.getByRole('link', { name: 'Train' }).click();
    await page.getByLabel('Model (owner/name)').fill('viewer/tumour-check');
    await page.getByLabel('Dataset').selectOption('viewer/tumours');
    await page.getByLabel('Version (rows)').waitFor();
    await page.getByLabel('Column to predict').selectOption('diagnosis');
    await page.getByLabel('Algorithm').selectOption('logistic-regression');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.getByTestId('job-state').filter({ hasText: 'Succeeded' }).waitFor({ timeout: 120_000 });
    await page.getByTestId('job-result').getByRole('link').click();
    // The model page and its plots.
    await page.getByRole('img', { name: /Confusion matrix/ }).waitFor();
    await page.getByRole('img', { name: /ROC curve/ }).waitFor();
    // Write the card (in two languages) and publish through the quality gate.
    await page.getByRole('button', { name: 'Edit the card' }).click();
    await page.getByLabel('Card (Markdown with YAML front matter)').fill(`---
license: mit
language: [en, zh]
tags: [medicine, 乳腺癌]
task: classification
---
# Tumour check 乳腺癌诊断

Tells benign from malignant breast tumours from 30 cell measurements (乳腺癌良恶性判断).

## Intended use

Teaching: how a marketplace listing is made.

## Training data

The Wisconsin breast cancer set, 569 tumours.

## Limitations

Not a medical device.
`);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.markdown h1').filter({ hasText: 'Tumour check' }).waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByTestId('publish-status').filter({ hasText: 'Published' }).waitFor({ timeout: 60_000 });
    // Find it by search, in English and in Chinese.
    await page.getByRole('link', { name: 'Marketplace' }).click();
    await page.getByRole('searchbox').fill('tumour');
    await page.getByRole('searchbox').press('Enter');
    await page.getByRole('link', { name: 'viewer/tumour-check' }).waitFor();
    await page.getByRole('searchbox').fill('乳腺癌');
    await page.getByRole('searchbox').press('Enter');
    await page.getByRole('link', { name: 'viewer/tumour-check' }).click();
    // Try it.
    await page.getByRole('button', { name: 'Predict' }).click();
    await page
      .getByTestId('predictions')
      .getByText(/benign|malignant/)
      .first()
      .waitFor();
    // A second version, then a proposal for the champion with its report.
    const viewer = t.client((await t.client().login('viewer', 'viewer password 123')).token);
    await viewer.setAlias('viewer/tumour-check', 'champion', 1);
    await viewer.proposals.setEvaluation('viewer/tumour-check', { dataset: 'viewer/tumours', target: 'diagnosis' });
    const second = await viewer.train({
      model: 'viewer/tumour-check',
      dataset: 'viewer/tumours',
      task: 'classification',
      algorithm: 'random-forest',
      target: 'diagnosis',
    });
    assert.equal((await viewer.followJob(second.id)).state, 'succeeded');
    await page.reload();
    await page.getByRole('region', { name: 'Change proposals' }).getByLabel('Title').fill('A forest instead');
    await page.getByLabel('Version of this model').selectOption('2');
    await page.getByRole('button', { name: 'Propose' }).click();
    await page.getByTestId('proposal-state').filter({ hasText: 'Evaluated' }).waitFor({ timeout: 60_000 });
    const report = page.getByTestId('report');
    await report.getByRole('rowheader', { name: 'accuracy' }).waitFor();
    assert.match(await report.innerText(), /accuracy\s+0\.\d+\s+0\.\d+\s+[+-]0\.\d+\s+\[-?0\.\d+, -?0\.\d+\]/);
    await accessible(page, 'proposal page');
    await page.screenshot({ path: path.join(SHOTS, 'proposal-desktop.png'), fullPage: true });
    await page.getByTestId('language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '并排评估报告' }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'proposal-desktop-zh.png'), fullPage: true });
    await page.getByRole('button', { name: /合并/ }).click();
    await page.getByTestId('proposal-state').filter({ hasText: '已合并' }).waitFor();
    await page.getByTestId('language').selectOption('en');
    await context.close();
  });

  test('leaderboards, tokens shown once and revoked, an organisation with members, webhooks and its audit log', async () => {
    const { context, page } = await open('desktop');
    await page.goto(`${t.url}/leaderboards?task=sentiment`);
    const board = page.getByTestId('leaderboard-uci-sentences-en');
    await board.getByRole('link', { name: 'demo/review-sentiment-en' }).waitFor();
    await accessible(page, 'leaderboards');
    await signIn(page);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Token name').fill('from the browser');
    await page.getByRole('button', { name: 'Create token' }).click();
    const value = (await page.getByTestId('new-token').innerText()).trim();
    const me = await fetch(`${t.url}/api/v1/me`, { headers: { authorization: `Bearer ${value}` } });
    assert.equal(me.status, 200, 'the token shown works');
    await page.getByTestId('tokens').getByText('from the browser', { exact: true }).waitFor();
    await accessible(page, 'settings');
    await page.getByRole('button', { name: 'Revoke from the browser' }).click();
    await page.getByTestId('tokens').getByText('from the browser', { exact: true }).waitFor({ state: 'detached' });
    assert.equal((await fetch(`${t.url}/api/v1/me`, { headers: { authorization: `Bearer ${value}` } })).status, 401);

    await page.getByLabel('New organisation').fill('studio-web');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByText('Your role: admin').waitFor();
    await page.getByLabel('User', { exact: true }).fill('demo');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByTestId('members').getByText('demo', { exact: true }).waitFor();
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    await page.getByLabel('URL').fill(url);
    await page.getByLabel('Signing secret (16 characters or more)').fill('a-secret-long-enough');
    await page.getByLabel('model.version.created').check();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByTestId('webhooks').getByText(url).waitFor();
    // An event for the organisation: a new version of one of its models.
    const viewer = t.client((await t.client().login('viewer', 'viewer password 123')).token);
    await viewer.createModel({ owner: 'studio-web', name: 'm', task: 'classification', visibility: 'private' });
    await viewer.uploadVersion('studio-web/m', logisticRegressionModel().bytes);
    for (let i = 0; i < 50; i++) {
      const hooks = await viewer.listWebhooks();
      const log = await viewer.webhookDeliveries(hooks[0]?.id as number);
      if (log.some((d) => d.state === 'delivered')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.getByRole('button', { name: 'Delivery log' }).click();
    await page
      .getByTestId('deliveries')
      .getByText(/model\.version\.created · delivered · 200/)
      .waitFor();
    await page.getByTestId('deliveries').getByRole('button', { name: 'Send again' }).first().click();
    await page
      .getByTestId('audit')
      .getByText(/PUT \/api\/v1\/orgs\/studio-web\/members\/demo/)
      .waitFor();
    await accessible(page, 'organisation');
    await page.screenshot({ path: path.join(SHOTS, 'org-desktop.png'), fullPage: true });
    await context.close();
  });

  test('recommendations and discussions (Markdown sanitised where shown)', async () => {
    const { context, page } = await open('desktop');
    await signIn(page);
    await page.goto(`${t.url}/models/demo/film-recommender`);
    await page.getByRole('button', { name: 'Recommend' }).click();
    const items = page.getByTestId('recommendations').locator('li');
    await items.first().waitFor();
    assert.equal(await items.count(), 10);
    await page.getByRole('region', { name: 'Discussions' }).getByLabel('Title').fill('Does it know new films?');
    await page
      .getByLabel('Message (Markdown)')
      .fill('It **never** shows <script>window.pwned = 1</script> new releases.');
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    const thread = page.getByTestId('thread');
    await thread.locator('strong', { hasText: 'never' }).waitFor();
    assert.equal(await page.evaluate(() => (window as { pwned?: number }).pwned), undefined);
    assert.equal(await thread.locator('script').count(), 0);
    await page.getByLabel('Reply (Markdown)').fill('Try `excludeSeen`.');
    await page.getByRole('button', { name: 'Send' }).click();
    await thread.locator('code', { hasText: 'excludeSeen' }).waitFor();
    await accessible(page, 'model page with discussions');
    await context.close();
  });

  test('every main page at phone size: no sideways scrolling, screenshots', async () => {
    const { context, page } = await open('phone');
    await signIn(page);
    const pages: Array<[string, string, () => Promise<void>]> = [
      ['marketplace', '/', () => page.getByTestId('result-count').waitFor()],
      ['model', '/models/demo/chart-churn', () => page.getByRole('img', { name: /Held-out metrics/ }).waitFor()],
      ['dataset', '/datasets/viewer/charts', () => page.getByTestId('schema').waitFor()],
      ['train', '/train', () => page.getByLabel('Algorithm').waitFor()],
      [
        'leaderboards',
        '/leaderboards?task=classification',
        () => page.getByTestId('leaderboard-chart-churn').waitFor(),
      ],
      ['settings', '/settings', () => page.getByLabel('Token name').waitFor()],
      ['org', '/orgs/studio-web', () => page.getByTestId('members').waitFor()],
      ['proposal', '/models/viewer/tumour-check/proposals/1', () => page.getByTestId('report').waitFor()],
    ];
    for (const [name, url, ready] of pages) {
      await page.goto(`${t.url}${url}`);
      await ready();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 391, `${name} is ${width} px wide on a 390 px screen`);
      await page.screenshot({ path: path.join(SHOTS, `${name}-phone.png`), fullPage: true });
    }
    await context.close();
  });

  test('sign in with a session cookie, switch to 中文 (remembered), sign out', async () => {
    const { context, page } = await open('desktop');
    await page.goto(`${t.url}/sign-in`);
    await accessible(page, 'sign-in');
    await page.getByLabel('Username').fill('viewer');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).last().click();
    await page.getByRole('alert').filter({ hasText: 'Wrong username or password' }).waitFor();
    await page.getByLabel('Password').fill('viewer password 123');
    await page.getByRole('button', { name: 'Sign in' }).last().click();
    await page.getByText('Signed in as viewer').waitFor();
    const cookie = (await context.cookies()).find((c) => c.name.startsWith('marquee'));
    assert.ok(cookie?.httpOnly, 'the session cookie is HttpOnly');
    assert.equal(cookie?.sameSite, 'Lax');
    assert.equal(await page.evaluate(() => document.cookie), '', 'the page cannot read the session');

    await page.getByTestId('language').selectOption('zh-CN');
    await page.getByRole('link', { name: '模型市场' }).waitFor();
    await page.reload();
    await page.getByRole('link', { name: '模型市场' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
    // Signed in, the viewer also sees its own private listing from the flow above.
    await page
      .getByTestId('result-count')
      .filter({ hasText: /^\d+ 个模型$/ })
      .waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'marketplace-desktop-zh.png'), fullPage: true });
    await page.getByRole('button', { name: '退出' }).click();
    await page.getByRole('link', { name: '登录' }).waitFor();
    // Where the server allows it, anyone makes an account and is signed in.
    await page.getByTestId('language').selectOption('en');
    await page.goto(`${t.url}/sign-in`);
    await page.getByRole('link', { name: 'No account? Make one' }).click();
    // The sign-in page stays up while the sign-up page's code loads (a transition), and it
    // has a Username field too: fill only once the new page is there.
    await page.getByRole('heading', { name: 'Make an account' }).waitFor();
    await page.getByLabel('Username').fill('newcomer');
    await page.getByLabel('Password').fill('newcomer password');
    await page.getByRole('button', { name: 'Make the account' }).click();
    // Either outcome ends the wait, so a refused sign-up fails with the page's own words.
    const signedIn = page.getByText('Signed in as newcomer');
    await signedIn
      .or(page.getByRole('alert'))
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(async (err) => {
        // Neither outcome: say where the page is and what it shows, for the next reader.
        await page.screenshot({ path: path.join(SHOTS, 'sign-up-stuck.png'), fullPage: true });
        const text = (await page.locator('body').innerText()).slice(0, 600);
        throw new Error(`${(err as Error).message}\nat ${page.url()}, showing:\n${text}`);
      });
    assert.ok(await signedIn.isVisible(), `sign-up: ${await page.getByRole('alert').allTextContents()}`);
    await context.close();
  });

  test('a first visit follows the browser’s language; a phone screen has no sideways scrolling', async () => {
    const { context, page } = await open('phone', 'zh-CN');
    await page.goto(`${t.url}/`);
    await page.getByTestId('result-count').filter({ hasText: '4 个模型' }).waitFor();
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 391);
    await page.screenshot({ path: path.join(SHOTS, 'marketplace-phone-zh.png'), fullPage: true });
    await page.goto(`${t.url}/models/demo/review-sentiment-zh`);
    await page.getByRole('img', { name: /版本 1 的留出集指标/ }).waitFor();
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 391);
    await accessible(page, 'model page on a phone');
    await page.screenshot({ path: path.join(SHOTS, 'model-phone-zh.png'), fullPage: true });
    await context.close();
  });

  test('no console errors on any page', () => {
    assert.deepEqual(problems, []);
  });
});
