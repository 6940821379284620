import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../cli.js';
import { hasShared, sharedPath } from '../shared.js';

const tmp = mkdtempSync(join(tmpdir(), 'signbench-corpus-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('signbench corpus', () => {
  const dir = join(tmp, 'c');

  it('synth writes a corpus that info describes', async () => {
    const r = await cli('corpus', 'synth', '--out', dir, '--sentences', '6', '--seed', '2', '--no-progress', '--json');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res).toMatchObject({ sentences: 6, out: dir });
    expect(res.version).toMatch(/^sbp-/);
    expect(readdirSync(join(dir, 'poses'))).toHaveLength(6);
    const info = await cli('corpus', 'info', dir, '--json');
    expect(info.code).toBe(0);
    const i = JSON.parse(info.out);
    expect(i).toMatchObject({ entries: 6, version: res.version, signLanguages: ['x-sbp'] });
    const text = await cli('corpus', 'info', dir);
    expect(text.out).toMatch(/entries\s+6/);
  });

  it('refuses to overwrite without --force and reports bad arguments clearly', async () => {
    const again = await cli('corpus', 'synth', '--out', dir, '--sentences', '2', '--no-progress');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already holds a corpus/);
    const bad = await cli('corpus', 'synth', '--out', join(tmp, 'x'), '--sentences', 'many', '--no-progress');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--sentences must be an integer/);
    const missing = await cli('corpus', 'info', join(tmp, 'missing'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no such directory/);
  });

  it('preview renders contact sheets when the renderer is there', async () => {
    if (!existsSync(join(__dirname, '..', '..', 'render', 'frame.ts'))) return;
    const out = join(tmp, 'preview');
    const r = await cli('corpus', 'preview', dir, '--out', out, '--n', '2', '--frames', '3');
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(out).filter((f) => f.endsWith('.png'))).toHaveLength(2);
  });

  it.skipIf(!hasShared('corpus', 'dgs-sentences'))('build hands a real-data kind to corpus/builders and writes a corpus', async () => {
    const out = join(tmp, 'dgs');
    const r = await cli('corpus', 'build', 'dgs', '--src', sharedPath('corpus', 'dgs-sentences'), '--out', out, '--no-progress', '--json');
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.written).toBeGreaterThan(0);
    const info = JSON.parse((await cli('corpus', 'info', out, '--json')).out);
    expect(info).toMatchObject({ entries: res.written, version: res.version, signLanguages: ['gsg'] });
    const bad = await cli('corpus', 'build', 'klingon', '--src', out, '--out', join(tmp, 'k'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/unknown corpus kind "klingon"/);
  });
});
