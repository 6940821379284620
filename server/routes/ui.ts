/** The web UI: hand-written pages and scripts in server/ui/, and the skeleton the canvas player draws. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { BODY_LIMBS, HAND_EDGES } from '../../pose/skeleton.js';
import { BODY_COLORS, HAND_EDGE_HSV } from '../../render/palette.js';
import { sendStatic, staticFiles } from '../static.js';
import type { AppEnv } from '../app.js';

const UI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'ui');

export function registerUi(app: Hono<AppEnv>): void {
  const files = staticFiles(UI_DIR);
  const skeleton = JSON.stringify({
    bodyLimbs: BODY_LIMBS.slice(0, 17), bodyColors: BODY_COLORS, handEdges: HAND_EDGES,
    handColors: HAND_EDGE_HSV.map((c) => c.map((v) => Math.round(v * 255))),
  });
  const pages: Record<string, string> = { '/': 'index.html', '/leaderboard': 'leaderboard.html', '/compare': 'compare.html', '/submit': 'submit.html' };
  for (const [path, file] of Object.entries(pages)) app.get(path, (c) => sendStatic(c, files(file), 'no-cache'));
  app.get('/ui/skeleton.json', (c) => c.body(skeleton, 200, { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=300' }));
  app.get('/ui/:name', (c) => sendStatic(c, files(c.req.param('name')), 'no-cache'));
}
