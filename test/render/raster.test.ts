import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RgbImage, DIM_0_6, swapRedBlue } from '../../render/raster/image.js';
import { cvRound, saturateU8 } from '../../render/raster/round.js';
import { ellipse2Poly, SIN_TABLE } from '../../render/raster/ellipse.js';
import { fillConvexPoly } from '../../render/raster/polygon.js';
import { fillCircle } from '../../render/raster/circle.js';
import { clipLine, line8 } from '../../render/raster/line.js';
import { line } from '../../render/raster/thick-line.js';
import { Resizer, resizeLinear } from '../../render/raster/resize.js';

/** Set pixels of channel 0 as "x,y" strings. */
function lit(img: RgbImage): string[] {
  const out: string[] = [];
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) if (img.data[(y * img.width + x) * 3] !== 0) out.push(`${x},${y}`);
  return out;
}

describe('OpenCV rounding', () => {
  it('cvRound rounds half to even, like _mm_cvtsd_si32', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001].map(cvRound)).toEqual([0, 2, 2, -0, -2, -2, 2, 3]);
  });
  it('saturateU8 rounds then clamps, NaN → 0', () => {
    expect([-3, 0.5, 1.5, 254.5, 255.4, 300, NaN].map(saturateU8)).toEqual([0, 0, 2, 254, 255, 255, 0]);
  });
  it('the ×0.6 table truncates like NumPy (255 → 153, 170 → 102, 85 → 51)', () => {
    expect([DIM_0_6[255], DIM_0_6[170], DIM_0_6[85], DIM_0_6[1], DIM_0_6[0]]).toEqual([153, 102, 51, 0, 0]);
  });
});

describe('ellipse2Poly', () => {
  it('uses the float sine table: exact at the quadrants, float32 elsewhere', () => {
    expect([SIN_TABLE[0], SIN_TABLE[90], SIN_TABLE[180], SIN_TABLE[270], SIN_TABLE[450]]).toEqual([0, 1, 0, -1, 1]);
    expect(SIN_TABLE[30]).toBe(Math.fround(0.5));
    expect(SIN_TABLE[1]).toBe(Math.fround(0.0174524));
  });
  it('an axis-aligned ellipse has its extreme points on the axes and no consecutive duplicates', () => {
    const p = ellipse2Poly(100, 50, 20, 4, 0, 0, 360, 1);
    const xs = p.filter((_, i) => i % 2 === 0);
    const ys = p.filter((_, i) => i % 2 === 1);
    expect([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]).toEqual([80, 120, 46, 54]);
    for (let i = 2; i < p.length; i += 2) expect(p[i] !== p[i - 2] || p[i + 1] !== p[i - 1]).toBe(true);
    expect([p[0], p[1]]).toEqual([120, 50]); // starts at angle 0
  });
  it('a zero-size ellipse is the centre twice; the angle is taken modulo 360', () => {
    expect(ellipse2Poly(7, 9, 0, 0, 0, 0, 360, 1)).toEqual([7, 9, 7, 9]);
    expect(ellipse2Poly(50, 50, 30, 5, -90, 0, 360, 1)).toEqual(ellipse2Poly(50, 50, 30, 5, 270, 0, 360, 1));
    expect(ellipse2Poly(50, 50, 30, 5, 725, 0, 360, 1)).toEqual(ellipse2Poly(50, 50, 30, 5, 5, 0, 360, 1));
  });
});

describe('lines', () => {
  it('line8 is OpenCV Bresenham from left to right, endpoints included', () => {
    const img = new RgbImage(6, 4);
    line8(img, 4, 2, 0, 0, 255, 0, 0);
    expect(lit(img).sort()).toEqual(['0,0', '1,0', '2,1', '3,1', '4,2']);
  });
  it('clipLine clips to the image with truncating integer division', () => {
    expect(clipLine(10, 10, -5, 5, 15, 5)).toEqual([0, 5, 9, 5]);
    expect(clipLine(10, 10, -5, -5, -1, 20)).toBeNull();
    expect(clipLine(10, 10, 2, 3, 4, 5)).toEqual([2, 3, 4, 5]);
  });
  it('a thick line is a filled band with round caps, thickness 2 → radius-1 caps', () => {
    const img = new RgbImage(20, 11);
    line(img, 5, 5, 14, 5, 2, 9, 9, 9);
    const px = lit(img);
    expect(px).toContain('4,5'); // left cap reaches one pixel beyond the endpoint
    expect(px).toContain('15,5');
    expect(px).toContain('10,4');
    expect(px).toContain('10,6');
    expect(px).not.toContain('10,3');
    expect(px).not.toContain('3,5');
  });
  it('a zero-length thick line is just its cap', () => {
    const a = new RgbImage(9, 9);
    line(a, 4, 4, 4, 4, 6, 1, 2, 3);
    const b = new RgbImage(9, 9);
    fillCircle(b, 4, 4, 3, 1, 2, 3);
    expect(a.data).toEqual(b.data);
  });
});

