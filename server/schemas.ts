/** The zod schemas of the API: they validate requests and generate /openapi.json. */
import { z } from '@hono/zod-openapi';
import { MAX_TEXT_CHARS } from '../generator/tokenizer.js';
import { BYTE_FORMATS } from '../pose/io.js';
import { RENDER_FORMATS, RENDER_STYLES } from '../render/index.js';

export const ErrorSchema = z.object({
  error: z.string().openapi({ example: 'invalid-input', description: 'the error kind' }),
  detail: z.string().openapi({ example: 'text: empty text (give at least one word)' }),
  info: z.unknown().optional(),
  requestId: z.string().optional(),
}).openapi('Error');

const text = z.string().min(1).max(Math.min(1000, MAX_TEXT_CHARS)).refine((s) => s.trim().length > 0, 'empty text (give at least one word)');
const model = z.string().min(1).max(128).optional().openapi({ description: 'a generator id from GET /v1/models (default: "default")' });
const fps = z.number().gt(0).lte(240).optional().openapi({ description: 'output frame rate (frames are interpolated; default: the model\'s)' });

export const GenerateBody = z.object({
  text: text.optional().openapi({ example: 'Why does the brother come to the zoo?' }),
  glosses: z.array(z.string().min(1).max(64)).min(1).max(64).optional().openapi({ description: 'glosses, read by the generator as words' }),
  model,
  format: z.enum(['json', 'pose', 'signverse-npz']).default('json').openapi({ description: 'json = the dwpose-json layout `signbench convert --to dwpose-json` writes' }),
  fps,
  stream: z.boolean().default(false).openapi({ description: 'server-sent events: meta, one frame event per frame as the decoder makes it, done' }),
}).strict().refine((b) => (b.text === undefined) !== (b.glosses === undefined), { message: 'give exactly one of text or glosses' }).openapi('GenerateRequest');

export const RenderOptions = z.object({
  style: z.enum(RENDER_STYLES as unknown as [string, ...string[]]).default('controlnet'),
  format: z.enum(RENDER_FORMATS as unknown as [string, ...string[]]).default('gif'),
  width: z.coerce.number().int().min(16).max(2048).optional(),
  height: z.coerce.number().int().min(16).max(2048).optional(),
  fps: z.coerce.number().gt(0).lte(120).optional(),
  frame: z.coerce.number().int().min(0).optional().openapi({ description: 'format png: the frame drawn (default 0)' }),
});

export const RenderTextBody = RenderOptions.extend({ text, model }).strict().openapi('RenderTextRequest');

export const UploadQuery = z.object({
  format: z.enum(BYTE_FORMATS).optional().openapi({ description: 'the upload\'s pose format (default: from Content-Type, else detected from the bytes)' }),
});

export const TranslateQuery = UploadQuery.extend({ beam: z.coerce.number().int().min(1).max(16).default(1).openapi({ description: 'beam width; above 1 the answer carries the n-best list' }) });

export const TranslateResponse = z.object({
  text: z.string(),
  score: z.number().openapi({ description: 'length-normalised log-probability' }),
  frames: z.number().int(),
  nbest: z.array(z.object({ text: z.string(), score: z.number() })).optional(),
}).openapi('Translation');

export const SignMtQuery = z.object({
  text: text.openapi({ example: 'Why does the brother come to the zoo?' }),
  spoken: z.string().max(16).default('en'),
  signed: z.string().max(16).default('ase'),
});

export const ModelsResponse = z.object({
  models: z.array(z.object({ id: z.string(), kind: z.enum(['generator', 'translator']), config: z.string(), fps: z.number().optional(), default: z.boolean() })),
}).openapi('Models');
