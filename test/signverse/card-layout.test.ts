/**
 * The SignVerse-2M dataset card's layout: `{video_id}/poses.npz` (video_id, fps, num_frames, frame_ids, width,
 * height, frames of `{num_people, frame_id, width, height, person_0: {body, face, left_hand, right_hand}}` in pixels,
 * score in the third column), `{video_id}/caption.json`, `{video_id}.complete`. Written by numpy + tarfile (skips
 * without Debian's numpy) and by our writer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PoseSequence } from '../../pose/sequence.js';
import { CHANNELS, PARTS } from '../../pose/skeleton.js';
import { readSignVerse, readSignVerseCaptions, writeSignVerseShard } from '../../pose/signverse/index.js';
import { multiPersonSequence, numpyPython, runPython } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'signbench-card-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function readAll(path: string): Promise<PoseSequence[]> {
  const out: PoseSequence[] = [];
  for await (const s of readSignVerse(path, { onWarning: () => undefined })) out.push(s);
  return out;
}

const py = numpyPython();
if (!py) process.stderr.write('[skip] no /usr/bin/python3 with numpy: card-layout files written by numpy are not checked\n');

describe.skipIf(!py)('dataset-card shards written by numpy and tarfile', () => {
  const WRITER = `
import io, json, sys, tarfile, time
import numpy as np
out = sys.argv[1]
W, H = 1280, 720
def person(cx, conf):
    p = {}
    for part, n in (('body', 18), ('face', 68), ('left_hand', 21), ('right_hand', 21)):
        a = np.zeros((n, 3), np.float32)
        a[:, 0] = cx + np.arange(n) * 2.0
        a[:, 1] = 100 + np.arange(n) * 3.0
        a[:, 2] = conf
        p[part] = a
    p['body'][5, 2] = 0.05 if conf != 1 else -1  # one missing joint
    return p
with tarfile.open(out, 'w') as tar:
    def add(name, data):
        ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = time.time()
        tar.addfile(ti, io.BytesIO(data))
    for vid, conf in (('card_a', 0.9), ('card_b', 1)):
        frames = []
        for t in range(4):
            n = 0 if t == 1 else (2 if t == 3 else 1)
            f = {'num_people': n, 'frame_id': t, 'width': W, 'height': H}
            for k in range(n):
                f['person_%d' % k] = person(200 + 400 * k, conf if conf != 1 else 1.0)
            frames.append(f)
        arr = np.empty(len(frames), dtype=object)
        for i, f in enumerate(frames): arr[i] = f
        buf = io.BytesIO()
        np.savez(buf, video_id=np.array(vid), fps=np.float64(25.0), num_frames=np.int64(4), frame_ids=np.arange(4),
                 width=np.int64(W), height=np.int64(H), frames=arr)
        add(vid + '.complete', b'')
        cap = {'segments': [{'start': 0.0, 'end': 0.08, 'text': 'hello'}, {'start': 0.08, 'end': 0.16, 'text': 'world'}],
               'sign_language': 'ase', 'document_text': '', 'english_source': 'manual'}
        add(vid + '/caption.json', json.dumps(cap).encode())
        add(vid + '/poses.npz', buf.getvalue())
`;

  it('reads every video (not "0 sequences"): pixels normalised, people, captions from caption.json segments', async () => {
    const shard = join(tmp, 'card-numpy.tar');
    runPython(py!, WRITER, [shard]);
    const seqs = await readAll(shard);
    expect(seqs.map((s) => [s.id, s.frames, s.meta.fps, s.meta.width, s.meta.height])).toEqual([
      ['card_a', 4, 25, 1280, 720],
      ['card_b', 4, 25, 1280, 720],
    ]);
    const [a, b] = seqs;
    expect(Array.from(a.people)).toEqual([1, 0, 1, 2]);
    expect(a.x(0, 0)).toBeCloseTo(200 / 1280, 6);
    expect(a.y(0, PARTS.face.start + 2)).toBeCloseTo(106 / 720, 6);
    // confidences kept as they are (0.9; the missing joint 0.05); subset-index scores (b) become presence 1 / 0
    expect(a.c(0, 0)).toBeCloseTo(0.9, 6);
    expect(a.c(0, 5)).toBeCloseTo(0.05, 6);
    expect([b.c(0, 0), b.c(0, 5)]).toEqual([1, 0]);
    expect(a.person(3, 1)![0]).toBeCloseTo(600 / 1280, 6);
    expect(a.meta).toMatchObject({ text: 'hello world', signLanguage: 'ase', language: 'en' });
    const caps = await readSignVerseCaptions(shard);
    expect(caps.get('card_a')?.captions).toEqual([{ start: 0, end: 0.08, text: 'hello' }, { start: 0.08, end: 0.16, text: 'world' }]);
  });
});

describe('dataset-card shards written by signbench', () => {
  it('round-trips people, coordinates, scores and text; numpy loads the npz as the card documents it', async () => {
    const seq = multiPersonSequence(5, 2);
    seq.meta.signLanguage = 'bfi';
    const shard = join(tmp, 'card-ours.tar');
    await writeSignVerseShard(shard, [seq], { layout: 'card', mtime: 1.7e9 });
    const [s] = await readAll(shard);
    expect(s.meta).toMatchObject({ id: 'two_people', fps: 24, width: 640, height: 480, text: 'two people', signLanguage: 'bfi' });
    expect(Array.from(s.people)).toEqual(Array.from(seq.people));
    for (let t = 0; t < 5; t++) {
      for (let k = 0; k < seq.peopleWithPoints(t); k++) {
        const x = seq.person(t, k)!;
        const y = s.person(t, k)!;
        for (let i = 0; i < x.length; i++) expect(y[i]).toBeCloseTo(x[i], 5);
      }
    }
    if (!py) return;
    const CHECK = `
import io, json, sys, tarfile
import numpy as np
tar = tarfile.open(sys.argv[1])
names = tar.getnames()
d = np.load(io.BytesIO(tar.extractfile('two_people/poses.npz').read()), allow_pickle=True)
f = d['frames']
cap = json.loads(tar.extractfile('two_people/caption.json').read())
print(json.dumps({'names': names, 'keys': sorted(d.files), 'fps': float(d['fps']), 'n': int(d['num_frames']),
  'w': int(d['width']), 'people': [int(x['num_people']) for x in f], 'frame_keys': sorted(f[2].keys()),
  'body': f[2]['person_1']['body'].shape, 'x': float(f[0]['person_0']['body'][0, 0]), 'cap': cap['document_text'],
  'seg': cap['segments'][0]['text']}))
`;
    const got = JSON.parse(runPython(py, CHECK, [shard])) as Record<string, unknown>;
    expect(got).toMatchObject({
      names: ['two_people.complete', 'two_people', 'two_people/caption.json', 'two_people/poses.npz'],
      keys: ['fps', 'frame_ids', 'frames', 'height', 'num_frames', 'video_id', 'width'],
      fps: 24, n: 5, w: 640, people: [1, 1, 2, 2, 2],
      frame_keys: ['frame_id', 'height', 'num_people', 'person_0', 'person_1', 'width'],
      body: [18, 3], cap: 'two people', seg: 'two people',
    });
    expect(got.x as number).toBeCloseTo(seq.x(0, 0) * 640, 3);
  });

  it('reads an extracted card folder and a bare card poses.npz', async () => {
    const seq = multiPersonSequence(3, 2);
    const shard = join(tmp, 'card-folder.tar');
    await writeSignVerseShard(shard, [seq], { layout: 'card', mtime: 1.7e9 });
    const dir = join(tmp, 'extracted');
    const { readTar } = await import('../../pose/tar.js');
    const { mkdirSync, readFileSync } = await import('node:fs');
    mkdirSync(join(dir, 'two_people'), { recursive: true });
    for await (const m of readTar(new Uint8Array(readFileSync(shard)), shard)) if (m.type === 'file' && m.data) writeFileSync(join(dir, m.name), m.data);
    const [f] = await readAll(join(dir, 'two_people'));
    expect([f.id, f.frames, f.meta.text, f.extraPeople?.[2]?.length]).toEqual(['two_people', 3, 'two people', 384]);
    const [bare] = await readAll(join(dir, 'two_people', 'poses.npz'));
    expect([bare.id, bare.frames]).toEqual(['two_people', 3]);
    expect(bare.x(1, 3)).toBeCloseTo(seq.x(1, 3), 5);
    expect(seq.frame(0)[3 * CHANNELS]).toBeCloseTo(f.frame(0)[3 * CHANNELS], 5);
  });
});
