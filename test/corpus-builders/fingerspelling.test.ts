import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCorpus, type Corpus } from '../../corpus/format.js';
import { buildCorpus } from '../../corpus/builders/index.js';
import {
  alphabets, composeWord, cutLetter, findHold, foldLetters, parseCsv, spell, transition, type Alphabet, type LetterClip, type LetterCut,
} from '../../corpus/builders/fingerspelling/index.js';
import { readPoseFile } from '../../pose/formats/pose-format.js';
import { PoseSequence } from '../../pose/sequence.js';
import { BODY, FRAME_STRIDE, PARTS } from '../../pose/skeleton.js';
import { describeShared, sharedPath } from '../shared.js';
import { sameTree, tempDir } from './helpers.js';

function clip(letter: string, spoken: string, sl: string): LetterClip {
  return { path: `${sl}/${letter}.pose`, file: `/x/${sl}/${letter}.pose`, spokenLanguage: spoken, signLanguage: sl, startMs: 0, endMs: 1000, letter, gloss: letter, priority: 0, line: 2 };
}

function alphabetOf(list: string[], spoken: string, sl = 'xxx'): Alphabet {
  return alphabets(list.map((l) => clip(l, spoken, sl)))[0];
}

const spelled = (word: string, a: Alphabet) => spell(word, a)?.map((x) => (x.kind === 'gap' ? ' ' : x.clip.letter)) ?? null;

describe('fingerspelling: spelling', () => {
  it('uses the longest letter group, folds case (ẞ/ß), falls back to base letters, and refuses unknown letters', () => {
    const de = alphabetOf(['A', 'E', 'I', 'L', 'M', 'R', 'S', 'SCH', 'T', 'U', 'ä', 'ẞ', 'Ö'], 'de');
    expect(spelled('Schule', de)).toEqual(['SCH', 'U', 'L', 'E']);
    expect(spelled('Mäuse', de)).toEqual(['M', 'ä', 'U', 'S', 'E']);
    expect(spelled('Straße', de)).toEqual(['S', 'T', 'R', 'A', 'ẞ', 'E']);
    expect(spelled('Émile', de)).toEqual(['E', 'M', 'I', 'L', 'E']);
    expect(spelled('Am See', de)).toEqual(['A', 'M', ' ', 'S', 'E', 'E']);
    expect(spelled('Berlin', de)).toBeNull();
  });

  it('folds in the spoken language: Turkish dotted/dotless i, Greek accents and final sigma, Italian double letters', () => {
    const tr = alphabetOf(['A', 'I', 'İ', 'L', 'M', 'R', 'T', 'Z'], 'tr');
    expect(spelled('İzmir', tr)).toEqual(['İ', 'Z', 'M', 'İ', 'R']);
    expect(spelled('altı', tr)).toEqual(['A', 'L', 'T', 'I']);
    const el = alphabetOf(['Δ', 'Ο', 'Ρ', 'Σ'], 'el');
    expect(spelled('Ρόδος', el)).toEqual(['Ρ', 'Ο', 'Δ', 'Ο', 'Σ']);
    const it_ = alphabetOf(['A', 'I', 'P', 'Z', 'zz'], 'it');
    expect(spelled('Pizza', it_)).toEqual(['P', 'I', 'zz', 'A']);
    expect(foldLetters('ẞ', 'de')).toBe(foldLetters('ß', 'de'));
  });

  it('parses quoted CSV fields', () => {
    expect(parseCsv('a,b\r\n"x, y","he said ""hi"""\n\n')).toEqual([['a', 'b'], ['x, y', 'he said "hi"']]);
  });
});

/** A sequence whose right hand (all 21 points) sits at (x, y), `frames` long; the left hand is missing. */
function handAt(x: number, y: number, frames: number): PoseSequence {
  const seq = PoseSequence.empty({ id: 'h', fps: 25, width: 500, height: 500 }, frames);
  for (let t = 0; t < frames; t++) {
    for (let p = PARTS.rightHand.start; p < PARTS.rightHand.start + 21; p++) seq.set(t, p, x, y, 1);
    seq.set(t, BODY.rShoulder, 0.4, 0.3, 1);
    seq.set(t, BODY.lShoulder, 0.6, 0.3, 1);
  }
  seq.people.fill(1);
  return seq;
}

function cutOf(seq: PoseSequence, gloss: string): LetterCut {
  return { gloss, rise: seq.slice(0, 0), hold: seq, drop: seq.slice(0, 0), holdStart: 0, holdEnd: seq.frames, hand: 'right' };
}

