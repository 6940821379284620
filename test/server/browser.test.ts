import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer } from './helpers.js';

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
    expect(await page.textContent('#status')).toMatch(/\d+ frames at 12 fps/);
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
    await page.waitForFunction(`(document.querySelector('#back')?.textContent ?? '').includes('judge reads')`, null, { timeout: 30_000 });
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
