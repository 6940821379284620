import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Command, CommanderError } from 'commander';
import { register } from '../../cli/commands/generator.js';
import { floatTensor, int64Tensor, openOrtSession } from '../../nn/ort.js';
import { loadGeneratorCorpus } from '../../generator/corpus-data.js';
import { getNarConfig } from '../../generator/nar/config.js';
import { glossTokens, parseGlosses } from '../../generator/nar/glosses.js';
import { glossDurations, leftDominant } from '../../generator/nar/pack.js';
import { mirror } from '../../pose/transforms.js';
import { PHASE_DIM, regulate } from '../../generator/nar/regulate.js';
import { upsample } from '../../generator/nar/runtime.js';
import { exportNarCheckpoint, NAR_TRAINER, trainNarGenerator } from '../../generator/nar/train.js';
import { readAnyGeneratorManifest, type NarGeneratorManifest } from '../../generator/manifest.js';
import { GeneratorRuntime } from '../../generator/runtime.js';
import { defaultPython } from '../../generator/torch-train.js';

const python = defaultPython();
const hasTorch = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0;
if (!hasTorch) console.warn(`[skip] non-autoregressive generator training tests: ${python} cannot import torch and numpy`);

/** The generator commands on a fresh program, in-process, failing as cli/main.ts does (exit 1, `signbench: …`). */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { err += String(s); return true; });
  const program = new Command('signbench').exitOverride();
  register(program);
  try {
    await program.parseAsync(['node', 'signbench', ...args]);
    return { code: 0, out, err };
  } catch (x) {
    if (x instanceof CommanderError) return { code: x.exitCode, out, err };
    err += `signbench: ${x instanceof Error ? x.message : String(x)}\n`;
    return { code: 1, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('non-autoregressive generator: glosses and the length regulator', () => {
  it('reads gloss strings with a question mark, attached or apart', () => {
    expect(parseGlosses('  TOMORROW STORE YOU GO?  ')).toEqual(['TOMORROW', 'STORE', 'YOU', 'GO', '?']);
    expect(parseGlosses('fs-ANNA LIKE  CAT ?')).toEqual(['fs-ANNA', 'LIKE', 'CAT', '?']);
    expect(glossTokens(['ME', 'GO'], 'Do I go?')).toEqual(['<bos>', 'ME', 'GO', '?', '<eos>']);
    expect(glossTokens(['ME', 'GO'], 'I go.')).toEqual(['<bos>', 'ME', 'GO', '<eos>']);
  });

  it('turns sign spans into gap/sign durations that add up to the sequence', () => {
    const spans = [{ gloss: 'ME', start: 10, end: 22 }, { gloss: 'GO', start: 30, end: 41 }];
    const d = glossDurations(spans, 60, ['<bos>', 'ME', 'GO', '?', '<eos>']);
    expect(d).toEqual([0, 0, 10, 12, 8, 11, 0, 0, 19, 0]);
    expect(d.reduce((a, b) => a + b, 0)).toBe(60);
  });

  it('regulates durations into per-frame from/to glosses and phases', () => {
    const r = regulate([[0, 0], [2, 3], [1, 2], [0, 0], [2, 0]]);
    expect(r.frames).toBe(10);
    expect(r.fromIndex).toEqual([0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(r.toIndex).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 4, 4]);
    const row = (t: number) => Array.from(r.phase.subarray(t * PHASE_DIM, (t + 1) * PHASE_DIM));
    expect(row(2).slice(0, 4)).toEqual([0, 0, 1, 3 / 24]); // first sign frame: u 0, a sign of 3 frames
    expect(row(3)[0]).toBeCloseTo(0.5);
    expect(row(5).slice(0, 3)).toEqual([1, 1, 0]); // a 1-frame gap has u = 1
    expect(row(1)[4]).toBeCloseTo(Math.sin(Math.PI), 6);
  });

  it('tells left-dominant signers from right-dominant ones (those the pack mirrors)', async () => {
    const { proceduralCorpus, SIGNERS } = await import('../../corpus/procedural/index.js');
    const c = proceduralCorpus({ sentences: 60 });
    const right = c.entries.find((e) => !SIGNERS.find((s) => s.id === e.signer)!.leftHanded)!;
    const left = c.entries.find((e) => SIGNERS.find((s) => s.id === e.signer)!.leftHanded)!;
    expect(leftDominant(c.sequence(right))).toBe(false);
    expect(leftDominant(c.sequence(left))).toBe(true);
    expect(leftDominant(mirror(c.sequence(right)))).toBe(true);
  });

  it('upsamples strided rows, interpolating only points present on both sides', () => {
    const rows = new Float32Array(3 * 384);
    rows.set([0.2, 0.4, 1], 0); rows.set([0.4, 0.8, 1], 384); rows.set([0, 0, 0], 768);
    const out = upsample(rows, 3, 2, 6);
    expect(Array.from(out.subarray(384, 387)).map((v) => Number(v.toFixed(5)))).toEqual([0.3, 0.6, 1]);
    expect(Array.from(out.subarray(3 * 384, 3 * 384 + 3))).toEqual([0, 0, 0]); // next row's point is missing: nearer is row 2
    expect(out.length).toBe(6 * 384);
  });

  it('gives the Python trainer the same regulation as the runtime', () => {
    if (!hasTorch) return;
    const durs = [[0, 0], [3, 4], [0, 2], [0, 0], [5, 0]];
    const code = `import sys, json; sys.path.insert(0, ${JSON.stringify(join(NAR_TRAINER, '..'))}); sys.argv=['x']\nimport train_nar as T\nf,t,p=T.regulate(${JSON.stringify(durs)})\nprint(json.dumps([f.tolist(), t.tolist(), p.flatten().tolist()]))`;
    const [f, t, p] = JSON.parse(execFileSync(python, ['-c', code], { encoding: 'utf8' })) as number[][];
    const r = regulate(durs as [number, number][]);
    expect(f).toEqual(r.fromIndex);
    expect(t).toEqual(r.toIndex);
    expect(p.length).toBe(r.phase.length);
    p.forEach((v, i) => expect(Math.abs(v - r.phase[i])).toBeLessThan(1e-6));
  });
});

describe.skipIf(!hasTorch)('non-autoregressive generator: smoke training, export and runtime', () => {
  let dir: string;
  let model: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gen-nar-'));
    model = join(dir, 'model');
    const corpus = await loadGeneratorCorpus('procedural', { sentences: 48 });
    const res = await trainNarGenerator({
      train: corpus.train, dev: corpus.dev, config: getNarConfig('nar-tiny'), outDir: model, corpus: corpus.info, seed: 3,
      threads: 1, command: 'test', keepPack: true,
    });
    expect(res.steps).toBe(4);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a non-autoregressive model directory with its manifest', () => {
    const m = readAnyGeneratorManifest(model) as NarGeneratorManifest;
    expect(m.architecture).toBe('non-autoregressive');
    expect(m.normalization).toMatchObject({ space: 'full-frame', width: 1280, height: 720, fps: 24, phaseDim: PHASE_DIM });
    for (const f of ['text_to_gloss.onnx', 'gloss_encoder.onnx', 'frame_decoder.onnx', 'loss.svg']) expect(existsSync(join(model, f))).toBe(true);
    expect(m.glossVocab.slice(0, 5)).toEqual(['<pad>', '<unk>', '<bos>', '<eos>', '?']);
    expect(m.training.steps).toBe(4);
    expect(m.metrics.dev_gloss_exact).toBeGreaterThanOrEqual(0);
  });

  it('ONNX graphs compute what the PyTorch model computes', async () => {
    const [ex] = JSON.parse(execFileSync(python, [NAR_TRAINER, join(model, 'pack'), '--out', join(model, 'checkpoint'), '--dump', '1', '--threads', '1'], { encoding: 'utf8', maxBuffer: 64 << 20 })) as {
      text: number[]; gloss: number[]; gloss_ids: number[]; log_durations: number[]; from: number[]; to: number[]; phase: number[]; frames: number[];
    }[];
    const m = readAnyGeneratorManifest(model) as NarGeneratorManifest;
    const pack = JSON.parse(readFileSync(join(model, 'pack', 'pack.json'), 'utf8')) as { stats: { mean: number[]; std: number[] } };
    const t2g = (await openOrtSession(join(model, m.files.textToGloss))).session;
    const enc = (await openOrtSession(join(model, m.files.glossEncoder))).session;
    const dec = (await openOrtSession(join(model, m.files.frameDecoder))).session;
    const g = await t2g.run({ tokens: int64Tensor(ex.text, [1, ex.text.length]) });
    expect(Array.from(g.gloss_ids.data as BigInt64Array, Number)).toEqual(ex.gloss_ids);
    const e = await enc.run({ glosses: int64Tensor(ex.gloss, [1, ex.gloss.length]) });
    Array.from(e.log_durations.data as Float32Array).forEach((v, i) => expect(Math.abs(v - ex.log_durations[i])).toBeLessThan(1e-4));
    const T = ex.from.length;
    expect(dec.inputNames).toContain('glosses'); // nar-tiny has sign templates
    const d = await dec.run({
      glosses: int64Tensor(ex.gloss, [1, ex.gloss.length]),
      states: e.states, from_index: int64Tensor(ex.from, [1, T]), to_index: int64Tensor(ex.to, [1, T]), phase: floatTensor(Float32Array.from(ex.phase), [1, T, PHASE_DIM]),
    });
    const frames = d.frames.data as Float32Array;
    expect(frames.length).toBe(T * 384);
    let worst = 0;
    frames.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - (ex.frames[i] * pack.stats.std[i % 384] + pack.stats.mean[i % 384]))); });
    expect(worst).toBeLessThan(1e-4);
    await Promise.all([t2g.release(), enc.release(), dec.release()]);
  }, 60_000);

  it('runs through GeneratorRuntime from text and from glosses', async () => {
    const rt = await GeneratorRuntime.load(model, { providers: ['cpu'] });
    expect(rt.architecture).toBe('non-autoregressive');
    const seq = await rt.generateGlosses('TOMORROW ME GO ?', { id: 'g' });
    expect(seq.meta).toMatchObject({ width: 1280, height: 720, fps: 24, id: 'g' });
    expect(seq.frames).toBeGreaterThanOrEqual(8);
    expect(seq.meta.glosses?.map((s) => s.gloss)).toEqual(['TOMORROW', 'ME', 'GO']);
    const sized = await rt.generateGlosses(['me', 'go'], { frames: 96 });
    expect(sized.frames).toBe(96);
    const slow = await rt.generateGlosses('ME GO', { fps: 12 });
    expect(slow.meta.fps).toBe(12);
    await expect(rt.generateGlosses('ME QQQNOTAGLOSS')).rejects.toThrow(/"QQQNOTAGLOSS" not in the model's/);
    await expect(rt.generateGlosses('   ')).rejects.toThrow(/glosses: empty/);
    // An untrained gloss stage may find no sign in the text; either it draws, or it says so.
    await rt.generate('Tomorrow, will you go to the store?').then(
      (s) => expect(s.meta.width).toBe(1280),
      (err: Error) => expect(err.message).toMatch(/found no signs/),
    );
    await expect(rt.generateIds([2, 3])).rejects.toThrow(/needs an autoregressive model/);
    await rt.release();
  }, 60_000);

  it('the CLI generates from --glosses', async () => {
    const out = join(dir, 'g.pose');
    const r = await cli('generate', '--glosses', 'ME GO ?', '--model', model, '--out', out, '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out.trim().split('\n').pop() as string)).toMatchObject({ fps: 24, width: 1280, height: 720 });
    expect(existsSync(out)).toBe(true);
    const both = await cli('generate', 'hello', '--glosses', 'ME', '--model', model, '--out', out);
    expect(both.code).toBe(1);
    expect(both.err).toMatch(/either a text or --glosses/);
  }, 60_000);

  it('float16 weights: half the files, nearly the same poses', async () => {
    const half = join(dir, 'half');
    exportNarCheckpoint(join(model, 'checkpoint'), half, { corpus: { name: 'procedural', version: 'test', hash: null, sentences: 48 }, command: 'test', float16: true });
    const size = (d: string) => ['text_to_gloss.onnx', 'gloss_encoder.onnx', 'frame_decoder.onnx'].reduce((a, f) => a + statSync(join(d, f)).size, 0);
    expect(size(half)).toBeLessThan(0.75 * size(model));
    const [a, b] = await Promise.all([GeneratorRuntime.load(model, { providers: ['cpu'] }), GeneratorRuntime.load(half, { providers: ['cpu'] })]);
    // 40 frames either way (a duration rounded the other way moves one boundary by a frame: compare the mean).
    const sa = await a.generateGlosses('ME GO ?', { frames: 40 });
    const sb = await b.generateGlosses('ME GO ?', { frames: 40 });
    expect(sb.frames).toBe(sa.frames);
    let diff = 0;
    sa.data.forEach((v, i) => { diff += Math.abs(v - sb.data[i]); });
    expect(diff / sa.data.length).toBeLessThan(0.01);
    await Promise.all([a.release(), b.release()]);
  }, 60_000);

  it('refuses a manifest whose architecture it does not know', () => {
    const bad = join(dir, 'bad');
    execFileSync('cp', ['-r', model, bad]);
    const m = JSON.parse(readFileSync(join(bad, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(bad, 'manifest.json'), JSON.stringify({ ...m, architecture: 'diffusion' }));
    expect(() => readAnyGeneratorManifest(bad)).toThrow(/architecture "diffusion" is not supported/);
  });
});
