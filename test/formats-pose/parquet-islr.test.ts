import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { PoseFormatError } from '../../pose/errors.js';
import { BODY, PARTS } from '../../pose/skeleton.js';
import { parseIslrParquet, readIslrParquet } from '../../pose/formats/parquet-islr.js';
import { describeShared, sharedPath } from '../shared.js';

const F = PARTS.face.start;

describeShared(['fixtures', 'parquet'], 'Kaggle-ISLR parquet (SILFA fixture)', () => {
  const path = sharedPath('fixtures', 'parquet', 'SILFA_100_1015_A.parquet');

  it('one frame of 543 landmarks maps to DWPose-128 with the documented defaults', async () => {
    const seq = await readIslrParquet(path);
    expect(seq.frames).toBe(1);
    expect([seq.meta.fps, seq.meta.width, seq.meta.height, seq.meta.source, seq.meta.id]).toEqual([30, 1, 1, 'parquet-islr', 'SILFA_100_1015_A']);
    // Rows read with a struct-level dump of the file: pose 0 = nose, 11/12 shoulders, left_hand 0, face 4.
    expect(seq.x(0, BODY.nose)).toBe(Math.fround(0.45487743616104126));
    expect(seq.y(0, BODY.nose)).toBe(Math.fround(0.22870570421218872));
    expect(seq.x(0, BODY.lShoulder)).toBe(Math.fround(0.5707166790962219));
    expect(seq.x(0, BODY.rShoulder)).toBe(Math.fround(0.3687226474285126));
    expect(seq.x(0, BODY.neck)).toBeCloseTo((0.5707166790962219 + 0.3687226474285126) / 2, 6);
    expect(seq.x(0, PARTS.leftHand.start)).toBe(Math.fround(0.6763039231300354));
    expect(seq.x(0, PARTS.rightHand.start)).toBe(Math.fround(0.41101670265197754));
    expect(seq.x(0, F + 30)).toBe(Math.fround(0.45482078194618225));
    // Every point present (468-point face: the table uses no iris points), confidences 1.
    for (let p = 0; p < 128; p++) expect(seq.c(0, p)).toBe(1);
    expect(seq.y(0, F + 36)).toBeLessThan(seq.y(0, F + 30));
    expect(seq.y(0, F + 30)).toBeLessThan(seq.y(0, F + 62));
  });

  it('options override fps, size and id', async () => {
    const seq = await readIslrParquet(path, undefined, { fps: 25, width: 1920, height: 1080, id: 'x' });
    expect([seq.meta.fps, seq.meta.width, seq.meta.height, seq.id]).toEqual([25, 1920, 1080, 'x']);
  });

  it('corrupted pages found by fuzzing: a backwards snappy literal, and a page that spins (time limit)', async () => {
    const bytes = new Uint8Array(readFileSync(path));
    const snappy = bytes.slice();
    snappy[10743] = 252;
    await expect(parseIslrParquet(snappy, 's.parquet')).rejects.toThrow(/^s\.parquet: unreadable parquet: snappy: /);
    const spin = bytes.slice();
    for (const [p, v] of [[12232, 36], [14597, 208], [16302, 233], [398, 202]]) spin[p] = v;
    await expect(parseIslrParquet(spin, 'spin.parquet', undefined, { timeoutMs: 1500, maxHeapMb: 256 })).rejects.toBeInstanceOf(PoseFormatError);
  });

  it('refuses too many rows, non-parquet bytes and mutated files with a PoseFormatError', async () => {
    const bytes = new Uint8Array(readFileSync(path));
    await expect(parseIslrParquet(bytes, 'a.parquet', { maxBytes: 1e9, maxFrames: 10, maxEntries: 100, maxPeople: 1 })).rejects.toThrow(/a\.parquet: 543 rows, over the 100 limit/);
    await expect(parseIslrParquet(new TextEncoder().encode('not a parquet file at all'), 'b.parquet')).rejects.toBeInstanceOf(PoseFormatError);
    await fc.assert(fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      async (edits) => {
        const m = bytes.slice();
        for (const [pos, v] of edits) m[pos % m.length] = v;
        try {
          await parseIslrParquet(m, 'fuzz.parquet', undefined, { timeoutMs: 3000, maxHeapMb: 256 });
        } catch (e) {
          expect(e).toBeInstanceOf(PoseFormatError);
        }
      }), { numRuns: 15 });
  });
});
