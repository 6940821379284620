/**
 * SignVerse ingest, whole process: `signbench inspect --json` on a large shard of two-person clips against python3 +
 * numpy merely loading the same payloads (`np.load(npz, allow_pickle=True)['frame_payloads']` for every video of the
 * shard, read with tarfile), median of 3 interleaved runs each. Targets: ≥ 2× numpy's speed, peak RSS ≤ 300 MB.
 * The shard (SIGNBENCH_BENCH_INGEST_MB, default 220 MB) is built at bench time by numpy from the fixture shard
 * (../shared/fixtures/signverse): its clip repeated to 1,500-frame videos, each frame given a second person, pickled
 * by numpy itself (np.save: pickle protocol 4 under numpy 2.x); it is deleted afterwards. A second shard of the same
 * size pickles the payloads with protocol 3 and numpy.core globals, as numpy 1.x wrote the released SignVerse-2M
 * shards (figures only; the target is the first). Without the fixture or numpy the bench says so and claims nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuild, fmt, medianOf, timeProcess, type ProcessTiming } from './lib.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = resolve(ROOT, '..', 'shared', 'fixtures', 'signverse', 'Sign_DWPose_NPZ_000001.tar');

/** Builds the shard: argv = fixture, out, target MB, frames per video, payload pickle protocol (0: np.save's). */
const MAKE_PY = `
import sys, io, pickle, tarfile, zipfile, numpy as np
src, out, target_mb, frames_per_video, protocol = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
t = tarfile.open(src)
m = next(m for m in t.getmembers() if m.name.endswith('/npz/poses.npz'))
payloads = np.load(io.BytesIO(t.extractfile(m).read()), allow_pickle=True)['frame_payloads']
PARTS = ('body', 'face', 'left_hand', 'right_hand')
def two(d, k):
    e = {'num_persons': np.int32(2), 'frame_width': d['frame_width'], 'frame_height': d['frame_height']}
    for person, dx in ((0, 0.0), (1, 0.25 + 0.001 * (k % 7))):
        for p in PARTS:
            kp = d[f'person_000_{p}_keypoints'].copy()
            kp[:, 0] += dx
            e[f'person_{person:03d}_{p}_keypoints'] = kp
            e[f'person_{person:03d}_{p}_scores'] = d[f'person_000_{p}_scores'].copy()
    return e
def npy(a):
    b = io.BytesIO()
    if protocol and a.dtype == object:
        np.lib.format.write_array_header_1_0(b, np.lib.format.header_data_from_array_1_0(a))
        p = pickle.dumps(a, protocol=protocol)
        b.write(p.replace(b'numpy._core', b'numpy.core') if protocol < 4 else p)
    else:
        np.save(b, a, allow_pickle=True)
    return b.getvalue()
tf = tarfile.open(out, 'w', format=tarfile.PAX_FORMAT)
def add(name, data):
    ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 1767225600; tf.addfile(ti, io.BytesIO(data))
v = 0
while True:
    vid = f'twoperson_{v:04d}'
    arr = np.empty(frames_per_video, dtype=object)
    for i in range(frames_per_video):
        arr[i] = two(payloads[i % len(payloads)], i)
    z = io.BytesIO()
    with zipfile.ZipFile(z, 'w', zipfile.ZIP_STORED) as zf:
        zf.writestr('video_id.npy', npy(np.array(vid)))
        zf.writestr('fps.npy', npy(np.int32(24)))
        zf.writestr('total_frames.npy', npy(np.int32(frames_per_video)))
        for k in ('frame_widths', 'frame_heights'):
            zf.writestr(f'{k}.npy', npy(np.full(frames_per_video, 480, dtype=np.int32)))
        zf.writestr('frame_indices.npy', npy(np.arange(1, frames_per_video + 1, dtype=np.int32)))
        zf.writestr('frame_payloads.npy', npy(arr))
    add(f'{vid}/captions/{vid}.en.vtt', f'WEBVTT\\n\\n00:00:00.000 --> 00:00:01.000\\nclip {v}\\n'.encode())
    add(f'{vid}/npz/.complete', f'video_id={vid}\\nfps=24\\nframes={frames_per_video}\\n'.encode())
    add(f'{vid}/npz/poses.npz', z.getvalue())
    v += 1
    if tf.fileobj.tell() >= target_mb * 1e6: break
tf.close()
print(v * frames_per_video)
`;