describe('fingerspelling: holds', () => {
  it('ends the hold where the hand leaves the letter, even when it drifts away slowly, and caps rest frames', () => {
    // rise 0-3 (fast), hold 4-11, then a slow drift down: 0.05 shoulder widths per frame, under the still limit
    const ys = [0.9, 0.8, 0.7, 0.6, ...Array<number>(8).fill(0.5), ...Array.from({ length: 40 }, (_, i) => 0.5 + 0.01 * (i + 1))];
    const parts = ys.map((y) => handAt(0.5, y, 1));
    const seq = PoseSequence.concat(parts, { id: 'drift', fps: 25, width: 500, height: 500 });
    const { start, end } = findHold(seq);
    expect(start).toBe(4);
    expect(end).toBeGreaterThanOrEqual(12);
    expect(end).toBeLessThanOrEqual(12 + 17); // 0.8 shoulder widths (0.16) of drift at most
    const cut = cutLetter(seq, 'X', 12);
    expect(cut.hold.frames).toBeLessThanOrEqual(12);
    expect(cut.rise.frames).toBe(4);
    expect(cut.drop.frames).toBe(12);
  });
});

describe('fingerspelling: transitions', () => {
  it('eases between letters with smoothstep and no jump; glosses span the holds', () => {
    const a = cutOf(handAt(0.2, 0.5, 5), 'A');
    const b = cutOf(handAt(0.5, 0.4, 5), 'B');
    const { seq, glosses, transitions } = composeWord([a, b], { id: 'ab', fps: 25, width: 500, height: 500 });
    expect(glosses.map((g) => g.gloss)).toEqual(['A', 'B']);
    expect(glosses[0]).toEqual({ gloss: 'A', start: 0, end: 5 });
    expect(transitions).toHaveLength(1);
    const k = transitions[0].end - transitions[0].start;
    expect(k).toBeGreaterThanOrEqual(3);
    expect(k).toBeLessThanOrEqual(5);
    expect(glosses[1].start).toBe(5 + k);
    expect(seq.frames).toBe(10 + k);
    const w = PARTS.rightHand.start;
    const dist = Math.hypot(0.3, 0.1);
    let maxStep = 0;
    for (let t = 1; t < seq.frames; t++) maxStep = Math.max(maxStep, Math.hypot(seq.x(t, w) - seq.x(t - 1, w), seq.y(t, w) - seq.y(t - 1, w)));
    expect(maxStep).toBeLessThanOrEqual((1.5 * dist) / (k + 1) + 1e-6);
    // monotone along the path: x never goes back
    for (let t = 1; t < seq.frames; t++) expect(seq.x(t, w)).toBeGreaterThanOrEqual(seq.x(t - 1, w) - 1e-7);
  });

  it('keeps a point missing on one side where the other side has it, shown only on that side', () => {
    const a = new Float32Array(FRAME_STRIDE);
    const b = new Float32Array(FRAME_STRIDE);
    a.set([0.1, 0.2, 1], 0); // point 0 present only in a
    b.set([0.7, 0.8, 0.9], 3); // point 1 present only in b
    const { data, people } = transition(a, b, 4);
    for (let i = 0; i < 4; i++) {
      const f = data.subarray(i * FRAME_STRIDE, (i + 1) * FRAME_STRIDE);
      if (f[2] > 0) expect([f[0], f[1]]).toEqual([Math.fround(0.1), Math.fround(0.2)]);
      if (f[5] > 0) expect([f[3], f[4]]).toEqual([Math.fround(0.7), Math.fround(0.8)]);
      expect((f[2] > 0) !== (f[5] > 0)).toBe(true); // exactly one of them shown at a time
      expect(people[i]).toBe(1);
    }
    expect(data[2]).toBeGreaterThan(0); // first frame still shows a's point
    expect(data[3 * FRAME_STRIDE + 5]).toBeGreaterThan(0); // last frame shows b's point
  });
});

