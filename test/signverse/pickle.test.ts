import { describe, expect, it } from 'vitest';
import { PoseFormatError } from '../../pose/errors.js';
import { npyFromPickled } from '../../pose/npy.js';
import { NumpyArrayRef, NumpyScalar, PyBytes, pickle, unpickle, type PickleInput, type PyValue } from '../../pose/pickle.js';
import { f4 } from './helpers.js';

const enc = new TextEncoder();
const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? Array.from(enc.encode(p)) : p)));

function errorOf(fn: () => unknown): Error {
  try { fn(); } catch (e) { return e as Error; }
  throw new Error('expected an error');
}

describe('restricted unpickler', () => {
  it('refuses os.system (protocol 2 GLOBAL) and names it', () => {
    // cos\nsystem\n(S'echo hi'\ntR.  — the classic payload; must never run
    const p = bytes([0x80, 2], 'cos\nsystem\n', [0x28], 'X', [7, 0, 0, 0], 'echo hi', [0x74, 0x52, 0x2e]);
    const e = errorOf(() => unpickle(p, 'evil.npy'));
    expect(e).toBeInstanceOf(PoseFormatError);
    expect(e.message).toMatch(/evil\.npy: pickle: global 'os\.system' is not allowed/);
  });

  it('refuses builtins.eval via STACK_GLOBAL (protocol 4) and names it', () => {
    const p = bytes([0x80, 4, 0x8c, 8], 'builtins', [0x94, 0x8c, 4], 'eval', [0x94, 0x93, 0x94, 0x8c, 1], '1', [0x85, 0x52, 0x2e]);
    const e = errorOf(() => unpickle(p, 'evil4.npy'));
    expect(e).toBeInstanceOf(PoseFormatError);
    expect(e.message).toMatch(/global 'builtins\.eval' is not allowed/);
  });

  it('refuses calling an allowed class directly and unknown opcodes', () => {
    expect(() => unpickle(bytes([0x80, 3], 'cnumpy\nndarray\n', [0x29, 0x52, 0x2e]), 'x')).toThrow(/numpy\.ndarray cannot be called/);
    expect(() => unpickle(bytes([0x80, 3, 0x81, 0x2e]), 'x')).toThrow(/unsupported opcode 0x81/);
    expect(() => unpickle(bytes([0x80, 3, 0x4e]), 'x')).toThrow(/no STOP/);
    expect(() => unpickle(bytes([0x80, 3, 0x68, 5, 0x2e]), 'x')).toThrow(/memo key 5 is missing/);
    expect(() => unpickle(bytes([0x80, 3, 0x58, 0xff, 0xff, 0xff, 0x7f]), 'x')).toThrow(/truncated BINUNICODE/);
    expect(() => unpickle(bytes([0x80, 3, 0x28, 0x85, 0x2e]), 'x')).toThrow(/stack underflow/);
  });

  it('bounds list and dict sizes by limits.maxEntries', () => {
    const list = pickle([1, 2, 3, 4, 5]);
    expect(() => unpickle(list, 'x', { limits: { maxEntries: 4 } })).toThrow(/more than 4 items/);
    expect(unpickle(list, 'x', { limits: { maxEntries: 5 } })).toEqual([1, 2, 3, 4, 5]);
  });

  for (const protocol of [3, 4] as const) {
    for (const numpyModule of ['numpy.core', 'numpy._core'] as const) {
      it(`round-trips dicts, arrays and numpy scalars (protocol ${protocol}, ${numpyModule})`, () => {
        const big = Array.from({ length: 2500 }, (_, i) => i * 0.5); // > 1000 items: several APPENDS batches
        const value = new Map<string | number, PickleInput>([
          ['num_persons', new NumpyScalar('<i4', 2)],
          ['score', new NumpyScalar('<f4', 0.25)],
          ['id', new NumpyScalar('<i8', 1n << 40n)],
          ['flag', new NumpyScalar('|b1', true)],
          ['name', 'signer ü'],
          ['raw', Uint8Array.from([1, 2, 3])],
          ['none', null],
          ['float', 1.25],
          ['neg', -123456789],
          ['huge', 2n ** 70n],
          ['list', big],
          ['kp', f4([2, 2], [0.5, -0.25, 1e-7, 3])],
          [7, true],
        ]);
        const b = pickle(value, { protocol, numpyModule });
        if (protocol === 4) expect(b[2]).toBe(0x95); // FRAME opcode after PROTO 4
        const back = unpickle(b, 'rt') as Map<string | number, PyValue>;
        expect(back.get('num_persons')).toBe(2);
        expect(back.get('score')).toBe(0.25);
        expect(back.get('id')).toBe(2 ** 40);
        expect(back.get('flag')).toBe(true);
        expect(back.get('name')).toBe('signer ü');
        expect(back.get('raw')).toBeInstanceOf(PyBytes);
        expect(Array.from((back.get('raw') as PyBytes).bytes())).toEqual([1, 2, 3]);
        expect(back.get('none')).toBeNull();
        expect(back.get('float')).toBe(1.25);
        expect(back.get('neg')).toBe(-123456789);
        expect(back.get('huge')).toBe(2n ** 70n);
        expect(back.get('list')).toEqual(big);
        expect(back.get(7)).toBe(true);
        const kp = back.get('kp');
        expect(kp).toBeInstanceOf(NumpyArrayRef);
        const arr = npyFromPickled(kp as NumpyArrayRef, 'rt');
        expect(arr.dtype).toBe('f4');
        expect(arr.shape).toEqual([2, 2]);
        expect(Array.from(arr.data as Float32Array)).toEqual(Array.from(Float32Array.from([0.5, -0.25, 1e-7, 3])));
      });
    }
  }

  it('rejects an ndarray whose bytes do not match its shape', () => {
    const bad = f4([3, 2], [1, 2, 3, 4, 5, 6]);
    bad.shape = [4, 2];
    expect(() => unpickle(pickle(bad), 'shape.npy')).toThrow(/needs 32 bytes, has 24/);
  });
});