/** Builds a shard (payloads pickled with `protocol`, 0: np.save's) and times both readers on it, interleaved. */
function measure(dir: string, targetMb: number, protocol: number, label: string, target: boolean): void {
  const shard = join(dir, `Sign_DWPose_NPZ_00000${protocol}.tar`);
  const made = spawnSync('python3', [join(dir, 'make.py'), FIXTURE, shard, String(targetMb), '1500', String(protocol)], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`building the shard failed: ${made.stderr.slice(-500)}`);
  const frames = Number(made.stdout.trim());
  const mb = statSync(shard).size / 1e6;
  console.log(`shard: ${fmt(mb)} MB, ${frames / 1500} videos × 1,500 two-person frames (${label})`);
  const ours: ProcessTiming[] = [];
  const theirs: ProcessTiming[] = [];
  for (let i = 0; i < 3; i++) {
    ours.push(timeProcess(process.execPath, [join(ROOT, 'bin', 'signbench.js'), 'inspect', '--json', shard], { cwd: ROOT }));
    theirs.push(timeProcess('python3', [join(dir, 'load.py'), shard], { cwd: ROOT }));
  }
  rmSync(shard, { force: true });
  const got = JSON.parse(ours[0]!.stdout) as { sequences: { frames: number; people: number }[] };
  const ourFrames = got.sequences.reduce((a, s) => a + s.frames, 0);
  if (ourFrames !== frames || Number(theirs[0]!.stdout.trim()) !== frames || got.sequences.some((s) => s.people !== 2)) {
    throw new Error(`frame counts differ: built ${frames}, signbench ${ourFrames}, numpy ${theirs[0]!.stdout.trim()}`);
  }
  const ow = medianOf(ours, 'wall');
  const tw = medianOf(theirs, 'wall');
  const oc = medianOf(ours, 'cpu');
  const tc = medianOf(theirs, 'cpu');
  const rss = Math.max(...ours.map((t) => t.maxRssMiB ?? NaN));
  console.log(`  signbench inspect --json: ${fmt(ow)} s wall (${fmt(mb / ow, 0)} MB/s) / ${fmt(oc)} s CPU, peak RSS ${fmt(rss, 0)} MiB${target ? ' (target ≤ 300 MB)' : ''}`);
  console.log(`  numpy loading payloads:   ${fmt(tw)} s wall (${fmt(mb / tw, 0)} MB/s) / ${fmt(tc)} s CPU, peak RSS ${fmt(Math.max(...theirs.map((t) => t.maxRssMiB ?? NaN)), 0)} MiB`);
  console.log(`  ingest speed ratio signbench/numpy, median of 3${target ? ' (target ≥ 2×)' : ''}: wall ${fmt(tw / ow, 2)}×, CPU ${fmt(tc / oc, 2)}×`);
}

/** The reference: numpy loading every payload of the shard (tar streamed); prints the frame count. */
const LOAD_PY = `
import sys, io, tarfile, numpy as np
n = 0
with tarfile.open(sys.argv[1], 'r|') as t:
    for m in t:
        if m.name.endswith('/npz/poses.npz'):
            n += len(np.load(io.BytesIO(t.extractfile(m).read()), allow_pickle=True)['frame_payloads'])
print(n)
`;

export async function run(): Promise<void> {
  if (!existsSync(FIXTURE)) {
    console.log(`fixture shard missing (${FIXTURE}); no ingest figures.`);
    return;
  }
  if (spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status !== 0) {
    console.log('python3 with numpy not found (it builds the shard and is the reference); no ingest figures.');
    return;
  }
  const targetMb = Number(process.env.SIGNBENCH_BENCH_INGEST_MB ?? '220');
  if (!(targetMb > 0)) throw new Error(`SIGNBENCH_BENCH_INGEST_MB must be a positive number, got ${process.env.SIGNBENCH_BENCH_INGEST_MB}`);
  ensureBuild(ROOT);
  const dir = mkdtempSync(join(tmpdir(), 'signbench-bench-ingest-'));
  try {
    writeFileSync(join(dir, 'make.py'), MAKE_PY);
    writeFileSync(join(dir, 'load.py'), LOAD_PY);
    const numpyVersion = spawnSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' }).stdout.trim();
    measure(dir, targetMb, 0, `numpy ${numpyVersion} np.save pickles`, true);
    measure(dir, targetMb, 3, 'pickle protocol 3 with numpy.core globals, as numpy 1.x wrote the released shards', false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