describe('fingerspelling: bad input', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => { tmp = await tempDir('fs-bad'); });
  afterAll(async () => { await tmp.cleanup(); });

  it('names a missing index.csv', async () => {
    const src = join(tmp.dir, 'empty');
    await mkdir(src, { recursive: true });
    await expect(buildCorpus('fingerspelling', { src, out: join(tmp.dir, 'o1') })).rejects.toThrow(/index\.csv is missing/);
  });

  it('refuses a clip path escaping the source folder', async () => {
    const src = join(tmp.dir, 'escape');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'index.csv'), 'path,spoken_language,signed_language,start,end,words,glosses,priority\n../../etc/passwd,en,ase,0,1000,A,A,0\n');
    await expect(buildCorpus('fingerspelling', { src, out: join(tmp.dir, 'o2') })).rejects.toThrow(/line 2: path "\.\.\/\.\.\/etc\/passwd" points outside the source folder/);
  });

  it('names a missing clip with its index line, before writing anything', async () => {
    const src = join(tmp.dir, 'missing');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'index.csv'), 'path,spoken_language,signed_language,start,end,words,glosses,priority\nase/a.pose,en,ase,0,1000,A,A,0\nase/n.pose,en,ase,0,1000,N,N,0\n');
    const out = join(tmp.dir, 'o3');
    await expect(buildCorpus('fingerspelling', { src, out })).rejects.toThrow(/index\.csv line \d: clip ase\/[an]\.pose is missing/);
    await expect(openCorpus(out)).rejects.toThrow(/no such directory/);
  });

  it('names a missing column', async () => {
    const src = join(tmp.dir, 'columns');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'index.csv'), 'path,start,end\nx.pose,0,1\n');
    await expect(buildCorpus('fingerspelling', { src, out: join(tmp.dir, 'o4') })).rejects.toThrow(/missing column\(s\) spoken_language, signed_language, words/);
  });
});

const LEXICON = ['corpus', 'fingerspelling-lexicon'] as const;
const WORDS_PER_LANGUAGE = 3;

