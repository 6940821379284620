import { describe, expect, it } from 'vitest';
import { PoseFormatError } from '../../pose/errors.js';
import { encodeNpy, npyHeader, parseNpy, type NpyArray } from '../../pose/npy.js';

const enc = new TextEncoder();

/** A .npy with a hand-written header (any version) and raw data. */
function rawNpy(header: string, data: Uint8Array, version = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  const h = enc.encode(header);
  const out = new Uint8Array(prefix + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, h.length, true); else dv.setUint32(8, h.length, true);
  out.set(h, prefix);
  out.set(data, prefix + h.length);
  return out;
}

describe('npy', () => {
  const cases: NpyArray[] = [
    { dtype: 'f4', shape: [2, 3], data: Float32Array.from([1.5, -2, 3.25, 0, Number.MAX_VALUE > 1 ? 1e-30 : 0, 7]) },
    { dtype: 'f8', shape: [3], data: Float64Array.from([Math.PI, -0, 1e300]) },
    { dtype: 'i4', shape: [], data: Int32Array.from([24]) },
    { dtype: 'i8', shape: [2], data: BigInt64Array.from([-5n, 1n << 40n]) },
    { dtype: 'u1', shape: [4], data: Uint8Array.from([0, 1, 200, 255]) },
    { dtype: 'b1', shape: [2, 1], data: Uint8Array.from([1, 0]) },
    { dtype: 'U', shape: [], data: ['human_signer'] },
    { dtype: 'U', shape: [3], data: ['a', 'ünï', '👋x'] },
    { dtype: 'O', shape: [2], data: [new Map([['k', 1]]), 'text'] },
    { dtype: 'f4', shape: [0, 2], data: new Float32Array(0) },
  ];
  for (const arr of cases) {
    it(`round-trips ${arr.dtype} of shape (${arr.shape.join(',')})`, () => {
      const bytes = encodeNpy(arr);
      // header block is 64-byte aligned like numpy writes it
      const headerLen = new DataView(bytes.buffer).getUint16(8, true);
      expect((10 + headerLen) % 64).toBe(0);
      const back = parseNpy(bytes, 'x.npy');
      expect(back.dtype).toBe(arr.dtype);
      expect(back.shape).toEqual(arr.shape);
      expect(Array.from(back.data as ArrayLike<unknown>)).toEqual(Array.from(arr.data as ArrayLike<unknown>));
    });
  }

  it('writes the U width as the longest string in code points', () => {
    const b = encodeNpy({ dtype: 'U', shape: [2], data: ['ab', '👋👋👋'] });
    expect(new TextDecoder().decode(b.subarray(10, 60))).toContain("'descr': '<U3'");
  });

  it('honours fortran_order (transposes to C order)', () => {
    // 2×3 array [[1,2,3],[4,5,6]] stored column-major: 1 4 2 5 3 6
    const data = new Uint8Array(Int32Array.from([1, 4, 2, 5, 3, 6]).buffer);
    const a = parseNpy(rawNpy("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }\n", data), 'f.npy');
    expect(Array.from(a.data as Int32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    const b = parseNpy(rawNpy("{'descr': '<i4', 'fortran_order': True, 'shape': (3, 2), }\n", data), 'f.npy');
    expect(Array.from(b.data as Int32Array)).toEqual([1, 5, 4, 3, 2, 6]);
  });

  it('reads format versions 2.0 and 3.0 and big-endian data', () => {
    const be = new Uint8Array(8);
    new DataView(be.buffer).setFloat32(0, 1.5, false);
    new DataView(be.buffer).setFloat32(4, -3, false);
    const v2 = parseNpy(rawNpy("{'shape': (2,), 'fortran_order': False, 'descr': '>f4'}\n", be, 2), 'v2.npy');
    expect(Array.from(v2.data as Float32Array)).toEqual([1.5, -3]);
    const v3 = parseNpy(rawNpy('{"descr": "<U2", "fortran_order": False, "shape": (1,)}', new Uint8Array(Uint32Array.from([0xe9, 0x1f600]).buffer), 3), 'v3.npy');
    expect(v3.data).toEqual(['é😀']);
  });

  it('writes a header numpy accepts for long shapes (version 2 when needed)', () => {
    const h = npyHeader('<f4', [1, 2, 3]);
    expect(h.length % 64).toBe(0);
    expect(new TextDecoder().decode(h)).toContain("'shape': (1, 2, 3), }");
  });

  const bad: [string, Uint8Array, RegExp][] = [
    ['bad magic', enc.encode('NOTNUMPY........'), /bad magic/],
    ['truncated header', rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(8)).subarray(0, 30), /header length/],
    ['unknown dtype', rawNpy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16)), /dtype '<c16' is not supported/],
    ['structured dtype', rawNpy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)), /structured/],
    ['wrong byte length', rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", new Uint8Array(8)), /needs 12 bytes, found 8/],
    ['absurd shape', rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000, 100000000000), }", new Uint8Array(8)), /too large/],
    ['missing key', rawNpy("{'descr': '<f4', 'shape': (1,), }", new Uint8Array(4)), /needs descr, fortran_order and shape/],
    ['bad version', Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 9, 0, 0, 0, 0, 0]), /unsupported format version 9/],
  ];
  for (const [name, bytes, re] of bad) {
    it(`rejects ${name} with a PoseFormatError naming the file`, () => {
      let err: unknown;
      try { parseNpy(bytes, 'bad.npy'); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(PoseFormatError);
      expect((err as Error).message).toMatch(/^bad\.npy: npy: /);
      expect((err as Error).message).toMatch(re);
    });
  }

  it('honours limits.maxBytes', () => {
    const b = encodeNpy({ dtype: 'f4', shape: [100], data: new Float32Array(100) });
    expect(() => parseNpy(b, 'big.npy', { maxBytes: 100 })).toThrow(/exceed the limit/);
  });
});
