import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import sharp from 'sharp';
import { afterAll, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../shared.js';
import { register } from '../../cli/commands/render.js';

const SHARD = ['fixtures', 'signverse', 'Sign_DWPose_NPZ_000001.tar'];
const dir = mkdtempSync(join(tmpdir(), 'signbench-render-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function program(): Command {
  const p = new Command('signbench').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  register(p);
  return p;
}

describeShared([...SHARD], 'signbench render / compare', () => {
  it('render --format png writes DIR/000000.png … for every frame of the first sequence', async () => {
    const out = join(dir, 'png');
    await program().parseAsync(['node', 'signbench', 'render', sharedPath(...SHARD), '--style', 'controlnet', '--out', out, '--width', '64', '--height', '36'], { from: 'node' });
    const files = readdirSync(out).sort();
    expect(files.length).toBe(135);
    expect(files[0]).toBe('000000.png');
    expect(files[134]).toBe('000134.png');
    const meta = await sharp(join(out, '000010.png')).metadata();
    expect([meta.width, meta.height]).toEqual([64, 36]);
  });

  it('compare writes one captioned grid file', async () => {
    const out = join(dir, 'grid.gif');
    await program().parseAsync(['node', 'signbench', 'compare', sharedPath(...SHARD), sharedPath(...SHARD), '--captions', 'ref,gen', '--out', out, '--width', '48', '--height', '27'], { from: 'node' });
    const meta = await sharp(out, { animated: true }).metadata();
    expect([meta.format, meta.pages, meta.width]).toEqual(['gif', 135, 96]);
  });

  it('rejects an unknown style and mismatched captions', async () => {
    await expect(program().parseAsync(['node', 'signbench', 'render', sharedPath(...SHARD), '--style', 'bold', '--out', dir], { from: 'node' })).rejects.toThrow(/unknown render style "bold"/);
    await expect(program().parseAsync(['node', 'signbench', 'compare', sharedPath(...SHARD), sharedPath(...SHARD), '--captions', 'one', '--out', join(dir, 'x.webp')], { from: 'node' })).rejects.toThrow(/--captions has 1 entries for 2 inputs/);
  });
});
