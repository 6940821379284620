/** Generation, rendering, translation and the sign.mt-compatible GET, all run in the inference pool. */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { SignbenchError } from '../../pose/errors.js';
import { RENDER_FORMATS, type RenderFormat, type RenderStyle } from '../../render/index.js';
import type { InferencePool } from '../pool/index.js';
import type { EncodedResult, PoseSource, RenderResult, TranslateResult, WireSequence } from '../pool/protocol.js';
import { ErrorSchema, GenerateBody, RenderOptions, RenderTextBody, SignMtQuery, TranslateQuery, TranslateResponse, UploadQuery } from '../schemas.js';
import { mediaType, parseFormat, readPoseUpload } from '../upload.js';
import type { AppEnv } from '../app.js';

const errors = {
  400: { description: 'invalid input', content: { 'application/json': { schema: ErrorSchema } } },
  413: { description: 'body or upload over its limit', content: { 'application/json': { schema: ErrorSchema } } },
  429: { description: 'rate limited (Retry-After)', content: { 'application/json': { schema: ErrorSchema } } },
  503: { description: 'all inference workers busy and the queue full (Retry-After)', content: { 'application/json': { schema: ErrorSchema } } },
};

const MEDIA: Record<RenderFormat, string> = { png: 'image/png', zip: 'application/zip', webp: 'image/webp', gif: 'image/gif', mp4: 'video/mp4' };

/** A filename-safe stem from the first words of a text. */
function stem(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'pose';
}

function modelId(pool: InferencePool, id: string | undefined, fallback: string): string {
  const m = id ?? fallback;
  if (!pool.models.some((x) => x.kind === 'generator' && x.id === m)) {
    const ids = pool.models.filter((x) => x.kind === 'generator').map((x) => x.id);
    throw new SignbenchError('not-found', `model '${m.slice(0, 128)}' is not served; models: ${ids.join(', ')}`);
  }
  return m;
}

