/**
 * A two-person clip through the CLI and the writers: inspect --json says which hand labelling was used
 * (--signverse-hands), convert keeps every person (SignVerse pipeline/card layouts, DWPose JSON), and the result
 * renders with every person.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readFirstPose } from '../../pose/io.js';
import { encodeDwposeJson, parseDwposeJson } from '../../pose/formats/dwpose-json.js';
import { writeSignVerseShard } from '../../pose/signverse/index.js';
import { FRAME_STRIDE } from '../../pose/skeleton.js';
import { frameRenderer } from '../../render/index.js';
import { multiPersonSequence } from '../signverse/helpers.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'signbench-multi-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cli = async (...args: string[]) => (await run('node', [join(ROOT, 'bin', 'signbench.js'), ...args], { cwd: ROOT })).stdout;

describe('two-person clips through the CLI', () => {
  it('inspect --json reports the hand labelling; --signverse-hands overrides it', async () => {
    const seq = multiPersonSequence(6, 2);
    const bug = join(tmp, 'bug.tar');
    await writeSignVerseShard(bug, [seq], { handLayout: 'pipeline', mtime: 1.7e9 });
    const auto = JSON.parse(await cli('inspect', bug, '--json'));
    expect(auto.sequences[0]).toMatchObject({ id: 'two_people', people: 2, hands: { labels: 'repaired', mode: 'auto', evidence: { stored: 0, repaired: 8 } } });
    const stored = JSON.parse(await cli('inspect', bug, '--json', '--signverse-hands', 'stored'));
    expect(stored.sequences[0].hands).toEqual({ labels: 'stored', mode: 'stored' });
    const err = await run('node', [join(ROOT, 'bin', 'signbench.js'), 'inspect', bug, '--signverse-hands', 'maybe'], { cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect((err as { stderr: string }).stderr).toMatch(/--signverse-hands must be auto, stored or repair/);
  });

  it('convert keeps every person through card shards and DWPose JSON, and the result renders every person', async () => {
    const seq = multiPersonSequence(6, 2);
    const src = join(tmp, 'src.tar');
    await writeSignVerseShard(src, [seq], { mtime: 1.7e9 });
    const card = join(tmp, 'card.tar');
    await cli('convert', src, card, '--layout', 'card');
    const info = JSON.parse(await cli('inspect', card, '--json'));
    expect(info).toMatchObject({ format: 'signverse', sequences: [{ id: 'two_people', frames: 6, people: 2, hands: { labels: 'stored' } }] });
    const json = join(tmp, 'two.json');
    await cli('convert', card, json);
    const back = await readFirstPose(json);
    expect(Array.from(back.people)).toEqual([1, 1, 2, 2, 2, 2]);
    for (let t = 2; t < 6; t++) {
      const a = seq.person(t, 1)!;
      const b = back.person(t, 1)!;
      for (let i = 0; i < FRAME_STRIDE; i++) expect(b[i]).toBeCloseTo(a[i], 5);
    }
    // DWPose JSON alone round-trips bit-exactly
    const again = parseDwposeJson(JSON.parse(encodeDwposeJson(seq)), 'x.json');
    expect(Array.from(again.extraPeople![3]!)).toEqual(Array.from(seq.extraPeople![3]!));
    // rendering: the other person is drawn (frames 2..5 differ from the signer-only drawing)
    const alone = back.clone();
    alone.setExtraPeople(null);
    const r1 = frameRenderer('controlnet', 320, 240);
    const r2 = frameRenderer('controlnet', 320, 240);
    const differs = Array.from({ length: 6 }, (_, t) => Buffer.compare(Buffer.from(r1(back, t)), Buffer.from(r2(alone, t))) !== 0);
    expect(differs).toEqual([false, false, true, true, true, true]);
  });
});

describe('two-person clips in .pose files', () => {
  it('round-trip every person bit-exactly (person slots), and one-person files keep one slot', async () => {
    const { encodePoseFile, parsePoseFile, parsePoseFileRaw } = await import('../../pose/formats/pose-format.js');
    const seq = multiPersonSequence(5, 3);
    const bytes = encodePoseFile(seq);
    expect(parsePoseFileRaw(bytes, 'x.pose').people).toBe(3);
    const back = parsePoseFile(bytes, 'x.pose');
    expect(Array.from(back.people)).toEqual([1, 1, 3, 3, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(seq.data));
    for (let t = 2; t < 5; t++) expect(Array.from(back.extraPeople![t]!)).toEqual(Array.from(seq.extraPeople![t]!));
    const single = seq.clone();
    single.setExtraPeople(null);
    expect(parsePoseFileRaw(encodePoseFile(single), 'y.pose').people).toBe(1);
    expect(parsePoseFile(encodePoseFile(single), 'y.pose').extraPeople).toBeNull();
  });
});
