import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { hasShared, sharedPath } from '../shared.js';
import { readSignVerse } from '../../pose/signverse/index.js';
import type { PoseSequence } from '../../pose/sequence.js';
import { frameRenderer, RENDER_STYLES } from '../../render/index.js';

const SHARD = ['fixtures', 'signverse', 'Sign_DWPose_NPZ_000001.tar'];
const REFERENCE = ['fixtures', 'render-reference'];

/** Byte-for-byte comparison; on mismatch the message gives the count and the first differing pixel. */
function diffReport(got: Uint8Array, want: Uint8Array, width: number): string | null {
  if (got.length !== want.length) return `size ${got.length} bytes, reference ${want.length}`;
  let count = 0;
  let first = -1;
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== want[i]) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (count === 0) return null;
  const px = Math.floor(first / 3);
  const at = px * 3;
  return `${count} bytes differ; first at pixel (x ${px % width}, y ${Math.floor(px / width)}): got [${[...got.subarray(at, at + 3)]}], reference [${[...want.subarray(at, at + 3)]}]`;
}

describe.skipIf(!hasShared(...SHARD) || !hasShared(...REFERENCE))('bit-exact against the reference Python+OpenCV drawings', () => {
  let seq: PoseSequence;
  const load = async () => {
    if (!seq) for await (const s of readSignVerse(sharedPath(...SHARD))) { seq = s; break; }
    return seq;
  };

  for (const style of RENDER_STYLES) {
    it(`${style}: the first 30 frames of the fixture shard at 1280×720, every byte`, async () => {
      const s = await load();
      const render = frameRenderer(style, s.meta.width, s.meta.height);
      const failures: string[] = [];
      for (let t = 0; t < 30; t++) {
        const file = sharedPath(...REFERENCE, style, `${String(t).padStart(6, '0')}.png`);
        const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
        expect([info.width, info.height, info.channels]).toEqual([s.meta.width, s.meta.height, 3]);
        const report = diffReport(render(s, t), data, info.width);
        if (report) failures.push(`frame ${t}: ${report}`);
      }
      expect(failures, failures.join('\n')).toEqual([]);
    });
  }
});
