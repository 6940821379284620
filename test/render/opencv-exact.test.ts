import { describe, expect, it } from 'vitest';
import {
  compareWithOpenCv,
  differences,
  findOpenCvPython,
  randomPrimitives,
  RECORD,
  summariseOpenCv,
  summariseOurs,
} from '../../bench/exactness/opencv-compare.js';

// Debian's OpenCV (python3-opencv) is the reference rasteriser; without it these tests skip and say why.
const py = findOpenCvPython();
if (!py) process.stderr.write('[skip] no python3 with cv2 + numpy (apt-get install python3-opencv): OpenCV exactness tests are skipped\n');

describe.skipIf(!py)('raster primitives are pixel-identical to OpenCV', () => {
  it('8,000 random limb ellipses, annotator limbs, lines and circles on 64..2160-px canvases', () => {
    const r = compareWithOpenCv(8000, 20261204, py!.python, py!.version);
    expect(r.compared.limb + r.compared.ellipse).toBeGreaterThan(3000);
    expect(r.compared.line).toBeGreaterThan(1000);
    expect(r.compared.circle).toBeGreaterThan(1000);
    expect(r.differences.slice(0, 5)).toEqual([]);
  });

  it('the comparison sees a one-pixel change (an ellipse axis or a line end moved by one)', () => {
    const records = randomPrimitives(400, 5);
    const theirs = summariseOpenCv(records, py!.python);
    const moved = records.slice();
    let changed = 0;
    for (let i = 0; i < 400; i++) {
      const o = i * RECORD;
      if (moved[o] === 0 && moved[o + 5] >= 4) { moved[o + 5] += 1; changed++; } // axis_w
      if (moved[o] === 1) { moved[o + 5] += 1; changed++; } // x1
    }
    const ours = summariseOurs(moved);
    // a shape entirely off the canvas stays empty when moved; most are visible
    expect(differences(records, ours, theirs).length).toBeGreaterThan(changed * 0.5);
    expect(differences(records, summariseOurs(records), theirs)).toEqual([]);
  });
});