export function registerInference(app: OpenAPIHono<AppEnv>, pool: InferencePool, defaultGenerator: string): void {
  const signal = (c: Context) => c.req.raw.signal;

  app.openapi(createRoute({
    method: 'post', path: '/v1/generate', tags: ['generation'],
    summary: 'Text or glosses → a DWPose-128 pose sequence (JSON, .pose or SignVerse npz; SSE frames with stream: true)',
    request: { body: { required: true, content: { 'application/json': { schema: GenerateBody } } } },
    responses: {
      200: {
        description: 'the sequence',
        content: {
          'application/json': { schema: z.object({ format: z.literal('dwpose-json'), frames: z.array(z.unknown()) }).passthrough() },
          'application/pose': { schema: z.string().openapi({ format: 'binary' }) },
          'application/octet-stream': { schema: z.string().openapi({ format: 'binary', description: 'signverse-npz (poses.npz)' }) },
          'text/event-stream': { schema: z.string().openapi({ description: 'events meta {fps,width,height,model}, frame {t, points[384]}, done {frames}, error {error, detail}' }) },
        },
      },
      404: { description: 'unknown model', content: { 'application/json': { schema: ErrorSchema } } },
      ...errors,
    },
  }), async (c) => {
    const body = c.req.valid('json');
    const model = modelId(pool, body.model, defaultGenerator);
    const text = body.text ?? body.glosses!.join(' ');
    c.header('X-Model-Tag', model);
    if (body.stream) {
      const seen = { frames: 0 };
      return streamSSE(c, async (sse) => {
        let sentMeta = false;
        const pending: Promise<void>[] = [];
        const meta = (m: { fps: number; width: number; height: number }) => {
          if (sentMeta) return;
          sentMeta = true;
          pending.push(sse.writeSSE({ event: 'meta', data: JSON.stringify({ ...m, model, text }) }));
        };
        try {
          const seq = await pool.run<WireSequence>({ op: 'generate', text, model, fps: body.fps, stream: true }, {
            signal: signal(c),
            onFrame: (f) => {
              meta(f.meta);
              seen.frames++;
              pending.push(sse.writeSSE({ event: 'frame', data: JSON.stringify({ t: f.t, points: Array.from(f.frame, (v) => Math.round(v * 1e5) / 1e5) }) }));
            },
          });
          await Promise.all(pending);
          meta(seq.meta);
          // Resampled output (fps given) cannot stream frame by frame: its frames follow in one go.
          const frames = seq.data.length / 384;
          for (let t = seen.frames; t < frames; t++) {
            await sse.writeSSE({ event: 'frame', data: JSON.stringify({ t, points: Array.from(seq.data.subarray(t * 384, (t + 1) * 384), (v) => Math.round(v * 1e5) / 1e5) }) });
          }
          await sse.writeSSE({ event: 'done', data: JSON.stringify({ frames, fps: seq.meta.fps }) });
        } catch (err) {
          const e = err instanceof SignbenchError ? err : new SignbenchError('internal', 'generation failed');
          await sse.writeSSE({ event: 'error', data: JSON.stringify({ error: e.kind, detail: e.message }) });
        }
      });
    }
    // The pool worker encodes the body; this event loop only forwards the bytes.
    const encode = body.format === 'json' ? 'dwpose-json' : body.format === 'pose' ? 'pose' : 'signverse-npz';
    const { bytes } = await pool.run<EncodedResult>({ op: 'generate', text, model, fps: body.fps, encode }, { signal: signal(c) });
    if (body.format === 'json') return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/json' });
    if (body.format === 'pose') {
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/pose', 'Content-Disposition': `attachment; filename="${stem(text)}.pose"` });
    }
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename="${stem(text)}.npz"` });
  });

  // Render: a pose upload (multipart or raw, options in fields or the query) or JSON {text, …}.
  app.openAPIRegistry.registerPath({
    method: 'post', path: '/v1/render', tags: ['rendering'],
    summary: 'Control frames of a pose upload or of generated text: png (one frame), zip of PNGs, webp, gif, mp4',
    request: {
      query: RenderOptions.extend({ input_format: UploadQuery.shape.format }),
      body: {
        required: true,
        content: {
          'application/json': { schema: RenderTextBody },
          'multipart/form-data': { schema: RenderOptions.extend({ file: z.string().openapi({ format: 'binary' }) }) },
          'application/octet-stream': { schema: z.string().openapi({ format: 'binary', description: 'a pose file; format from ?format= or detected' }) },
        },
      },
    },
    responses: { 200: { description: 'the media', content: Object.fromEntries(Object.values(MEDIA).map((m) => [m, { schema: z.string().openapi({ format: 'binary' }) }])) }, ...errors },
  });
  app.post('/v1/render', async (c) => {
    // `format` is the output (png, zip, webp, gif, mp4); a pose format name there, or `input_format`, names the upload's.
    const q = c.req.query();
    const split = (o: Record<string, unknown>) => {
      const { format, input_format: inputFormat, ...rest } = o;
      const isOut = typeof format === 'string' && (RENDER_FORMATS as readonly string[]).includes(format);
      return { rest: isOut ? { ...rest, format } : rest, input: (isOut ? inputFormat : format ?? inputFormat) as string | undefined };
    };
    let source: PoseSource;
    let options: Record<string, unknown>;
    const json = mediaType(c) === 'application/json' ? await jsonBody(c) : undefined;
    if (json && typeof json === 'object' && !Array.isArray(json) && 'text' in json && !('frames' in json)) {
      const r = parse(RenderTextBody, json, 'body');
      source = { kind: 'text', text: r.text, model: modelId(pool, r.model, defaultGenerator) };
      options = r;
    } else {
      const { rest, input } = split(q);
      const up = json !== undefined
        ? { bytes: new TextEncoder().encode(JSON.stringify(json)), format: parseFormat(input), name: 'upload.json', fields: {} }
        : await readPoseUpload(c, input);
      const fromFields = split(up.fields);
      source = { kind: 'bytes', bytes: up.bytes, format: up.format ?? parseFormat(fromFields.input, 'input_format'), name: up.name };
      options = { ...rest, ...fromFields.rest };
    }
    const o = parse(RenderOptions.strict(), options.text === undefined ? options : (({ text: _t, model: _m, ...x }) => x)(options), 'options');
    const r = await pool.run<RenderResult>({ op: 'render', source, style: o.style as RenderStyle, format: o.format as RenderFormat, width: o.width, height: o.height, fps: o.fps, frame: o.frame }, { signal: signal(c) });
    return c.body(r.bytes as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': MEDIA[o.format as RenderFormat], 'X-Frames': String(r.frames), 'X-Frame-Size': `${r.width}x${r.height}`,
      'Content-Disposition': `inline; filename="${source.kind === 'text' ? stem(source.text) : 'render'}.${o.format}"`,
    });
  });

  app.openAPIRegistry.registerPath({
    method: 'post', path: '/v1/translate', tags: ['translation'],
    summary: 'A pose upload in any readable format → text (the benchmark\'s judge); ?beam=n adds the n-best list',
    request: {
      query: TranslateQuery,
      body: {
        required: true,
        content: {
          'multipart/form-data': { schema: z.object({ file: z.string().openapi({ format: 'binary' }) }) },
          'application/pose': { schema: z.string().openapi({ format: 'binary' }) },
          'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) },
        },
      },
    },
    responses: { 200: { description: 'the translation', content: { 'application/json': { schema: TranslateResponse } } }, ...errors },
  });
  app.post('/v1/translate', async (c) => {
    const q = parse(TranslateQuery, c.req.query(), 'query');
    const up = await readPoseUpload(c, q.format);
    const t = await pool.run<TranslateResult>({ op: 'translate', source: { kind: 'bytes', bytes: up.bytes, format: up.format, name: up.name }, beam: q.beam }, { signal: signal(c) });
    return c.json({ text: t.text, score: t.score, frames: t.frames, ...(t.alternatives ? { nbest: t.alternatives } : {}) });
  });

  // sign.mt's GET: existing clients and <pose-viewer src> pages point at it unchanged.
  const signMt = createRoute({
    method: 'get', path: '/spoken_text_to_signed_pose', tags: ['sign.mt'],
    summary: 'sign.mt-compatible: text → a plain .pose (the four DWPose components) for <pose-viewer src>',
    request: { query: SignMtQuery },
    responses: { 200: { description: 'the .pose bytes', content: { 'application/pose': { schema: z.string().openapi({ format: 'binary' }) } } }, ...errors },
  });
  const signMtHandler = async (c: Context<AppEnv>, q: z.infer<typeof SignMtQuery>) => {
    if (q.spoken.toLowerCase() !== 'en') throw new SignbenchError('invalid-input', `spoken: '${q.spoken}' is not served; the generator reads English (spoken=en)`);
    const model = modelId(pool, undefined, defaultGenerator);
    const { bytes } = await pool.run<EncodedResult>({ op: 'generate', text: q.text, model, encode: 'pose-plain' }, { signal: signal(c) });
    const words = q.text.trim().split(/\s+/).slice(0, 8).join(' ').replace(/[^\w\s-]/g, '').trim() || 'pose';
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'application/pose',
      'Content-Disposition': `inline; filename="${words}.pose"`,
      'Cache-Control': 'public, max-age=3600',
      'X-Model-Tag': model,
      'X-Signed-Language': q.signed,
    });
  };
  app.openapi(signMt, (c) => signMtHandler(c as unknown as Context<AppEnv>, c.req.valid('query')) as never);
  app.get('/api/v1/spoken-text-to-signed-pose', (c) => signMtHandler(c, parse(SignMtQuery, c.req.query(), 'query')));
}

async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SignbenchError('invalid-input', `body: not valid JSON (${(err as Error).message})`);
  }
}

/** zod-parses `value`, turning its issues into one invalid-input error naming the fields. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new SignbenchError('invalid-input', `${what}: ${formatIssues(r.error)}`);
  return r.data;
}

export function formatIssues(err: z.ZodError): string {
  return err.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