describe('filled circles and convex polygons', () => {
  it('radius 0 is one pixel, radius 1 a plus', () => {
    const img = new RgbImage(5, 5);
    fillCircle(img, 2, 2, 0, 1, 1, 1);
    expect(lit(img)).toEqual(['2,2']);
    fillCircle(img, 2, 2, 1, 1, 1, 1);
    expect(lit(img).sort()).toEqual(['1,2', '2,1', '2,2', '2,3', '3,2']);
  });
  it('clips circles at the border without writing outside', () => {
    const img = new RgbImage(8, 8);
    fillCircle(img, 0, 0, 4, 7, 7, 7);
    fillCircle(img, 9, 9, 3, 7, 7, 7);
    fillCircle(img, -20, 3, 4, 7, 7, 7);
    expect(lit(img)).toContain('0,0');
    expect(lit(img)).toContain('7,7');
    expect(lit(img)).not.toContain('7,0');
  });
  it('fills a rectangle including its outline', () => {
    const img = new RgbImage(10, 10);
    fillConvexPoly(img, [2, 3, 6, 3, 6, 5, 2, 5], 5, 5, 5);
    const px = lit(img);
    expect(px.length).toBe(5 * 3);
    expect(px).toContain('2,3');
    expect(px).toContain('6,5');
  });
  it('records every written pixel in the tile mask, so clear() restores black (property)', () => {
    const shape = fc.record({
      kind: fc.constantFrom('circle', 'line', 'ellipse'),
      x0: fc.integer({ min: -40, max: 80 }), y0: fc.integer({ min: -40, max: 80 }),
      x1: fc.integer({ min: -40, max: 80 }), y1: fc.integer({ min: -40, max: 80 }),
      r: fc.integer({ min: 0, max: 12 }), t: fc.integer({ min: 1, max: 7 }), angle: fc.integer({ min: -400, max: 400 }),
    });
    fc.assert(fc.property(fc.array(shape, { minLength: 1, maxLength: 6 }), (shapes) => {
      const img = new RgbImage(41, 37);
      for (const s of shapes) {
        if (s.kind === 'circle') fillCircle(img, s.x0, s.y0, s.r, 200, 100, 50);
        else if (s.kind === 'line') line(img, s.x0, s.y0, s.x1, s.y1, s.t, 200, 100, 50);
        else fillConvexPoly(img, ellipse2Poly(s.x0, s.y0, s.r * 3, s.t, s.angle, 0, 360, 1), 200, 100, 50);
      }
      for (let y = 0; y < img.height; y++) {
        for (let x = 0; x < img.width; x++) {
          if (img.data[(y * img.width + x) * 3] !== 0 && !img.isMarked(x, y)) return false;
        }
      }
      img.clear();
      return img.data.every((v) => v === 0) && img.isClean;
    }), { numRuns: 200 });
  });
});

describe('INTER_LINEAR resize', () => {
  it('an exact 2× down-scale is the 2×2 mean rounded half up ((a+b+c+d+2) >> 2)', () => {
    const src = new Uint8Array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]); // 2×2: two black, two 1s
    expect([...resizeLinear(src, 2, 2, 1, 1)]).toEqual([1, 1, 1]);
  });
  it('an exact 3× down-scale samples the centre pixel of each block', () => {
    const src = new Uint8Array(6 * 3 * 3);
    for (let i = 0; i < src.length; i++) src[i] = (i * 37) % 251;
    const out = resizeLinear(src, 6, 3, 2, 1);
    expect([...out]).toEqual([...src.subarray((1 * 6 + 1) * 3, (1 * 6 + 1) * 3 + 3), ...src.subarray((1 * 6 + 4) * 3, (1 * 6 + 4) * 3 + 3)]);
  });
  it('keeps a constant image constant when up- or down-scaling', () => {
    const src = new Uint8Array(7 * 5 * 3).fill(201);
    for (const [w, h] of [[3, 2], [16, 11], [7, 5], [1, 1]]) expect(resizeLinear(src, 7, 5, w, h).every((v) => v === 201)).toBe(true);
  });
  it('skipping the known-black area gives the same bytes as a full resize (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }),
      fc.array(fc.record({ x: fc.nat(), y: fc.nat(), r: fc.integer({ min: 0, max: 4 }) }), { maxLength: 5 }),
      fc.boolean(),
      (sw, sh, dw, dh, blobs, swap) => {
        const img = new RgbImage(sw, sh);
        for (const b of blobs) fillCircle(img, b.x % sw, b.y % sh, b.r, 255, 128, (b.x * 7) & 255);
        const r = new Resizer(sw, sh, dw, dh);
        const full = new Uint8Array(dw * dh * 3);
        r.resize(img.data, full);
        if (swap) swapRedBlue(full);
        const sparse = new Uint8Array(dw * dh * 3).fill(77);
        r.resize(img.data, sparse, img, swap);
        return full.every((v, i) => v === sparse[i]);
      },
    ), { numRuns: 150 });
  });
});
