import { describe, expect, it } from 'vitest';
import { NumpyArrayRef, unpickle } from '../../pose/pickle.js';

/** Pickle opcodes by hand: strings are latin1, numbers are bytes. */
function ops(...parts: (string | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') for (let i = 0; i < p.length; i++) out.push(p.charCodeAt(i));
    else out.push(...p);
  }
  return Uint8Array.from(out);
}
const f32 = (...v: number[]) => Array.from(new Uint8Array(Float32Array.from(v).buffer));
const put = (i: number) => [0x71, i];
const get = (i: number) => [0x68, i];

// numpy's own layout of an array: reconstruct, then the state tuple (1, shape, dtype, fortran, bytes)
const head = [...get(0), ...get(1), 0x4b, 0, 0x85, ...get(3), 0x87, 0x52];
function arrayWith(shapePut: number, values: number[]): number[] {
  return [...head, 0x28, 0x4b, 1, 0x4b, values.length, 0x85, ...put(shapePut), ...get(10), 0x89, 0x43, values.length * 4, ...f32(...values), 0x74, 0x62];
}

describe('unpickle fast path for numpy arrays', () => {
  const prologue = ops(
    [0x80, 0x02],
    'cnumpy.core.multiarray\n_reconstruct\n', put(0),
    'cnumpy\nndarray\n', put(1),
    [0x43, 1], 'b', put(3),
    'cnumpy\ndtype\n', [0x58, 2, 0, 0, 0], 'f4', [0x89, 0x88, 0x87, 0x52], put(10),
    [0x28, 0x4b, 3, 0x58, 1, 0, 0, 0], '<', [0x4e, 0x4e, 0x4e, 0x4a, 255, 255, 255, 255, 0x4a, 255, 255, 255, 255, 0x4b, 0, 0x74, 0x62, 0x30],
  );

  it('reads arrays the fast way and falls back where a later GET reads a memo entry inside the pattern', () => {
    // [a, b, c, <shape of c>]: the shape tuple of c is memoised at 20 and read back at the end, so c must take the
    // general path (which keeps memo 20); a and b put their shapes at 21 and 22, which nothing reads
    const body = ops(
      [0x5d, 0x28],
      arrayWith(21, [1, 2]),
      arrayWith(22, [3.5, -4, 5]),
      arrayWith(20, [6]),
      get(20),
      [0x65, 0x2e],
    );
    const bytes = new Uint8Array(prologue.length + body.length);
    bytes.set(prologue);
    bytes.set(body, prologue.length);
    const v = unpickle(bytes, 'hand.pkl') as unknown[];
    expect(v).toHaveLength(4);
    const vals = (a: unknown) => {
      expect(a).toBeInstanceOf(NumpyArrayRef);
      const r = a as NumpyArrayRef;
      expect(r.dtype?.descr).toBe('<f4');
      return { shape: [...r.shape], data: Array.from(new Float32Array(r.raw!.slice().buffer)) };
    };
    expect(vals(v[0])).toEqual({ shape: [2], data: [1, 2] });
    expect(vals(v[1])).toEqual({ shape: [3], data: [3.5, -4, 5] });
    expect(vals(v[2])).toEqual({ shape: [1], data: [6] });
    expect(v[3]).toEqual([1]);
  });

  it('names a size mismatch as the general path does', () => {
    const bad = arrayWith(21, [1, 2]);
    bad[bad.indexOf(0x43, head.length + 8) + 1] = 4; // the array claims 4 bytes for shape (2,)
    const body = ops([0x5d, 0x28], bad.slice(0, -2 - 8 + 4).concat([0x74, 0x62]), [0x65, 0x2e]);
    const bytes = new Uint8Array(prologue.length + body.length);
    bytes.set(prologue);
    bytes.set(body, prologue.length);
    expect(() => unpickle(bytes, 'bad.pkl')).toThrow(/bad\.pkl.*needs 8 bytes, has 4/);
  });
});
