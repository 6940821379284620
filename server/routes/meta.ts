/** Models, health, metrics, the OpenAPI document and its docs page (Swagger UI served from npm, no CDN). */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { InferencePool } from '../pool/index.js';
import type { Metrics } from '../observability.js';
import { ModelsResponse } from '../schemas.js';
import { sendStatic, staticFiles } from '../static.js';
import type { AppEnv } from '../app.js';

const SWAGGER_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>signbench API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"><link rel="icon" href="/ui/favicon.svg"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script><script src="/docs/assets/init.js"></script></body></html>`;
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, tryItOutEnabled: true });`;

export function registerMeta(app: OpenAPIHono<AppEnv>, deps: { pool: InferencePool; metrics: Metrics; ready: () => Promise<{ ok: boolean; checks: Record<string, boolean | string> }> }): void {
  app.openapi(createRoute({
    method: 'get', path: '/v1/models', tags: ['meta'], summary: 'The model ids that `model` accepts',
    responses: { 200: { description: 'served models', content: { 'application/json': { schema: ModelsResponse } } } },
  }), (c) => c.json({ models: deps.pool.models.map(({ id, kind, config, fps, default: d }) => ({ id, kind, config, ...(fps ? { fps } : {}), default: d })) }, 200));

  app.openapi(createRoute({
    method: 'get', path: '/healthz', tags: ['meta'], summary: 'Liveness',
    responses: { 200: { description: 'alive', content: { 'application/json': { schema: z.object({ ok: z.boolean() }) } } } },
  }), (c) => c.json({ ok: true }, 200));

  app.openapi(createRoute({
    method: 'get', path: '/readyz', tags: ['meta'], summary: 'Readiness: models loaded, store open',
    responses: {
      200: { description: 'ready', content: { 'application/json': { schema: z.object({ ok: z.boolean(), checks: z.record(z.string(), z.unknown()) }) } } },
      503: { description: 'not ready', content: { 'application/json': { schema: z.object({ ok: z.boolean(), checks: z.record(z.string(), z.unknown()) }) } } },
    },
  }), async (c) => {
    const r = await deps.ready();
    return c.json(r, r.ok ? 200 : 503);
  });

  app.get('/metrics', async (c) => c.body(await deps.metrics.registry.metrics(), 200, { 'Content-Type': deps.metrics.registry.contentType }));

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'signbench', version: '0.1.0', description: 'Text-to-pose sign language generation, rendering, back-translation and its benchmark. Errors are JSON {error, detail}.' },
  });
  const swagger = staticFiles(SWAGGER_DIR, ['swagger-ui.css', 'swagger-ui-bundle.js']);
  app.get('/docs', (c) => c.html(DOCS_HTML));
  app.get('/docs/assets/init.js', (c) => c.body(DOCS_INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get('/docs/assets/:name', (c) => sendStatic(c, swagger(c.req.param('name')), 'public, max-age=86400'));
}
