import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeShared, sharedPath } from '../shared.js';
import { BODY_COLORS, HAND_EDGE_HSV } from '../../render/palette.js';
import { DIM_0_6 } from '../../render/raster/image.js';

const NOTES = ['reference', 'signverse-dwpose.md'];

/** Rows of the markdown table that follows `heading`, as arrays of trimmed cells. */
function tableAfter(text: string, heading: string): string[][] {
  const start = text.indexOf(heading);
  if (start < 0) throw new Error(`heading ${heading} not found`);
  const lines = text.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (let i = first + 2; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i].split('|').slice(1, -1).map((c) => c.trim()));
  return rows;
}

const triple = (s: string) => s.replace(/[()[\]*]/g, '').split(',').map(Number);

describeShared([...NOTES], 'colours against the tables of the reference notes (read in place)', () => {
  const text = readFileSync(sharedPath(...NOTES), 'utf8');

  it('hand edge colours: int(hsv_to_rgb([ie/20, 1, 1]) · 255) is the §3.3 "code (canvas)" column', () => {
    const rows = tableAfter(text, '### 3.3 Hands');
    expect(rows.length).toBe(20);
    for (const r of rows) {
      const ie = Number(r[0]);
      expect(HAND_EDGE_HSV[ie].map((v) => Math.trunc(v * 1 * 255)), `edge ${ie}`).toEqual(triple(r[2]));
    }
  });

  it('body joint colours are the §3.2 code colours, and limbs after ×0.6 are the "after ×0.6" column', () => {
    const jointRows = text.split('\n').filter((l) => /^\| \d+ \| \w+ \| \[/.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
    expect(jointRows.length).toBe(18);
    for (const r of jointRows) expect(BODY_COLORS[Number(r[0])], `joint ${r[0]}`).toEqual(triple(r[2]));
    const limbRows = tableAfter(text, '### 3.2 Body').filter((r) => /^\d+$/.test(r[0]));
    expect(limbRows.length).toBe(17);
    for (const r of limbRows) {
      const i = Number(r[0]);
      expect(BODY_COLORS[i], `limb ${i}`).toEqual(triple(r[4]));
      expect(BODY_COLORS[i].map((v) => DIM_0_6[v]), `limb ${i} dimmed`).toEqual(triple(r[5]));
    }
  });
});