describeShared([...LEXICON], 'fingerspelling: corpus from the real lexicon', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let corpus: Corpus;
  let version: string;
  let written: number;
  const progress: [number, number | undefined][] = [];
  const src = sharedPath(...LEXICON);
  const rows = readFileSync(join(src, 'index.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const signLanguages = [...new Set(rows.map((r) => r[2]))].sort();

  beforeAll(async () => {
    tmp = await tempDir('fs');
    ({ written, version } = await buildCorpus('fingerspelling', {
      src, out: join(tmp.dir, 'a'), maxWordsPerLanguage: WORDS_PER_LANGUAGE, onProgress: (d, t) => progress.push([d, t]),
    }));
    corpus = await openCorpus(join(tmp.dir, 'a'));
  }, 120_000);
  afterAll(async () => { await tmp?.cleanup(); });

  it('spells words in every sign language of the index', () => {
    expect(signLanguages.length).toBeGreaterThanOrEqual(20);
    const info = corpus.info();
    expect(info.signLanguages).toEqual(signLanguages);
    expect(written).toBe(signLanguages.length * WORDS_PER_LANGUAGE);
    expect(info.entries).toBe(written);
    expect(corpus.version).toBe(version);
    expect(version).toMatch(/^fingerspelling-[0-9a-f]{16}$/);
    expect(progress[progress.length - 1]).toEqual([written, written]);
    for (const sl of signLanguages) expect(corpus.entries().filter((e) => e.signLanguage === sl)).toHaveLength(WORDS_PER_LANGUAGE);
  });

  it('labels entries with the index languages and one signer per clip folder', () => {
    const pairs = new Set(rows.map((r) => `${r[2]}:${r[1]}`));
    const folders = new Map(rows.map((r) => [r[2], r[0].split('/')[0]] as const));
    for (const e of corpus.entries()) {
      expect(pairs.has(`${e.signLanguage}:${e.language}`)).toBe(true);
      expect(e.signer).toBe(`fs-${folders.get(e.signLanguage)}`);
      expect(e.source).toBe('fingerspelling');
      expect(e.fps).toBe(25);
    }
  });

  it('splits by word: a word is in one split only', () => {
    const splitOf = new Map<string, Set<string>>();
    for (const e of corpus.entries()) {
      const key = foldLetters(e.text, e.language);
      if (!splitOf.has(key)) splitOf.set(key, new Set());
      splitOf.get(key)!.add(e.split);
    }
    for (const [, s] of splitOf) expect(s.size).toBe(1);
  });

  it('has one gloss per spelled letter, in order, inside the sequence', async () => {
    const letterGlosses = new Map<string, Set<string>>();
    for (const r of rows) {
      if (!letterGlosses.has(r[2])) letterGlosses.set(r[2], new Set());
      letterGlosses.get(r[2])!.add(r[6]);
    }
    for (const e of corpus.entries()) {
      expect(e.glosses.length).toBeGreaterThanOrEqual(1);
      expect(e.glosses.length).toBeLessThanOrEqual([...e.text].length);
      let prev = 0;
      for (const g of e.glosses) {
        expect(letterGlosses.get(e.signLanguage)!.has(g.gloss)).toBe(true);
        expect(g.start).toBeGreaterThanOrEqual(prev);
        expect(g.end).toBeGreaterThan(g.start);
        expect(g.end - g.start).toBeLessThanOrEqual(12);
        expect(g.end).toBeLessThanOrEqual(e.frames);
        prev = g.end;
      }
      const seq = await corpus.read(e);
      expect(seq.frames).toBe(e.frames);
      expect(seq.meta.text).toBe(e.text);
    }
  });

  it('joins letters smoothly: wrist steps between holds are a fraction of the jump they bridge', async () => {
    const wrists = [PARTS.leftHand.start, PARTS.rightHand.start, BODY.lWrist, BODY.rWrist];
    let bridged = 0;
    for (const e of corpus.entries()) {
      const seq = await corpus.read(e);
      for (let i = 0; i + 1 < e.glosses.length; i++) {
        const from = e.glosses[i].end - 1;
        const to = e.glosses[i + 1].start;
        expect(to - from).toBeGreaterThanOrEqual(4); // at least 3 frames in between
        for (const w of wrists) {
          if (!(seq.c(from, w) > 0 && seq.c(to, w) > 0)) continue;
          const jump = Math.hypot(seq.x(to, w) - seq.x(from, w), seq.y(to, w) - seq.y(from, w));
          for (let t = from + 1; t <= to; t++) {
            if (!(seq.c(t, w) > 0 && seq.c(t - 1, w) > 0)) continue;
            const step = Math.hypot(seq.x(t, w) - seq.x(t - 1, w), seq.y(t, w) - seq.y(t - 1, w));
            // smoothstep over k ≥ 3 inserted frames moves at most 1.5/(k+1) ≤ 0.375 of the jump per frame
            expect(step).toBeLessThanOrEqual(0.375 * jump + 1e-5);
          }
          if (jump > 0.02) bridged++;
        }
      }
    }
    expect(bridged).toBeGreaterThan(0);
  });

  it('cuts each clip to its hold: the hand moves less there than while rising from and dropping to rest', async () => {
    const clips = rows.filter((r) => r[2] === 'ase' || r[2] === 'gsg');
    let slowerHolds = 0;
    for (const r of clips) {
      const seq = await readPoseFile(join(src, r[0]));
      const { start, end, hand } = findHold(seq);
      expect(0 <= start && start < end && end <= seq.frames).toBe(true);
      const w = hand === 'left' ? PARTS.leftHand.start : PARTS.rightHand.start;
      const speed = (from: number, to: number) => {
        let sum = 0;
        let n = 0;
        for (let t = Math.max(1, from); t < to; t++) {
          if (seq.c(t, w) > 0 && seq.c(t - 1, w) > 0) { sum += Math.hypot(seq.x(t, w) - seq.x(t - 1, w), seq.y(t, w) - seq.y(t - 1, w)); n++; }
        }
        return n ? sum / n : NaN;
      };
      const hold = speed(start + 1, end);
      const outside = (speed(0, start + 1) + speed(end, seq.frames)) / 2;
      if (hold < outside) slowerHolds++;
    }
    // every clip with a rise and a drop; a few noisy clips fall back to their middle half
    expect(slowerHolds / clips.length).toBeGreaterThan(0.9);
  });

  it('is byte-identical when built again from the same input', async () => {
    const again = await buildCorpus('fingerspelling', { src, out: join(tmp.dir, 'b'), maxWordsPerLanguage: WORDS_PER_LANGUAGE });
    expect(again.version).toBe(version);
    const cmp = await sameTree(join(tmp.dir, 'a'), join(tmp.dir, 'b'));
    expect(cmp.files).toBe(written + 2);
    expect(cmp.differing).toEqual([]);
  }, 120_000);

  it('changes the version when an option changes the output', async () => {
    const other = await buildCorpus('fingerspelling', { src, out: join(tmp.dir, 'c'), maxWordsPerLanguage: 1, signLanguages: ['ase'] });
    expect(other.written).toBe(1);
    expect(other.version).not.toBe(version);
  });

  it('refuses a sign language the index lacks', async () => {
    await expect(buildCorpus('fingerspelling', { src, out: join(tmp.dir, 'd'), signLanguages: ['zzz'] })).rejects.toThrow(/zzz not in/);
  });
});
