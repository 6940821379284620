import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePtSkelsLine, ptCounter, readPtSkels } from '../../pose/formats/pt-skels.js';
import { BODY, PARTS } from '../../pose/skeleton.js';
import { describeShared, sharedPath } from '../shared.js';

async function all(path: string) {
  const out = [];
  for await (const item of readPtSkels(path)) out.push(item);
  return out;
}

describeShared(['fixtures', 'pt-skels'], 'Progressive Transformers .skels fixtures (PHOENIX-2014T)', () => {
  it('reads dev.skels with ids, German text and glosses', async () => {
    const items = await all(sharedPath('fixtures', 'pt-skels', 'dev.skels'));
    expect(items.length).toBe(5);
    const first = items[0];
    expect(first.raw.frames).toBe(42);
    expect(first.seq.frames).toBe(42);
    expect(first.seq.meta).toMatchObject({
      id: 'dev/11August_2010_Wednesday_tagesschau-2',
      text: 'tiefer luftdruck bestimmt in den nächsten tagen unser wetter .',
      gloss: 'DRUCK TIEF KOMMEN',
      fps: 25, width: 650, height: 650,
    });
    const counter = ptCounter(first.raw);
    expect(counter[0]).toBe(0);
    expect(counter[41]).toBeCloseTo(0.9762, 4);
    // neck (joint 1) is the origin → the plot offset (350, 250) / 650
    expect(first.seq.x(0, BODY.neck)).toBeCloseTo(350 / 650, 6);
    // nose x = (-0.02429 · 720 + 350) / 650
    expect(first.seq.x(0, BODY.nose)).toBeCloseTo((-0.02429 * 720 + 350) / 650, 5);
    // joint 29 (right-hand wrist) lands on canonical right hand 0, near the right wrist
    const dx = first.seq.x(0, PARTS.rightHand.start) - first.seq.x(0, BODY.rWrist);
    expect(Math.abs(dx)).toBeLessThan(0.03);
    expect(first.seq.c(0, PARTS.face.start)).toBe(0);
    expect(first.seq.c(0, PARTS.leftHand.start + 20)).toBe(1);
  });

  it('pairs Sign-IDD predictions with the split files of the parent folder', async () => {
    const items = await all(sharedPath('fixtures', 'pt-skels', 'sign-idd-predictions', 'dev.pred.skels'));
    expect(items.length).toBe(5);
    expect(items[0].seq.id).toBe('dev/11August_2010_Wednesday_tagesschau-2');
    expect(items[0].raw.frames).toBeGreaterThan(0);
  });
});

describe('.skels parsing', () => {
  it('rejects a line that is not whole frames and non-numbers, naming file and line', () => {
    expect(() => parsePtSkelsLine('1 2 3', 'a.skels line 4')).toThrow(/a\.skels line 4: 3 values is not a multiple of 151/);
    const bad = Array.from({ length: 151 }, () => '0.1');
    bad[7] = 'nan';
    expect(() => parsePtSkelsLine(bad.join(' '), 'b.skels line 1')).toThrow(/value 7 \(frame 0\) is not a finite number/);
    expect(() => parsePtSkelsLine(Array(302).fill('0').join(' '), 'c', { maxFrames: 1 })).toThrow(/2 frames, over the 1-frame limit/);
  });

  it('reports a sibling file whose line count differs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skels-'));
    try {
      await writeFile(join(dir, 'x.skels'), Array(151).fill('0').join(' ') + '\n');
      await writeFile(join(dir, 'x.text'), 'one\ntwo\n');
      await expect(all(join(dir, 'x.skels'))).rejects.toThrow(/1 sequences but .*x\.text has 2 lines/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
