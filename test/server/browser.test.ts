import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceArchive, testServer, untilReady } from './helpers.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
/** SIGNBENCH_SCREENSHOTS=DIR keeps the screenshots the tests take, to look at. */
const SHOTS = process.env.SIGNBENCH_SCREENSHOTS;

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export function listen(fetch: (r: Request) => Response | Promise<Response>): Promise<{ http: ServerType; base: string }> {
  return new Promise((resolve) => {
    const http = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve({ http, base: `http://127.0.0.1:${info.port}` }));
  });
}

export async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

describe.skipIf(!existsSync(CHROMIUM))('web UI in chromium (skipped without /usr/bin/chromium: bash .ci/setup installs it)', () => {
  let srv: Awaited<ReturnType<typeof testServer>>;
  let http: ServerType;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    srv = await testServer();
    ({ http, base } = await listen(srv.app.fetch));
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => http?.close(r));
    await srv?.close();
  });

  it('try it: a typed sentence streams frames into the player, which animates; downloads work', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${base}/`);
    await page.fill('#text', 'Why does the brother come to the zoo?');
    await page.click('#go');
    await page.waitForSelector('#status.ok', { timeout: 30_000 });
    expect(await page.textContent('#status')).toMatch(/\d+ frames at \d+ fps/);
    const canvas = page.locator('#canvas');
    const a = await canvas.screenshot();
    await page.waitForTimeout(500);
    const b = await canvas.screenshot();
    expect(a.equals(b)).toBe(false); // the player animates
    // something is drawn: the canvas is not all black
    // (browser code as a string: the project's TypeScript has no DOM types)
    const lit = await page.evaluate(`(() => {
      const c = document.querySelector('#canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 60) n++;
      return n;
    })()`) as number;
    expect(lit).toBeGreaterThan(500);
    // pause, scrub
    await page.click('#play');
    expect(await page.textContent('#play')).toContain('Play');
    await page.evaluate(`(() => {
      const s = document.querySelector('#scrub');
      s.value = '3';
      s.dispatchEvent(new Event('input'));
    })()`);
    expect(await page.textContent('#frameLabel')).toContain('frame 4 /');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dlPose')]);
    expect(download.suggestedFilename()).toMatch(/\.pose$/);
    await page.click('#translate');
    await page.locator('#back', { hasText: 'judge reads' }).waitFor({ timeout: 30_000 });
    await shot(page, 'try-it');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('the docs page renders the API from local assets', async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) external.push(r.url()); });
    await page.goto(`${base}/docs`);
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(5);
    await shot(page, 'docs');
    expect(external).toEqual([]);
    await page.close();
  }, 60_000);
});

describe.skipIf(!existsSync(CHROMIUM))('leaderboard, submission and compare pages in chromium', () => {
  let srv: Awaited<ReturnType<typeof testServer>>;
  let http: ServerType;
  let base: string;
  let browser: Browser;
  let data: string;
  let token: string;

  beforeAll(async () => {
    data = await mkdtemp(join(tmpdir(), 'signbench-ui-'));
    srv = await testServer({ dataDir: data, warmSuites: false, runWorkers: 1 });
    token = (await srv.store.createToken('ui-tester')).token;
    ({ http, base } = await listen(srv.app.fetch));
    expect((await untilReady(() => srv.app.request('/v1/leaderboard/synthetic-mini'))).status).toBe(200);
    browser = await launch();
  }, 400_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => http?.close(r));
    await srv?.close();
    await rm(data, { recursive: true, force: true });
  });

  it('submit an archive, watch it finish, see it on the leaderboard plot, open its details and compare an item', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/submit`);
    await page.fill('#token', token);
    await page.selectOption('#suite', 'synthetic-mini');
    await page.fill('#name', 'ui-ground-truth');
    await page.setInputFiles('#file', { name: 'preds.zip', mimeType: 'application/zip', buffer: Buffer.from(await referenceArchive(data)) });
    await page.click('#send');
    await page.waitForSelector('#state.finished', { timeout: 300_000 });
    expect(await page.textContent('#result')).toMatch(/BLEU \d/);
    await shot(page, 'submit');

    await page.goto(`${base}/leaderboard?suite=synthetic-mini`);
    await page.waitForSelector('#plot svg circle', { timeout: 60_000 });
    const rows = await page.locator('#board tbody tr').count();
    expect(rows).toBeGreaterThanOrEqual(5); // four baselines and the submission
    expect(await page.locator('#plot svg circle').count()).toBe(rows);
    expect(await page.locator('#plot svg line').count()).toBeGreaterThan(rows); // intervals and grid
    await page.locator('#board tbody tr', { hasText: 'ui-ground-truth' }).click();
    await page.waitForSelector('#details table tbody tr', { timeout: 60_000 });
    expect(await page.locator('#details table tbody tr').count()).toBe(24);
    await shot(page, 'leaderboard');

    await page.locator('#details table tbody tr').first().locator('a').click();
    await page.waitForURL(/\/compare\?/);
    await page.locator('#status', { hasText: 'system frames' }).waitFor({ timeout: 60_000 }); // (no string predicates: the CSP forbids eval)
    const left = await page.locator('#left').screenshot();
    const right = await page.locator('#right').screenshot();
    expect(left.length).toBeGreaterThan(1000);
    expect(right.length).toBeGreaterThan(1000);
    await shot(page, 'compare');
    expect(errors).toEqual([]);
    await page.close();
  }, 600_000);
});
