import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import yauzl from 'yauzl';
import { FFMPEG_MISSING, renderComparison, renderFrame, renderFramePng, renderSequence, syntheticSequence } from '../../render/index.js';

const dir = mkdtempSync(join(tmpdir(), 'signbench-render-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const seq = syntheticSequence(6, { id: 'synth/clip 1', width: 160, height: 90, fps: 12 });
const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;

function zipEntries(file: string): Promise<{ name: string; bytes: Buffer }[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: { name: string; bytes: Buffer }[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        zip.openReadStream(e, (e2, s) => {
          if (e2 || !s) return reject(e2);
          const chunks: Buffer[] = [];
          s.on('data', (c: Buffer) => chunks.push(c));
          s.on('end', () => { out.push({ name: e.fileName, bytes: Buffer.concat(chunks) }); zip.readEntry(); });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('output formats', () => {
  it('png: one file per frame, DIR/000000.png …, each decoding to the rendered frame', async () => {
    const progress: number[] = [];
    const out = join(dir, 'png');
    const r = await renderSequence(seq, { style: 'signverse-thin', format: 'png', out, onProgress: (d) => progress.push(d) });
    expect(r).toMatchObject({ path: out, frames: 6, width: 160, height: 90, fps: 12 });
    expect(readdirSync(out).sort()).toEqual(['000000.png', '000001.png', '000002.png', '000003.png', '000004.png', '000005.png']);
    expect(readFileSync(join(out, '000003.png')).subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const { data, info } = await sharp(join(out, '000003.png')).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([160, 90, 3]);
    expect(Buffer.from(renderFrame(seq, 3, { style: 'signverse-thin' })).equals(data)).toBe(true);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('renderFramePng: one frame as a PNG that decodes to the rendered bytes', async () => {
    const png = await renderFramePng(seq, 2, { style: 'signverse-bold', width: 96, height: 96 });
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([96, 96]);
    expect(Buffer.from(renderFrame(seq, 2, { style: 'signverse-bold', width: 96, height: 96 })).equals(data)).toBe(true);
  });

  it('zip: the PNG frames in order in one archive named after the sequence', async () => {
    const r = await renderSequence(seq, { style: 'controlnet', format: 'zip', out: join(dir, 'zip') });
    expect(r.path).toBe(join(dir, 'zip', 'synth_clip_1.zip'));
    const entries = await zipEntries(r.path);
    expect(entries.map((e) => e.name)).toEqual(['000000.png', '000001.png', '000002.png', '000003.png', '000004.png', '000005.png']);
    const { data } = await sharp(entries[5].bytes).raw().toBuffer({ resolveWithObject: true });
    expect(Buffer.from(renderFrame(seq, 5, { style: 'controlnet' })).equals(data)).toBe(true);
  });

  it('webp: an animated lossless WebP with every frame, its timing and the exact pixels', async () => {
    const r = await renderSequence(seq, { style: 'signverse-bold', format: 'webp', out: join(dir, 'anim.webp') });
    expect(r.path).toBe(join(dir, 'anim.webp'));
    const bytes = readFileSync(r.path);
    expect(bytes.toString('latin1', 0, 4)).toBe('RIFF');
    expect(bytes.toString('latin1', 8, 12)).toBe('WEBP');
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    const meta = await sharp(r.path, { animated: true }).metadata();
    expect([meta.format, meta.pages, meta.width, meta.pageHeight, meta.loop]).toEqual(['webp', 6, 160, 90, 0]);
    expect(meta.delay?.reduce((a, b) => a + b, 0)).toBe(500); // 6 frames at 12 fps
    const { data } = await sharp(r.path, { page: 4 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(Buffer.from(renderFrame(seq, 4, { style: 'signverse-bold' })).equals(data)).toBe(true);
  });

  it('gif: an animated GIF with every frame and centisecond delays that add up to the duration', async () => {
    const r = await renderSequence(seq, { style: 'controlnet', format: 'gif', out: join(dir, 'gif') });
    const bytes = readFileSync(r.path);
    expect(bytes.toString('latin1', 0, 6)).toBe('GIF89a');
    expect(bytes[bytes.length - 1]).toBe(0x3b);
    const meta = await sharp(r.path, { animated: true }).metadata();
    expect([meta.format, meta.pages, meta.width, meta.pageHeight]).toEqual(['gif', 6, 160, 90]);
    expect(meta.delay?.reduce((a, b) => a + b, 0)).toBe(500);
  });

  it.skipIf(!hasFfmpeg)('mp4: H.264 via ffmpeg with every frame (skipped without ffmpeg)', async () => {
    const odd = syntheticSequence(5, { width: 161, height: 91, fps: 25 });
    const r = await renderSequence(odd, { style: 'controlnet', format: 'mp4', out: join(dir, 'v.mp4') });
    const bytes = readFileSync(r.path);
    expect(bytes.toString('latin1', 4, 8)).toBe('ftyp');
    const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,nb_read_frames,width', '-of', 'csv=p=0', r.path], { encoding: 'utf8' });
    if (probe.status === 0) expect(probe.stdout.trim()).toBe('h264,162,5');
  });
  if (!hasFfmpeg) process.stderr.write('[skip] ffmpeg is not installed: the MP4 output test is skipped (apt-get install ffmpeg)\n');

  it('mp4 without ffmpeg: a clear error naming the fix', async () => {
    const saved = process.env.SIGNBENCH_FFMPEG;
    process.env.SIGNBENCH_FFMPEG = join(dir, 'no-such-ffmpeg');
    try {
      await expect(renderSequence(seq, { style: 'controlnet', format: 'mp4', out: join(dir, 'missing.mp4') })).rejects.toThrow(FFMPEG_MISSING);
    } finally {
      if (saved === undefined) delete process.env.SIGNBENCH_FFMPEG;
      else process.env.SIGNBENCH_FFMPEG = saved;
    }
  });

  it('comparison: cells side by side under captions, the shorter sequence holding its last frame', async () => {
    const short = syntheticSequence(3, { width: 160, height: 90 }).clone({ id: 'short' });
    const out = join(dir, 'cmp');
    const r = await renderComparison([{ seq, caption: 'reference' }, { seq: short, caption: 'generated' }], { style: 'controlnet', format: 'png', out, captionHeight: 20 });
    expect(r).toMatchObject({ frames: 6, width: 320, height: 110 });
    expect(readdirSync(out).length).toBe(6);
    const { data } = await sharp(join(out, '000005.png')).raw().toBuffer({ resolveWithObject: true });
    const cell = (x0: number) => {
      const b = Buffer.alloc(160 * 90 * 3);
      for (let y = 0; y < 90; y++) data.copy(b, y * 160 * 3, ((y + 20) * 320 + x0) * 3, ((y + 20) * 320 + x0 + 160) * 3);
      return b;
    };
    expect(cell(0).equals(Buffer.from(renderFrame(seq, 5, { style: 'controlnet' })))).toBe(true);
    expect(cell(160).equals(Buffer.from(renderFrame(short, 2, { style: 'controlnet' })))).toBe(true);
    // The caption bars carry text: brighter than their gray background somewhere.
    let bright = 0;
    for (let p = 0; p < 20 * 320 * 3; p++) if (data[p] > 128) bright++;
    expect(bright).toBeGreaterThan(20);
  });
});

describe('comparison of sequences at different frame rates', () => {
  it('samples each sequence by time, so a 12-fps panel keeps pace with a 24-fps one', async () => {
    const fast = syntheticSequence(8, { id: 'gt', width: 64, height: 48, fps: 24 });
    const slow = syntheticSequence(4, { id: 'gen', width: 64, height: 48, fps: 12 });
    const out = join(dir, 'cmp-fps');
    const r = await renderComparison([{ seq: fast, caption: '' }, { seq: slow, caption: '' }], { style: 'controlnet', format: 'png', out, captionHeight: 0 });
    expect(r).toMatchObject({ frames: 8, fps: 24, width: 128, height: 48 });
    for (const i of [0, 3, 6]) {
      const { data } = await sharp(join(out, `${String(i).padStart(6, '0')}.png`)).raw().toBuffer({ resolveWithObject: true });
      const right = Buffer.alloc(64 * 48 * 3);
      for (let y = 0; y < 48; y++) data.copy(right, y * 64 * 3, (y * 128 + 64) * 3, (y * 128 + 128) * 3);
      expect(right.equals(Buffer.from(renderFrame(slow, Math.floor(i / 2), { style: 'controlnet' })))).toBe(true);
    }
  });
});

describe('comparison captions', () => {
  it('shrink to fit their cell, then cut with an ellipsis', async () => {
    const { fitCaption } = await import('../../render/compare.js');
    expect(fitCaption('ref', 384, 32)).toEqual({ text: 'ref', fontSize: 19 });
    const long = fitCaption('generated: the brother will understand the brother next year.', 384, 32);
    expect(long.fontSize).toBeLessThan(19);
    expect(long.text.endsWith('…')).toBe(false);
    const cut = fitCaption('x'.repeat(500), 200, 32);
    expect(cut.fontSize).toBe(9);
    expect(cut.text.endsWith('…')).toBe(true);
    expect(Array.from(cut.text).length * 9 * 0.6).toBeLessThanOrEqual(200);
  });
});
