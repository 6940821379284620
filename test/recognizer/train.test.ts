import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getConfig } from '../../recognizer/config.js';
import { signClips } from '../../recognizer/corpus-data.js';
import { buildDataset } from '../../recognizer/dataset.js';
import { evaluateRecognizer } from '../../recognizer/evaluate.js';
import { exportRecognizer } from '../../recognizer/export.js';
import { PHONOLOGY_CLASSES } from '../../recognizer/labels.js';
import { Recognizer } from '../../recognizer/runtime.js';
import { trainRecognizer } from '../../recognizer/train.js';
import { segmentPhonology, segmentsOf } from '../../recognizer/phonology.js';

const dir = mkdtempSync(join(tmpdir(), 'recog-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('recogniser smoke training', () => {
  const glosses = ['HOUSE', 'MOTHER', 'BOOK', 'EAT', 'WHO', 'fs-TOM'];
  it('trains, exports to ONNX and serves top-5 glosses with phonology', async () => {
    const cfg = getConfig('smoke', { steps: 60, hidden: [48] });
    const data = buildDataset(signClips({ signers: 'train', perSign: 4, glosses, jitter: 1 }), glosses, { mirrored: true });
    expect(data.n).toBe(24);
    expect(data.xMirror).not.toBeNull();
    const res = await trainRecognizer({ config: cfg, glosses, data, outDir: join(dir, 'ckpt') });
    expect(res.steps).toBe(60);
    expect(res.history[res.history.length - 1].loss).toBeLessThan(res.history[0].loss);
    const m = exportRecognizer(join(dir, 'ckpt'), join(dir, 'model'), { backend: res.backend });
    expect(m.glosses).toEqual(glosses);
    expect(JSON.parse(readFileSync(join(dir, 'model', 'manifest.json'), 'utf8')).io.outputs[0]).toBe('gloss_probs');

    const rec = await Recognizer.load(join(dir, 'model'));
    try {
      const clip = signClips({ signers: 'test', perSign: 1, glosses: ['BOOK'] }).next().value!;
      const r = await rec.recognize(clip.seq, clip.start, clip.end);
      expect(r.top5).toHaveLength(5);
      for (const t of r.top5) expect(glosses).toContain(t.gloss);
      for (let i = 1; i < 5; i++) expect(r.top5[i].p).toBeLessThanOrEqual(r.top5[i - 1].p);
      expect(r.top5.reduce((a, t) => a + t.p, 0)).toBeLessThanOrEqual(1 + 1e-5);
      expect(PHONOLOGY_CLASSES.location).toContain(r.phonology.location.label);

      const report = await evaluateRecognizer(rec, signClips({ signers: 'test', perSign: 4, glosses }));
      expect(report.n).toBe(24);
      expect(report.top5).toBeGreaterThanOrEqual(report.top1);
      expect(report.top1).toBeGreaterThan(1 / 6); // better than chance after 60 steps
      expect(report.worst20.length).toBe(6);

      const phon = await segmentPhonology(rec, clip.seq, segmentsOf(clip.seq));
      expect(phon.map((p) => p.gloss)).toEqual(clip.seq.meta.glosses!.map((g: { gloss: string }) => g.gloss));
      expect(PHONOLOGY_CLASSES.handshape).toContain(phon[1].handshape);
      await expect(rec.recognize(clip.seq, 0, clip.seq.frames + 3)).rejects.toThrow(/outside the clip/);
    } finally {
      await rec.release();
    }
  }, 120_000);
});
