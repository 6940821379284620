import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SLRTP_REFERENCE_ROWS, SLRTP_TABLE_SOURCE, formatSlrtpTable, slrtpReferenceRows } from '../../benchmark/protocols/slrtp-table.js';
import { hasShared, sharedPath } from '../shared.js';

describe('SLRTP published reference rows', () => {
  it('are flagged as reference rows with provenance, five per split', () => {
    expect(SLRTP_REFERENCE_ROWS.every((r) => r.kind === 'reference')).toBe(true);
    expect(slrtpReferenceRows('phoenix14t-test').map((r) => r.system)).toEqual([
      'Ground Truth', 'Team 1 (USTC-MoE)', 'Team 2 (hfut-lmc)', 'Team 3 (Hacettepe)', 'Progressive Transformer',
    ]);
    expect(slrtpReferenceRows('hidden-test')).toHaveLength(5);
    expect(slrtpReferenceRows('hidden-test').every((r) => r.avg_duration === null)).toBe(true);
    expect(SLRTP_TABLE_SOURCE.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(formatSlrtpTable()).toContain('published; not computed here');
  });

  it('ground truth has DTW-MJE 0 and total distance 1; the winner beats ground truth on BLEU-1, chrF, ROUGE', () => {
    const [gt, team1] = slrtpReferenceRows('phoenix14t-test');
    expect(gt.dtw_mje).toBe(0);
    expect(gt.total_distance).toBe(1);
    expect(team1.bleu1).toBeGreaterThan(gt.bleu1);
    expect(team1.chrf).toBeGreaterThan(gt.chrf);
    expect(team1.rouge).toBeGreaterThan(gt.rouge);
    expect(team1.bleu4).toBeLessThan(gt.bleu4);
  });

  it.skipIf(!hasShared('reference', 'metrics.md'))('agrees with the numbers quoted in reference/metrics.md', () => {
    const notes = readFileSync(sharedPath('reference', 'metrics.md'), 'utf8');
    const m = /ground truth BLEU-4 (\d+\.\d+), BLEU-1 (\d+\.\d+), chrF (\d+\.\d+),\s+ROUGE (\d+\.\d+), WER (\d+\.\d+); the winning system BLEU-4 (\d+\.\d+).*?Progressive Transformers BLEU-4 (\d+\.\d+), DTW-MJE (\d+\.\d+)/s.exec(notes);
    expect(m).not.toBeNull();
    const [gt, team1, , , pt] = slrtpReferenceRows('phoenix14t-test');
    const v = (m as RegExpExecArray).slice(1).map(Number);
    expect([gt.bleu4, gt.bleu1, gt.chrf, gt.rouge, gt.wer, team1.bleu4, pt.bleu4, pt.dtw_mje]).toEqual(v);
  });
});
