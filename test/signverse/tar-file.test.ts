/**
 * readTarFile (positioned reads of a tar on disk) against readTar (tar-stream): the same members, types, sizes and
 * bytes for archives Python's tarfile writes in every format (ustar, GNU long names, PAX long names and sizes),
 * with directories, links, empty and large members; the same refusals for truncated and corrupt archives.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PoseFormatError } from '../../pose/errors.js';
import { readTar, readTarFile, type TarMember } from '../../pose/tar.js';

const hasPython = spawnSync('python3', ['-c', 'import tarfile'], { encoding: 'utf8' }).status === 0;
if (!hasPython) process.stderr.write('[skip] python3 not found: readTarFile cross-checks skipped\n');
const tmp = mkdtempSync(join(tmpdir(), 'signbench-tarfile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const MAKE = `
import io, sys, tarfile
out = sys.argv[1]
long = 'v' * 120 + '/npz/' + 'n' * 90 + '.npz'
for fmt, name in ((tarfile.USTAR_FORMAT, 'ustar'), (tarfile.GNU_FORMAT, 'gnu'), (tarfile.PAX_FORMAT, 'pax')):
    with tarfile.open(f'{out}/{name}.tar', 'w', format=fmt) as t:
        def add(n, data, typ=tarfile.REGTYPE, link=''):
            ti = tarfile.TarInfo(n); ti.size = len(data); ti.type = typ; ti.linkname = link; ti.mtime = 1
            t.addfile(ti, io.BytesIO(data) if typ == tarfile.REGTYPE else None)
        add('a', b'', tarfile.DIRTYPE)
        add('a/empty.txt', b'')
        add('a/small.txt', b'hello')
        add('a/big.bin', bytes(range(256)) * 700)  # 179,200 bytes: past the 64 KiB window
        add('a/link', b'', tarfile.SYMTYPE, 'small.txt')
        add('a/block.bin', b'x' * 512)
        if fmt != tarfile.USTAR_FORMAT:
            add(long, b'long name')
        add('z/last.txt', b'end')
`;

async function collect(it: AsyncIterable<TarMember>): Promise<{ name: string; type: string; size: number; data: number[] | null }[]> {
  const out = [];
  for await (const m of it) out.push({ name: m.name, type: m.type, size: m.size, data: m.data ? Array.from(m.data) : null });
  return out;
}

async function outcome(it: AsyncIterable<TarMember>): Promise<string> {
  try {
    return JSON.stringify(await collect(it));
  } catch (err) {
    expect(err).toBeInstanceOf(PoseFormatError);
    return 'error';
  }
}

describe.skipIf(!hasPython)('readTarFile', () => {
  const made = hasPython ? spawnSync('python3', ['-c', MAKE, tmp], { encoding: 'utf8' }) : null;
  if (made && made.status !== 0) throw new Error(made.stderr);

  for (const name of ['ustar', 'gnu', 'pax']) {
    it(`reads ${name} archives as readTar does`, async () => {
      const path = join(tmp, `${name}.tar`);
      const want = (n: string) => !n.endsWith('block.bin');
      const a = await collect(readTarFile(path, path, { want }));
      const b = await collect(readTar(readFileSync(path), path, { want }));
      expect(a).toEqual(b);
      expect(a.map((m) => m.name)).toContain('a/big.bin');
      if (name !== 'ustar') expect(a.some((m) => m.name.length > 200 && m.data !== null)).toBe(true);
    });
  }

  it('reads into the buffers it is given', async () => {
    const path = join(tmp, 'pax.tar');
    const sizes: number[] = [];
    const ms = await collect(readTarFile(path, path, { buffer: (n) => { sizes.push(n); return new Uint8Array(n); } }));
    expect(sizes).toEqual([179200]); // only members past the window
    expect(ms.find((m) => m.name === 'a/big.bin')?.data?.slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('refuses truncated and corrupt archives as readTar does, and bounds member sizes and counts', async () => {
    for (const name of ['ustar', 'gnu', 'pax']) {
      const full = readFileSync(join(tmp, `${name}.tar`));
      // cuts everywhere: inside headers, long-name records, member bytes, padding and the end blocks
      for (let cut = 1; cut < full.length; cut += cut < 183_000 ? 4_099 : 211) {
        const path = join(tmp, 'cut.tar');
        writeFileSync(path, full.subarray(0, cut));
        expect([name, cut, await outcome(readTarFile(path, path))]).toEqual([name, cut, await outcome(readTar(full.subarray(0, cut), path))]);
      }
    }
    const full = readFileSync(join(tmp, 'gnu.tar'));
    const corrupt = Buffer.from(full);
    corrupt[512 * 2 + 10] ^= 0xff;
    const cpath = join(tmp, 'corrupt.tar');
    writeFileSync(cpath, corrupt);
    await expect(collect(readTarFile(cpath, cpath))).rejects.toThrow(PoseFormatError);
    const path = join(tmp, 'gnu.tar');
    await expect(collect(readTarFile(path, path, { limits: { maxBytes: 1000 } }))).rejects.toThrow(/a\/big\.bin' of 179200 bytes exceeds the limit of 1000/);
    await expect(collect(readTarFile(path, path, { limits: { maxEntries: 3 } }))).rejects.toThrow(/more than 3 members/);
  });
});
