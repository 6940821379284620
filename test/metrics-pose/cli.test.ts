import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { register as registerPoseScore } from '../../cli/commands/pose-score.js';
import { register as registerTable } from '../../cli/commands/slrtp-table.js';
import { describeShared, sharedPath } from '../shared.js';

async function runCli(register: (p: Command) => void, args: string[]): Promise<string> {
  const program = new Command('signbench').exitOverride();
  register(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    await program.parseAsync(['node', 'signbench', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

afterEach(() => vi.restoreAllMocks());

describe('signbench slrtp-table', () => {
  it('--json prints the source and ten reference rows', async () => {
    const json = JSON.parse(await runCli(registerTable, ['slrtp-table', '--json'])) as { source: { repository: string }; rows: { kind: string }[] };
    expect(json.source.repository).toBe('walsharry/SLRTP-Sign-Production-Evaluation');
    expect(json.rows).toHaveLength(10);
    expect(json.rows.every((r) => r.kind === 'reference')).toBe(true);
  });
  it('rejects an unknown split', async () => {
    await expect(runCli(registerTable, ['slrtp-table', '--split', 'dev'])).rejects.toThrow(/--split must be one of/);
  });
});

describeShared(['fixtures', 'slrtp'], 'signbench pose-score on the SLRTP fixture shards', () => {
  const hyp = sharedPath('fixtures', 'slrtp', 'hyp.tar');
  const ref = sharedPath('fixtures', 'slrtp', 'ref.tar');

  it('--protocol slrtp --json prints exactly {n, dtw_mje, total_distance, avg_duration, pt_dtw, signature}', async () => {
    const json = JSON.parse(await runCli(registerPoseScore, ['pose-score', '--hyp', hyp, '--ref', ref, '--protocol', 'slrtp', '--json'])) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['n', 'dtw_mje', 'total_distance', 'avg_duration', 'pt_dtw', 'signature']);
    expect(json.n).toBe(2);
    expect(json.signature).toMatch(/^slrtp\|/);
  });

  it('--protocol dtw --json prints DTW-MJE, per-part errors and the length ratio', async () => {
    const json = JSON.parse(await runCli(registerPoseScore, ['pose-score', '--hyp', hyp, '--ref', ref, '--protocol', 'dtw', '--json'])) as Record<string, unknown>;
    expect(json).toMatchObject({ n: 2, skipped: 0 });
    expect(Object.keys(json.parts as object)).toEqual(['body', 'face', 'hands', 'leftHand', 'rightHand']);
    expect(json.dtw_mje as number).toBeGreaterThan(0);
    expect(json.signature).toMatch(/^dtw_mje\|space:centre-square\|/);
  });

  it('clear errors: bad protocol, ids that do not pair', async () => {
    await expect(runCli(registerPoseScore, ['pose-score', '--hyp', hyp, '--ref', ref, '--protocol', 'bleu'])).rejects.toThrow(/--protocol must be one of/);
    await expect(runCli(registerPoseScore, ['pose-score', '--hyp', sharedPath('fixtures', 'signverse', 'Sign_DWPose_NPZ_000001.tar'), '--ref', ref, '--json'])).rejects.toThrow(/unmatched sequence ids/);
  });
});
