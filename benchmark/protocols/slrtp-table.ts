/**
 * Published reference rows of the SLRTP 2025 Sign Language Production challenge (scored with its harness, protocol
 * `slrtp`). They are REFERENCE rows copied from the publication: never computed here, never to be mixed into tables
 * of computed rows without their `kind: 'reference'` flag. Ground truth is a reference row, not a ceiling (the
 * winning system beats it on BLEU-1, chrF and ROUGE).
 */

export const SLRTP_TABLE_SOURCE = Object.freeze({
  repository: 'walsharry/SLRTP-Sign-Production-Evaluation',
  file: 'README.md',
  commit: '09bad1f28194248fd746e1c1d1d32f7dbc282e00',
  /** Another README version holding the same two tables, value for value. */
  alsoAt: '87aaa7f31085563ef231bfce1b48326ff7f44165',
  section: 'SLP 2025 CVPR Challenge Scores (Table 1: RWTH-PHOENIX-Weather-2014T test set; Table 2: hidden test set)',
  citation: 'Walsh et al., SLRTP2025 Sign Language Production Challenge: Methodology, Results, and Future Work, CVPRW 2025',
});

export type SlrtpSplit = 'phoenix14t-test' | 'hidden-test';

export interface SlrtpReferenceRow {
  kind: 'reference';
  split: SlrtpSplit;
  system: string;
  /** Public code of the system, where the README links one. */
  code?: string;
  bleu1: number;
  bleu2: number;
  bleu3: number;
  bleu4: number;
  chrf: number;
  rouge: number;
  /** Lower is better. */
  wer: number;
  /** Lower is better. */
  dtw_mje: number;
  /** 1.0 is ideal. */
  total_distance: number;
  /** 1.0 is ideal; not published for the hidden test set. */
  avg_duration: number | null;
}

type Values = [number, number, number, number, number, number, number, number, number, number | null];

function rows(split: SlrtpSplit, list: [string, string | undefined, Values][]): SlrtpReferenceRow[] {
  return list.map(([system, code, v]) => ({
    kind: 'reference' as const,
    split,
    system,
    ...(code ? { code } : {}),
    bleu1: v[0], bleu2: v[1], bleu3: v[2], bleu4: v[3], chrf: v[4], rouge: v[5], wer: v[6], dtw_mje: v[7], total_distance: v[8], avg_duration: v[9],
  }));
}

const TEAM1 = 'https://github.com/ZechengLi19/CVPRW-SLP-2025';
const TEAM2 = 'https://github.com/NaVi-start/Sign-Base.git';
const TEAM3 = 'https://github.com/sumeyyemeryem/CVPR25-SLRTPChallenge';

/** The two published tables, in the README's row order. */
export const SLRTP_REFERENCE_ROWS: readonly SlrtpReferenceRow[] = Object.freeze([
  ...rows('phoenix14t-test', [
    ['Ground Truth', undefined, [34.40, 22.04, 16.09, 12.78, 34.59, 35.20, 85.77, 0.0000, 1.000, 1.000]],
    ['Team 1 (USTC-MoE)', TEAM1, [34.85, 21.96, 15.65, 12.06, 36.83, 36.59, 93.49, 0.0448, 1.631, 1.438]],
    ['Team 2 (hfut-lmc)', TEAM2, [16.96, 6.56, 3.38, 2.05, 25.88, 19.77, 147.85, 0.0403, 2.512, 2.463]],
    ['Team 3 (Hacettepe)', TEAM3, [30.44, 17.75, 12.42, 9.59, 29.70, 30.64, 88.88, 0.0423, 0.798, 1.026]],
    ['Progressive Transformer', undefined, [22.17, 10.71, 7.09, 5.43, 24.13, 21.98, 101.45, 0.0418, 0.257, 0.999]],
  ]),
  ...rows('hidden-test', [
    ['Ground Truth', undefined, [37.94, 19.87, 10.67, 5.90, 30.64, 38.60, 101.25, 0.0000, 1.000, null]],
    ['Team 1 (USTC-MoE)', TEAM1, [31.40, 17.09, 9.43, 5.86, 31.73, 33.75, 109.38, 0.0574, 1.185, null]],
    ['Team 2 (hfut-lmc)', TEAM2, [30.54, 16.22, 9.33, 5.66, 30.17, 32.92, 107.93, 0.0492, 0.971, null]],
    ['Team 3 (Hacettepe)', TEAM3, [27.51, 11.13, 5.36, 2.91, 23.37, 27.29, 105.49, 0.0531, 0.761, null]],
    ['Progressive Transformer', undefined, [18.33, 4.99, 1.74, 0.78, 21.65, 21.10, 141.93, 0.0467, 0.322, null]],
  ]),
]);

/** Rows of one split (both when omitted). */
export function slrtpReferenceRows(split?: SlrtpSplit): SlrtpReferenceRow[] {
  return SLRTP_REFERENCE_ROWS.filter((r) => !split || r.split === split);
}

const COLUMNS = ['bleu1', 'bleu2', 'bleu3', 'bleu4', 'chrf', 'rouge', 'wer', 'dtw_mje', 'total_distance', 'avg_duration'] as const;

/** A plain-text table of the reference rows, one block per split, with the source underneath. */
export function formatSlrtpTable(split?: SlrtpSplit): string {
  const out: string[] = [];
  for (const s of split ? [split] : (['phoenix14t-test', 'hidden-test'] as const)) {
    const list = slrtpReferenceRows(s);
    out.push(`SLRTP 2025 reference rows — ${s} (published; not computed here)`);
    out.push(['system'.padEnd(26), ...COLUMNS.map((c) => c.padStart(c.length > 7 ? c.length : 7))].join(' '));
    for (const r of list) {
      out.push([r.system.padEnd(26), ...COLUMNS.map((c) => {
        const v = r[c];
        const text = v === null ? '-' : c === 'dtw_mje' ? v.toFixed(4) : c === 'total_distance' || c === 'avg_duration' ? v.toFixed(3) : v.toFixed(2);
        return text.padStart(c.length > 7 ? c.length : 7);
      })].join(' '));
    }
    out.push('');
  }
  out.push(`source: ${SLRTP_TABLE_SOURCE.repository} ${SLRTP_TABLE_SOURCE.file} @ ${SLRTP_TABLE_SOURCE.commit}`);
  return out.join('\n') + '\n';
}
