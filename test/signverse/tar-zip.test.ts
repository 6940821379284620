import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { deflateRawSync, crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { PoseFormatError } from '../../pose/errors.js';
import { PoseSequence } from '../../pose/sequence.js';
import { FRAME_STRIDE } from '../../pose/skeleton.js';
import { readSignVerse, readSignVerseTar, writeSignVerseShard } from '../../pose/signverse/index.js';
import { readTar, tarHeaderBlock, TarWriter } from '../../pose/tar.js';
import { readZip, writeZip } from '../../pose/zip.js';
import { hasShared, sharedPath } from '../shared.js';

const enc = new TextEncoder();
const tmp = mkdtempSync(join(tmpdir(), 'signbench-tar-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A tar in memory written by our TarWriter. */
async function tarOf(files: [string, Uint8Array][]): Promise<Uint8Array> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const w = new TarWriter(out);
  for (const [name, data] of files) await w.addFile(name, data, 1_700_000_000.25);
  await w.finish();
  out.end();
  await once(out, 'end');
  return new Uint8Array(Buffer.concat(chunks));
}

const pad = (b: Uint8Array) => { const o = new Uint8Array(Math.ceil(b.length / 512) * 512); o.set(b); return o; };
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

async function members(bytes: Uint8Array) {
  const out: { name: string; text: string | null }[] = [];
  for await (const m of readTar(bytes, 't.tar')) out.push({ name: m.name, text: m.data ? Buffer.from(m.data).toString() : null });
  return out;
}

async function errorOf(fn: () => Promise<unknown>): Promise<Error> {
  try { await fn(); } catch (e) { return e as Error; }
  throw new Error('expected an error');
}

function randomWalk(id: string, frames: number, text: string | null): PoseSequence {
  const s = PoseSequence.empty({ id, fps: 24, width: 1280, height: 720, text }, frames);
  let v = 0.5;
  for (let i = 0; i < s.data.length; i++) {
    if (i % 3 === 2) s.data[i] = (i * 7919) % 5 === 0 ? 0 : 0.25 + ((i * 31) % 97) / 100;
    else { v += ((i * 2654435761) % 1000) / 1e5 - 0.005; s.data[i] = v; }
  }
  for (let t = 0; t < frames; t++) s.people[t] = 1;
  return s;
}

describe('tar', () => {
  it('reads PAX headers (long path) and GNU L long names', async () => {
    const long = `${'d'.repeat(80)}/${'e'.repeat(60)}/file.txt`;
    const pax = await tarOf([[long, enc.encode('pax!')]]);
    expect(await members(pax)).toEqual([{ name: long, text: 'pax!' }]);
    const gnuName = `${'g'.repeat(120)}/x.txt`;
    const nameBlock = enc.encode(`${gnuName}\0`);
    const gnu = concat(
      tarHeaderBlock('././@LongLink', nameBlock.length, 0, 'L', 0), pad(nameBlock),
      tarHeaderBlock(gnuName.slice(0, 99), 3, 0, '0', 0o644), pad(enc.encode('gnu')),
      new Uint8Array(1024),
    );
    expect(await members(gnu)).toEqual([{ name: gnuName, text: 'gnu' }]);
  });

  for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'C:/x']) {
    it(`rejects the member '${bad}' naming the archive`, async () => {
      const bytes = await tarOf([['ok/npz/.complete', enc.encode('x')], [bad, enc.encode('evil')]]);
      const e = await errorOf(() => members(bytes));
      expect(e).toBeInstanceOf(PoseFormatError);
      expect(e.message).toBe(`t.tar: tar: member '${bad}' escapes the archive folder`);
    });
  }

  it('rejects a corrupt header checksum and too many members', async () => {
    const bytes = await tarOf([['a.txt', enc.encode('1')], ['b.txt', enc.encode('2')], ['c.txt', enc.encode('3')]]);
    const corrupt = bytes.slice();
    corrupt[1024 + 10] ^= 0xff; // inside the ustar header of a.txt
    expect(await errorOf(() => members(corrupt))).toBeInstanceOf(PoseFormatError);
    const e = await errorOf(async () => { for await (const _ of readTar(bytes, 'n.tar', { limits: { maxEntries: 2 } })) { /* drain */ } });
    expect(e.message).toMatch(/n\.tar: tar: more than 2 members/);
  });

  it('writes shards in the PAX layout and reads them back (meta.text as a VTT cue)', async () => {
    const seqs = [randomWalk('video_a', 50, 'Hello there.'), randomWalk('video_b', 7, null)];
    const out = join(tmp, 'shard.tar');
    async function* gen() { yield* seqs; }
    await writeSignVerseShard(out, gen(), { mtime: 1_795_307_578.5 });
    const bytes = new Uint8Array(readFileSync(out));
    expect(bytes.length % 10240).toBe(0);
    expect(Buffer.from(bytes.subarray(0, 14)).toString()).toBe('././@PaxHeader');
    const names = (await members(bytes)).map((m) => m.name);
    expect(names).toEqual([
      'video_a', 'video_a/captions', 'video_a/captions/video_a.en.vtt', 'video_a/npz', 'video_a/npz/.complete', 'video_a/npz/poses.npz',
      'video_b', 'video_b/npz', 'video_b/npz/.complete', 'video_b/npz/poses.npz',
    ]);
    const complete = (await members(bytes)).find((m) => m.name === 'video_a/npz/.complete')?.text;
    expect(complete).toMatch(/^video_id=video_a\nfps=24\nframes=50\noutput_mode=single_poses_npy\n/);
    const back = [];
    for await (const s of readSignVerse(out, { onWarning: (m) => { throw new Error(m); } })) back.push(s);
    expect(back.map((s) => [s.meta.id, s.frames, s.meta.text])).toEqual([['video_a', 50, 'Hello there.'], ['video_b', 7, null]]);
    for (let i = 0; i < 2; i++) {
      // present points survive bit-exactly; body c becomes 1 (subset semantics), hands/face raw
      const a = seqs[i].data;
      const b = back[i].data;
      for (let k = 0; k < a.length; k++) {
        const isC = k % 3 === 2;
        const isBody = k % FRAME_STRIDE < 18 * 3;
        const want = isC && isBody ? (a[k] > 0 ? 1 : 0) : a[k];
        if (b[k] !== want) throw new Error(`video ${i} value ${k}: ${b[k]} != ${want}`);
      }
    }
  });

  it('refuses ids that are not folder names and duplicate ids', async () => {
    await expect(writeSignVerseShard(join(tmp, 'x.tar'), [randomWalk('../up', 2, null)])).rejects.toThrow(/cannot be a folder name/);
    await expect(writeSignVerseShard(join(tmp, 'y.tar'), [randomWalk('a', 2, null), randomWalk('a', 2, null)])).rejects.toThrow(/appears twice/);
    expect(existsSync(join(tmp, 'y.tar'))).toBe(false);
  });

  it('warns when .complete disagrees with poses.npz', async () => {
    const out = join(tmp, 'c.tar');
    await writeSignVerseShard(out, [randomWalk('v', 5, null)]);
    const files: [string, Uint8Array][] = [];
    for await (const m of readTar(readFileSync(out), 'c.tar')) if (m.data) files.push([m.name, m.name.endsWith('.complete') ? enc.encode('video_id=v\nfps=30\nframes=9\n') : m.data]);
    const warnings: string[] = [];
    for await (const _ of readSignVerseTar(await tarOf(files), 'c.tar', { onWarning: (m) => warnings.push(m) })) { /* drain */ }
    expect(warnings).toEqual(['c.tar:v: .complete says fps=30, poses.npz says 24', 'c.tar:v: .complete says frames=9, poses.npz holds 5']);
  });
});

