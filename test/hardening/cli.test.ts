/**
 * Issue 18, "Bad input found", through the `signbench` command: in process through cli/main.ts (so that its one
 * mapping of errors to lines and exit codes is what is tested), and as real child processes where the defect is a
 * process-level one (a segfault, a closed pipe, a full disk, a read that never ends).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePoseFile } from '../../pose/formats/pose-format.js';
import { encodePoseFileRaw, parsePoseFileRaw } from '../../pose/formats/pose-format-raw.js';
import { encodeSignVerseNpz, writeSignVerseShard } from '../../pose/signverse/index.js';
import { readZip } from '../../pose/zip.js';
import { syntheticSequence } from '../../render/synthetic.js';
import { child, cli, shell, zipOf } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'signbench-hardening-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const at = (...p: string[]) => join(tmp, ...p);

const shard = at('x.tar');
const pose = at('clip.pose');
beforeAll(async () => {
  await writeSignVerseShard(shard, [syntheticSequence(6, { id: 'v1' }), syntheticSequence(4, { id: 'v2' })]);
  writeFileSync(pose, encodePoseFile(syntheticSequence(5, { id: 'clip', width: 160, height: 120 })));
});

/** One line on stderr, `signbench: …`, and no stack trace. */
function oneLine(err: string): string {
  const lines = err.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^signbench: /);
  return lines[0];
}

describe('1. convert never writes over its input', () => {
  it('convert x.tar x.tar is refused and the shard is kept', async () => {
    const before = readFileSync(shard);
    const r = await cli('convert', shard, shard);
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(/x\.tar: is also the input .*x\.tar; write to another path/);
    expect(readFileSync(shard).equals(before)).toBe(true);
  });

  it('render --out onto its input is refused', async () => {
    const before = readFileSync(pose);
    const r = await cli('render', pose, '--out', pose, '--format', 'zip');
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(/clip\.pose: is also the input/);
    expect(readFileSync(pose).equals(before)).toBe(true);
  });
});

describe('3. special files (real processes: before the fix these never ended)', () => {
  it('inspect of a .pose linked to /dev/zero and a .json linked to /dev/urandom exits 1 at once', async () => {
    symlinkSync('/dev/zero', at('zero.pose'));
    symlinkSync('/dev/urandom', at('random.json'));
    for (const f of ['zero.pose', 'random.json']) {
      const r = await child(['inspect', at(f)], { timeoutMs: 30_000 });
      expect(r.signal).toBeNull();
      expect(r.code).toBe(1);
      expect(oneLine(r.err)).toMatch(new RegExp(`${f.replace('.', '\\.')}: is a character device, not a regular file`));
    }
  });

  it('a model directory whose manifest.json is a link to /dev/zero is refused', async () => {
    mkdirSync(at('model'));
    symlinkSync('/dev/zero', at('model', 'manifest.json'));
    const r = await cli('translate', pose, '--model', at('model'));
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(/model\/manifest\.json: is a character device, not a regular file/);
  });
});

