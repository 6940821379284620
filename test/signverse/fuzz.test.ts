/**
 * Mutation fuzzing of the readers with fast-check: every failure must be a PoseFormatError (never a TypeError,
 * RangeError, an unhandled rejection or a hang), and every success must be a valid sequence.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { PoseFormatError } from '../../pose/errors.js';
import { parseNpy } from '../../pose/npy.js';
import { unpickle } from '../../pose/pickle.js';
import { encodeSignVerseNpz, parseSignVerseNpz, readSignVerseTar } from '../../pose/signverse/index.js';
import { readTar } from '../../pose/tar.js';
import { readZip, writeZip } from '../../pose/zip.js';
import { describeShared, sharedPath } from '../shared.js';
import { multiPersonSequence, npzOf, payload } from './helpers.js';

const SHARD = ['fixtures', 'signverse', 'Sign_DWPose_NPZ_000001.tar'] as const;
const LIMITS = { maxBytes: 8 << 20, maxFrames: 10_000, maxEntries: 100_000, maxPeople: 64 };

/** Byte edits (biased towards the first bytes, where headers live), an optional cut and an optional splice. */
function mutation(length: number) {
  const pos = fc.oneof(fc.nat({ max: Math.min(600, length - 1) }), fc.nat({ max: length - 1 }));
  return fc.record({
    edits: fc.array(fc.tuple(pos, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
    cut: fc.option(fc.nat({ max: length }), { freq: 4 }),
    drop: fc.option(fc.tuple(pos, fc.integer({ min: 1, max: 64 })), { freq: 4 }),
  });
}

type Mutation = { edits: [number, number][]; cut: number | null; drop: [number, number] | null };

function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  let b = bytes.slice();
  for (const [p, v] of m.edits) b[p % b.length] = v;
  if (m.drop) b = new Uint8Array(Buffer.concat([b.subarray(0, m.drop[0]), b.subarray(m.drop[0] + m.drop[1])]));
  if (m.cut !== null) b = b.subarray(0, m.cut);
  return b;
}

function onlyPoseFormatErrors(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof PoseFormatError)) throw new Error(`non-PoseFormatError: ${(e as Error)?.stack ?? e}`);
  }
}

// small multi-person payloads exercise the same code paths as the fixture, but parse in well under a millisecond
const small = npzOf([payload(1), payload(0), payload(2), payload(3)]);
const smallPayload = (readZip(small, 'x').find((e) => e.name === 'frame_payloads.npy') as { data: Uint8Array }).data;

describe('fuzz: restricted unpickler and npy', () => {
  it('survives random bytes and mutated payload pickles', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => onlyPoseFormatErrors(() => unpickle(b, 'r', { limits: LIMITS }))), { numRuns: 1500 });
    fc.assert(fc.property(mutation(smallPayload.length), (m) => onlyPoseFormatErrors(() => parseNpy(apply(smallPayload, m), 'p.npy', LIMITS))), { numRuns: 1500 });
  });

  it('survives mutated payloads inside a well-formed zip (CRC recomputed) and returns only valid sequences', () => {
    const members = readZip(small, 'x');
    fc.assert(
      fc.property(mutation(smallPayload.length), (m) => {
        const zip = writeZip(members.map((e) => (e.name === 'frame_payloads.npy' ? { name: e.name, data: apply(e.data, m) } : e)));
        onlyPoseFormatErrors(() => {
          const s = parseSignVerseNpz(zip, 'm.npz', undefined, LIMITS, { onWarning: () => undefined });
          s.validate();
        });
      }),
      { numRuns: 1500 },
    );
  });

  it('survives mutated dataset-card frames (pixels, nested person dicts, several people)', () => {
    const card = encodeSignVerseNpz(multiPersonSequence(4, 3), { layout: 'card' });
    const members = readZip(card, 'c');
    const frames = (members.find((e) => e.name === 'frames.npy') as { data: Uint8Array }).data;
    fc.assert(
      fc.property(mutation(frames.length), (m) => {
        const zip = writeZip(members.map((e) => (e.name === 'frames.npy' ? { name: e.name, data: apply(e.data, m) } : e)));
        onlyPoseFormatErrors(() => parseSignVerseNpz(zip, 'card.npz', undefined, LIMITS, { onWarning: () => undefined }).validate());
      }),
      { numRuns: 800 },
    );
  });

  it('survives mutated npz containers', () => {
    fc.assert(fc.property(mutation(small.length), (m) => onlyPoseFormatErrors(() => {
      parseSignVerseNpz(apply(small, m), 'z.npz', undefined, LIMITS, { onWarning: () => undefined });
    })), { numRuns: 1000 });
  });
});

describeShared([...SHARD], 'fuzz: fixture shard', () => {
  let tar: Uint8Array;
  let npz: Uint8Array;
  beforeAll(async () => {
    tar = new Uint8Array(readFileSync(sharedPath(...SHARD)));
    for await (const m of readTar(tar, 'f')) if (m.name.endsWith('poses.npz')) npz = m.data as Uint8Array;
  });

  it('survives mutated fixture npz bytes', () => {
    fc.assert(fc.property(mutation(npz.length), (m) => onlyPoseFormatErrors(() => {
      parseSignVerseNpz(apply(npz, m), 'poses.npz', undefined, LIMITS, { onWarning: () => undefined }).validate();
    })), { numRuns: 300 });
  });

  it('survives mutated fixture tar bytes (async, no hang, no stray rejection)', async () => {
    await fc.assert(
      fc.asyncProperty(mutation(tar.length), async (m) => {
        try {
          for await (const s of readSignVerseTar(apply(tar, m), 's.tar', { limits: LIMITS, onWarning: () => undefined })) s.validate();
        } catch (e) {
          if (!(e instanceof PoseFormatError)) throw new Error(`non-PoseFormatError: ${(e as Error)?.stack ?? e}`);
        }
      }),
      { numRuns: 500, interruptAfterTimeLimit: 30_000 },
    );
  });
});