describe('zip', () => {
  it('round-trips STORED archives and reads DEFLATED members', () => {
    const data = enc.encode('hello hello hello hello');
    const stored = writeZip([{ name: 'a.npy', data }, { name: 'ü.npy', data: new Uint8Array(0) }]);
    expect(readZip(stored, 's.zip').map((e) => [e.name, Buffer.from(e.data).toString()])).toEqual([['a.npy', 'hello hello hello hello'], ['ü.npy', '']]);
    // turn member a.npy into a deflated one by hand
    const comp = deflateRawSync(data);
    const name = enc.encode('a.npy');
    const local = new Uint8Array(30 + name.length + comp.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true); lv.setUint16(8, 8, true); lv.setUint32(14, crc32(data), true);
    lv.setUint32(18, comp.length, true); lv.setUint32(22, data.length, true); lv.setUint16(26, name.length, true);
    local.set(name, 30); local.set(comp, 30 + name.length);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true); cv.setUint16(10, 8, true); cv.setUint32(16, crc32(data), true);
    cv.setUint32(20, comp.length, true); cv.setUint32(24, data.length, true); cv.setUint16(28, name.length, true);
    central.set(name, 46);
    const eocd = new Uint8Array(22);
    const ev = new DataView(eocd.buffer);
    ev.setUint32(0, 0x06054b50, true); ev.setUint16(8, 1, true); ev.setUint16(10, 1, true);
    ev.setUint32(12, central.length, true); ev.setUint32(16, local.length, true);
    const deflated = concat(local, central, eocd);
    expect(Buffer.from(readZip(deflated, 'd.zip')[0].data).toString()).toBe('hello hello hello hello');
    const corrupt = deflated.slice();
    corrupt[32 + name.length] ^= 0x55;
    expect(() => readZip(corrupt, 'd.zip')).toThrow(PoseFormatError);
  });

  it('reports truncation, CRC errors and limits', () => {
    const z = writeZip([{ name: 'a.npy', data: new Uint8Array(1000).fill(7) }]);
    expect(() => readZip(z.subarray(0, z.length - 30), 't.zip')).toThrow(/t\.zip: zip: /);
    expect(() => readZip(z.subarray(0, 500), 't.zip')).toThrow(/no end-of-central-directory/);
    const bad = z.slice();
    bad[100] ^= 1;
    expect(() => readZip(bad, 'c.zip')).toThrow(/CRC-32 mismatch/);
    expect(() => readZip(z, 'l.zip', { limits: { maxBytes: 999 } })).toThrow(/1000 bytes exceeds the limit of 999/);
    expect(() => readZip(z, 'n.zip', { limits: { maxEntries: 0 } })).toThrow(/1 entries exceed the limit of 0/);
  });

  it.skipIf(!hasShared('fixtures', 'signverse'))('reads numpy force_zip64 local headers (fixture)', async () => {
    for await (const m of readTar(readFileSync(sharedPath('fixtures', 'signverse', 'Sign_DWPose_NPZ_000001.tar')), 'f')) {
      if (!m.name.endsWith('poses.npz')) continue;
      const d = m.data as Uint8Array;
      // the local header carries a zip64 extra field (id 1, 16 bytes)
      expect(new DataView(d.buffer, d.byteOffset).getUint16(30 + 12, true)).toBe(1);
      expect(readZip(d, 'poses.npz').map((e) => e.name)).toEqual([
        'video_id.npy', 'fps.npy', 'total_frames.npy', 'frame_widths.npy', 'frame_heights.npy', 'frame_indices.npy', 'frame_payloads.npy',
      ]);
    }
  });
});