describe('4. generate checks every input before a model loads', () => {
  const long = 'hello '.repeat(5000); // 30,000 characters: onnxruntime-node segfaulted with this in argv

  it('a 30,000-character text (or --id) exits 1 with a message, not 139', async () => {
    const r = await child(['generate', long, '--out', at('g.pose')], { timeoutMs: 60_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(/text: 30000 characters is over the limit of 10000; for long input use --text-file/);
    const id = await child(['generate', 'hello', '--id', 'x'.repeat(30_000), '--out', at('g.pose')], { timeoutMs: 60_000 });
    expect(id.signal).toBeNull();
    expect(id.code).toBe(1);
    expect(oneLine(id.err)).toMatch(/--id must be 1 to 200 characters, got 30000/);
    expect(existsSync(at('g.pose'))).toBe(false);
  });

  it('--text-file reads long input; over-long text there is refused by name; a good one generates', async () => {
    writeFileSync(at('long.txt'), long);
    const r = await child(['generate', '--text-file', at('long.txt'), '--out', at('g.pose')], { timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(/--text-file .*long\.txt: 30000 characters is over the limit of 10000/);
    writeFileSync(at('ok.txt'), 'Why does the brother come to the zoo?\n');
    const ok = await child(['generate', '--text-file', at('ok.txt'), '--out', at('g.pose'), '--json', '--threads', '1'], { timeoutMs: 120_000 });
    expect(ok.err).not.toMatch(/signbench:/);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).frames).toBeGreaterThan(0);
    const both = await cli('generate', 'hello', '--text-file', at('ok.txt'), '--out', at('g2.pose'));
    expect(oneLine(both.err)).toMatch(/either as an argument or with --text-file, not both/);
  });
});

describe('5 and 14. size options and frame rates are bounded', () => {
  const cases: [string[], RegExp][] = [
    [['translate', pose, '--beam', '100000'], /--beam must be at most 64, got 100000/],
    [['translate', pose, '--max-length', '1e9'], /--max-length must be at most 1024/],
    [['render', pose, '--out', at('r'), '--width', '100000'], /--width must be at most 8192, got 100000/],
    [['render', pose, '--out', at('r'), '--fps', '1e-9'], /--fps must be a number from 0\.1 to 1000, got "1e-9"/],
    [['compare', pose, pose, '--out', at('c.gif'), '--columns', '1000'], /--columns must be at most 64/],
    [['corpus', 'synth', '--out', at('big'), '--sentences', '1e12'], /--sentences must be at most 1000000/],
    [['train', 'translator', '--out', at('t'), '--batch', '10000000'], /--batch must be at most 65536/],
    [['generate', 'hello', '--out', at('g.pose'), '--fps', '1e-9'], /--fps must be a number from 0\.1 to 240, got "1e-9"/],
    [['generate', 'hello', '--out', at('g.pose'), '--threads', '100000'], /--threads must be at most 256/],
    [['inspect', pose, '--width', '1e12'], /--width must be a positive number up to 65535/],
  ];
  for (const [args, message] of cases) {
    it(`${args.filter((a) => !a.startsWith(tmp)).join(' ')} → exit 1`, async () => {
      const r = await cli(...args);
      expect(r.code).toBe(1);
      expect(oneLine(r.err)).toMatch(message);
    });
  }
});

describe('6. inputs that hold nothing exit 1, also for convert', () => {
  it('a 0-byte .tar, an all-zero .tar and an empty .skels', async () => {
    writeFileSync(at('empty.tar'), '');
    writeFileSync(at('zero.tar'), new Uint8Array(10240));
    writeFileSync(at('empty.skels'), '');
    for (const f of ['empty.tar', 'zero.tar', 'empty.skels']) {
      const r = await cli('inspect', at(f));
      expect(r.code).toBe(1);
      expect(oneLine(r.err)).toMatch(/holds no (pose )?sequence/);
      const c = await cli('convert', at(f), at(`${f}.out.pose`));
      expect(c.code).toBe(1);
      expect(oneLine(c.err)).toMatch(/holds no (pose )?sequence/);
      expect(existsSync(at(`${f}.out.pose`))).toBe(false);
    }
  });
});

describe('7. closed pipes and full disks', () => {
  it('inspect | (a reader that has gone) exits quietly with 0', async () => {
    const r = await shell(`node bin/signbench.js inspect ${shard} 2>"${at('epipe.err')}" | true; echo "status \${PIPESTATUS[0]}"`);
    expect(r.out.trim()).toBe('status 0');
    expect(readFileSync(at('epipe.err'), 'utf8')).toBe('');
  });

  it('inspect > /dev/full prints one line about the full disk and exits 1', async () => {
    if (!existsSync('/dev/full')) return;
    const r = await shell(`node bin/signbench.js inspect ${shard} --json > /dev/full; echo "status $?"`);
    expect(r.out.trim()).toBe('status 1');
    expect(oneLine(r.err)).toMatch(/no space left on the device/);
  });
});

describe('8 and 9. render output format and size', () => {
  it('render --out anim.gif writes a GIF file, not a directory of PNGs', async () => {
    const r = await cli('render', pose, '--out', at('anim.gif'), '--json');
    expect(r.code).toBe(0);
    expect(statSync(at('anim.gif')).isFile()).toBe(true);
    expect(readFileSync(at('anim.gif')).subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(JSON.parse(r.out)).toMatchObject({ format: 'gif', frames: 5 });
  });

  it('render --format mp4 --width 101 --height 77 --json reports 102×78', async () => {
    const r = await cli('render', pose, '--format', 'mp4', '--out', at('odd.mp4'), '--width', '101', '--height', '77', '--json');
    if (r.code !== 0 && /ffmpeg not found/.test(r.err)) return;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ format: 'mp4', width: 102, height: 78, renderedSize: { width: 101, height: 77 } });
  });
});

describe('10. raw Node messages become the path and the problem', () => {
  it('--out that is a regular file (EEXIST) or lies below one (ENOTDIR)', async () => {
    writeFileSync(at('afile'), 'x');
    const r = await cli('render', pose, '--out', at('afile'));
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(/afile: cannot create the directory: a file of that name exists/);
    const n = await cli('convert', shard, at('afile', 'out'), '--to', 'pose');
    expect(n.code).toBe(1);
    expect(oneLine(n.err)).toMatch(/afile(\/out)?: cannot create the directory: a (part of the path is a file|file of that name exists)/);
  });
});

describe('11. corpus synth into an existing corpus names --force', () => {
  it('says "pass --force", the real flag', async () => {
    const dir = at('corpus');
    expect((await cli('corpus', 'synth', '--out', dir, '--sentences', '2', '--no-progress', '--json')).code).toBe(0);
    const r = await cli('corpus', 'synth', '--out', dir, '--sentences', '2', '--no-progress');
    expect(r.code).toBe(1);
    const line = oneLine(r.err);
    expect(line).toMatch(/already holds a corpus .*; pass --force to replace it/);
    expect(line).not.toMatch(/pass overwrite/);
  });
});

describe('12. score refuses invalid UTF-8', () => {
  it('names the file and the line', async () => {
    writeFileSync(at('ref.txt'), 'a cat sat\nthe dog ran\n');
    writeFileSync(at('hyp.txt'), Buffer.concat([Buffer.from('a cat sat\nthe d'), Buffer.from([0xff, 0xfe]), Buffer.from('g ran\n')]));
    const r = await cli('score', '--hyp', at('hyp.txt'), '--ref', at('ref.txt'), '--json');
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(/--hyp .*hyp\.txt: line 2 is not valid UTF-8 \(byte 6 of the line\)/);
    writeFileSync(at('hyp2.txt'), Buffer.concat([Buffer.from('a cat sat\r\nthe dog ran\r\n'), Buffer.from([0xe2, 0x82])]));
    const cut = await cli('score', '--hyp', at('hyp2.txt'), '--ref', at('ref.txt'));
    expect(oneLine(cut.err)).toMatch(/hyp2\.txt: line 3 is not valid UTF-8 \(byte 1 of the line\)/);
  });
});

describe('2, 13 and 14 through inspect: zip bombs, OpenPose people, .pose frame rates', () => {
  it('an npz with an unused (corrupt) 16 MiB member reads; one whose payload is a bomb is refused naming it', async () => {
    const members = readZip(encodeSignVerseNpz(syntheticSequence(3, { id: 'clip' })), 'x');
    const unused = await zipOf([...members.map((m) => ({ ...m, store: true })), { name: 'unused.npy', data: new Uint8Array(16 << 20) }]);
    unused[Buffer.from(unused).indexOf('unused.npy') + 200] ^= 0xff; // inflating it would fail
    writeFileSync(at('unused.npz'), unused);
    const ok = await cli('inspect', at('unused.npz'), '--json');
    expect(ok.err).toBe('');
    expect(JSON.parse(ok.out).sequences[0].frames).toBe(3);
    const bomb = await zipOf([...members.filter((m) => m.name !== 'frame_payloads.npy').map((m) => ({ ...m, store: true })), { name: 'frame_payloads.npy', data: new Uint8Array(48 << 20) }]);
    writeFileSync(at('bomb.npz'), bomb);
    const r = await cli('inspect', at('bomb.npz'));
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(/bomb\.npz: zip: entry 'frame_payloads\.npy' would inflate \d+ bytes to 50331648 \(ratio over 100:1\): refused as a zip bomb/);
  });

  it('OpenPose {"people": [[1, 2]]} exits 1', async () => {
    writeFileSync(at('arr_keypoints.json'), JSON.stringify({ version: 1.3, people: [[1, 2]] }));
    const r = await cli('inspect', at('arr_keypoints.json'), '--width', '640', '--height', '480');
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(/people\[0\] must be an object/);
  });

  it('a .pose file at 1e-30 fps exits 1', async () => {
    const pf = parsePoseFileRaw(encodePoseFile(syntheticSequence(2)), 'x.pose');
    writeFileSync(at('slow.pose'), encodePoseFileRaw({ ...pf, fps: 1e-30 }));
    const r = await cli('inspect', at('slow.pose'));
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(/slow\.pose: fps must be a number from 0\.1 to 1000, got 1e-30/);
  });
});
