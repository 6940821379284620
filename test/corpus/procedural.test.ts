import { describe, expect, it } from 'vitest';
import { BODY, PARTS } from '../../pose/skeleton.js';
import {
  ALPHABET, HANDSHAPES, lexicon, proceduralCorpus, sampleFrame, sentenceOf, SIGNERS, TEST_SIGNERS,
} from '../../corpus/procedural/index.js';
import { handLocal, handshapeVector } from '../../corpus/procedural/hand.js';
import { LEXICAL_HANDSHAPES } from '../../corpus/procedural/handshapes.js';
import { hashSeed, mulberry32, Rng } from '../../nn/rng.js';
import { TRANSITIVE, INTRANSITIVE, MOTION, ADJECTIVES, TIMES } from '../../corpus/procedural/words.js';

const W = 1280;
const H = 720;
const signerById = new Map(SIGNERS.map((s) => [s.id, s] as const));


/** Bit-for-bit equality of two float arrays (fast, unlike a deep toEqual). */
function sameBytes(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('prng', () => {
  it('is deterministic and spreads values', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(hashSeed('ab', 'c')).not.toBe(hashSeed('a', 'bc'));
  });
});

describe('lexicon and handshapes', () => {
  it('has at least 300 signs, each a distinct handshape+location+movement bundle', () => {
    const lex = [...lexicon().values()];
    expect(lex.length).toBeGreaterThanOrEqual(300);
    const keys = new Set(lex.map((s) => `${s.handshape}|${s.location}|${s.movement}`));
    expect(keys.size).toBe(lex.length);
    // every parameter value is actually used
    expect(new Set(lex.map((s) => s.location)).size).toBeGreaterThanOrEqual(13);
    expect(new Set(lex.map((s) => s.movement)).size).toBeGreaterThanOrEqual(12);
    expect(new Set(lex.map((s) => s.hands))).toEqual(new Set(['one', 'symmetric', 'alternating', 'base']));
  });

  it('has at least 20 handshapes that differ in shape (forward kinematics)', () => {
    const used = new Set([...lexicon().values()].map((s) => s.handshape));
    for (const l of ALPHABET) used.add(l.handshape);
    expect(used.size).toBeGreaterThanOrEqual(20);
    expect(LEXICAL_HANDSHAPES.length).toBeGreaterThanOrEqual(20);
    const pts = HANDSHAPES.map((h) => handLocal(handshapeVector(h), new Float64Array(63)));
    for (let i = 0; i < pts.length; i++) {
      for (let j = i + 1; j < pts.length; j++) {
        let maxD = 0;
        for (let p = 0; p < 21; p++) {
          const d = Math.hypot(pts[i][p * 3] - pts[j][p * 3], pts[i][p * 3 + 1] - pts[j][p * 3 + 1], pts[i][p * 3 + 2] - pts[j][p * 3 + 2]);
          maxD = Math.max(maxD, d);
        }
        // some joint differs by at least 4% of the hand length
        expect(maxD, `${HANDSHAPES[i].name} vs ${HANDSHAPES[j].name}`).toBeGreaterThan(0.04);
      }
    }
  });

  it('keeps finger bones at fixed lengths whatever the flexion', () => {
    const flat = handLocal(handshapeVector(HANDSHAPES.find((h) => h.name === 'B')!), new Float64Array(63));
    for (const h of HANDSHAPES) {
      const p = handLocal(handshapeVector(h), new Float64Array(63));
      for (const [a, b] of [[5, 6], [6, 7], [7, 8], [9, 10], [10, 11], [11, 12], [17, 18], [2, 3], [3, 4]]) {
        const len = (q: Float64Array) => Math.hypot(q[a * 3] - q[b * 3], q[a * 3 + 1] - q[b * 3 + 1], q[a * 3 + 2] - q[b * 3 + 2]);
        expect(len(p)).toBeCloseTo(len(flat), 9);
      }
    }
  });

  it('fingerspells every letter A-Z', () => {
    expect(ALPHABET.map((l) => l.letter).join('')).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  });
});

describe('grammar', () => {
  const rng = Rng.fromState(7);
  const sentences = Array.from({ length: 3000 }, () => sentenceOf(sampleFrame(rng)));
  const verbGlosses = new Set([...TRANSITIVE, ...INTRANSITIVE, ...MOTION].map((v) => v.gloss).concat(ADJECTIVES.map((a) => a.gloss)));
  const timeGlosses = new Set(TIMES.map((t) => t.gloss));

  it('produces at least 1,000 distinct sentences', () => {
    expect(new Set(sentences.map((s) => s.text)).size).toBeGreaterThanOrEqual(1000);
  });

  it('maps the same frame to the same text and gloss', () => {
    for (const s of sentences.slice(0, 200)) {
      const again = sentenceOf(s.frame);
      expect(again.text).toBe(s.text);
      expect(again.glosses).toEqual(s.glosses);
    }
  });

  it('only glosses signs of the lexicon or fingerspelled names', () => {
    const lex = lexicon();
    for (const s of sentences) for (const g of s.glosses) expect(lex.has(g) || /^fs-[A-Z]+$/.test(g), g).toBe(true);
  });

  it('puts a wh-question’s wh-word last', () => {
    const wh = sentences.filter((s) => s.frame.mood === 'wh');
    expect(wh.length).toBeGreaterThan(100);
    for (const s of wh) {
      expect(s.glosses[s.glosses.length - 1]).toBe(s.frame.wh!.toUpperCase());
      expect(s.text.endsWith('?')).toBe(true);
      expect(s.text.toLowerCase().startsWith(s.frame.wh!) || s.text.toLowerCase().includes(`, ${s.frame.wh!} `)).toBe(true);
    }
  });

  it('puts negation right after the verb', () => {
    const neg = sentences.filter((s) => s.frame.negated);
    expect(neg.length).toBeGreaterThan(100);
    for (const s of neg) {
      const i = s.glosses.indexOf('NOT');
      expect(i).toBeGreaterThan(0);
      expect(verbGlosses.has(s.glosses[i - 1]), `${s.glosses.join(' ')}`).toBe(true);
      expect(s.text).toMatch(/\bnot\b/);
      // head shake over verb + NOT
      expect(s.nonManual).toContainEqual({ kind: 'head-shake', start: i - 1, end: i + 1 });
    }
  });

  it('puts time first, wherever English has it', () => {
    const timed = sentences.filter((s) => s.glosses.some((g) => timeGlosses.has(g)));
    expect(timed.length).toBeGreaterThan(500);
    expect(timed.some((s) => !s.text.toLowerCase().startsWith(s.frame.time!.words))).toBe(true);
    for (const s of timed) expect(timeGlosses.has(s.glosses[0])).toBe(true);
  });

  it('keeps noun phrases sensible: no "my man", adjectives that fit the noun, no "Olga knows Olga"', () => {
    for (const s of sentences) {
      expect(s.text).not.toMatch(/\b(my|your|his|her|our|their) (man|woman|boy|girl)\b/i);
      const c = s.frame.clause;
      if (c.kind === 'transitive' && c.object.kind === 'noun' && c.object.adj) expect(c.object.adj.of).toContain(c.object.noun.cls);
      if (c.kind === 'transitive' && c.object.kind === 'name' && s.frame.subject.kind === 'name') expect(c.object.name).not.toBe(s.frame.subject.name);
    }
  });

  it('topicalises the object before the subject and marks questions on the brows', () => {
    for (const s of sentences) {
      if (s.frame.mood === 'yesno') expect(s.nonManual.some((m) => m.kind === 'brow-raise' && m.start === 0 && m.end === s.glosses.length)).toBe(true);
      if (s.frame.mood === 'wh') expect(s.nonManual.some((m) => m.kind === 'brow-furrow')).toBe(true);
      if (s.frame.mood === 'statement') expect(s.nonManual.some((m) => m.kind !== 'head-shake')).toBe(false);
    }
    const t = sentences.find((s) => s.frame.mood === 'statement' && s.frame.clause.kind === 'transitive'
      && s.frame.clause.object.kind === 'noun' && s.frame.subject.kind === 'noun' && !s.frame.time)!;
    const c = t.frame.clause as { kind: 'transitive'; object: { kind: 'noun'; noun: { gloss: string } } };
    const subj = t.frame.subject as { kind: 'noun'; noun: { gloss: string } };
    expect(t.glosses.indexOf(c.object.noun.gloss)).toBeLessThan(t.glosses.indexOf(subj.noun.gloss));
  });
});

describe('proceduralCorpus', () => {
  const small = proceduralCorpus({ sentences: 40, seed: 3 });

  it('lists entries cheaply with consistent metadata', () => {
    expect(small.entries).toHaveLength(40);
    expect(small.version).toMatch(/^sbp-[0-9a-f]{16}$/);
    for (const e of small.entries) {
      expect(e.fps).toBe(24);
      expect(e.language).toBe('en');
      expect(e.signLanguage).toBe('x-sbp');
      expect(e.source).toBe('procedural');
      expect(signerById.has(e.signer)).toBe(true);
      expect(e.glosses.length).toBeGreaterThan(0);
      for (let i = 0; i < e.glosses.length; i++) {
        const g = e.glosses[i];
        expect(g.end).toBeGreaterThan(g.start);
        if (i > 0) expect(g.start).toBeGreaterThanOrEqual(e.glosses[i - 1].end);
      }
      expect(e.glosses[e.glosses.length - 1].end).toBeLessThanOrEqual(e.frames);
    }
  });

  it('is deterministic: same options, same entries and sequences; other seed, other corpus', () => {
    const again = proceduralCorpus({ sentences: 40, seed: 3 });
    expect(again.version).toBe(small.version);
    expect(again.entries).toEqual(small.entries);
    for (const i of [0, 17, 39]) expect(sameBytes(again.sequence(again.entries[i]).data, small.sequence(small.entries[i]).data)).toBe(true);
    const other = proceduralCorpus({ sentences: 40, seed: 4 });
    expect(other.version).not.toBe(small.version);
    expect(other.entries.map((e) => e.text)).not.toEqual(small.entries.map((e) => e.text));
    // an entry's sequence does not depend on the corpus size
    const bigger = proceduralCorpus({ sentences: 45, seed: 3 });
    expect(bigger.entries[5]).toEqual(small.entries[5]);
    expect(bigger.version).not.toBe(small.version);
  });

  it('keeps held-out signers out of train and dev', () => {
    const c = proceduralCorpus({ sentences: 2000, seed: 1 });
    const held = new Set(TEST_SIGNERS.map((i) => SIGNERS[i].id));
    const counts = { train: 0, dev: 0, test: 0 };
    for (const e of c.entries) {
      counts[e.split]++;
      expect(held.has(e.signer), `${e.id} ${e.split} ${e.signer}`).toBe(e.split === 'test');
    }
    expect(counts.test).toBeGreaterThan(100);
    expect(counts.dev).toBeGreaterThan(100);
    expect(new Set(c.entries.filter((e) => e.split === 'test').map((e) => e.signer)).size).toBe(held.size);
    expect(SIGNERS.some((s) => s.leftHanded && held.has(s.id))).toBe(true);
  });

  it('streams sequences with full metadata, one split at a time', () => {
    let n = 0;
    for (const { entry, seq } of small.stream('dev')) {
      n++;
      expect(entry.split).toBe('dev');
      expect(seq.frames).toBe(entry.frames);
      expect(seq.meta).toMatchObject({ id: entry.id, fps: 24, width: W, height: H, text: entry.text, signer: entry.signer,
        language: 'en', signLanguage: 'x-sbp', source: 'procedural', gloss: entry.glosses.map((g) => g.gloss).join(' ') });
      expect(seq.meta.glosses).toEqual(entry.glosses);
    }
    expect(n).toBe(small.entries.filter((e) => e.split === 'dev').length);
    expect(() => small.sequence({ ...small.entries[0], id: 'nope' })).toThrow(/nope/);
  });

  it('rejects bad options', () => {
    expect(() => proceduralCorpus({ sentences: -1 })).toThrow(/sentences/);
    expect(() => proceduralCorpus({ seed: 1.5 })).toThrow(/seed/);
  });
});

describe('non-manual markers on the face', () => {
  const c = proceduralCorpus({ sentences: 120, seed: 21 });
  const f = PARTS.face.start;
  /** Brow height above the eyes relative to the face height, per frame. */
  const browLift = (seq: ReturnType<typeof c.sequence>, t: number) =>
    ((seq.y(t, f + 37) + seq.y(t, f + 44)) / 2 - (seq.y(t, f + 19) + seq.y(t, f + 24)) / 2) / (seq.y(t, f + 8) - seq.y(t, f + 27));
  /** Nose tip offset from the midpoint of the jaw ends (turns with the head), relative to the face width. */
  const turn = (seq: ReturnType<typeof c.sequence>, t: number) =>
    (seq.x(t, f + 30) - (seq.x(t, f + 0) + seq.x(t, f + 16)) / 2) / Math.abs(seq.x(t, f + 16) - seq.x(t, f + 0));

  it('raises the brows over a yes/no question and furrows them over a wh-question', () => {
    const yn = c.entries.find((e) => e.text.endsWith('?') && !/^(what|who|where|when|why)\b/i.test(e.text) && !/, (what|who|where|when|why) /i.test(e.text))!;
    const wh = c.entries.find((e) => /^(what|who|where|when|why)\b/i.test(e.text))!;
    for (const [entry, sign, min] of [[yn, 1, 0.04], [wh, -1, 0.025]] as const) {
      const seq = c.sequence(entry);
      const mid = Math.floor((entry.glosses[0].start + entry.glosses[entry.glosses.length - 1].end) / 2);
      const change = browLift(seq, mid) - browLift(seq, 0);
      expect(change * sign, entry.text).toBeGreaterThan(min);
    }
  });

  it('shakes the head over verb + NOT in a negated sentence only', () => {
    const neg = c.entries.find((e) => e.glosses.some((g) => g.gloss === 'NOT'))!;
    const plain = c.entries.find((e) => !e.text.endsWith('?') && !e.glosses.some((g) => g.gloss === 'NOT'))!;
    const range = (entry: typeof neg) => {
      const seq = c.sequence(entry);
      let lo = Infinity;
      let hi = -Infinity;
      for (let t = 0; t < seq.frames; t++) { const v = turn(seq, t); lo = Math.min(lo, v); hi = Math.max(hi, v); }
      return hi - lo;
    };
    expect(range(neg)).toBeGreaterThan(0.15);
    expect(range(plain)).toBeLessThan(0.08);
  });
});

describe('anatomy on every frame of a small corpus', () => {
  const corpus = proceduralCorpus({ sentences: 48, seed: 11 });
  const seqs = [...corpus.stream()];
  const d = (data: Float32Array, o: number, a: number, b: number) =>
    Math.hypot((data[o + a * 3] - data[o + b * 3]) * W, (data[o + a * 3 + 1] - data[o + b * 3 + 1]) * H);
  /** Runs `check` on every frame; collects the first problems instead of calling expect per point (fast). */
  function everyFrame(check: (seq: (typeof seqs)[number]['seq'], t: number, o: number, s: (typeof SIGNERS)[number], fail: (m: string) => void) => void): string[] {
    const problems: string[] = [];
    for (const { entry, seq } of seqs) {
      const s = signerById.get(entry.signer)!;
      for (let t = 0; t < seq.frames; t++) {
        check(seq, t, t * 384, s, (m) => { if (problems.length < 10) problems.push(`${entry.id} frame ${t}: ${m}`); });
      }
    }
    return problems;
  }

  it('covers both hands, left-handed signers and dropped hands', () => {
    expect(new Set(seqs.map((s) => s.entry.signer)).size).toBeGreaterThan(6);
    expect(seqs.some((s) => signerById.get(s.entry.signer)!.leftHanded)).toBe(true);
    let dropped = 0;
    for (const { seq } of seqs) for (let t = 0; t < seq.frames; t++) if (seq.c(t, PARTS.rightHand.start) === 0 || seq.c(t, PARTS.leftHand.start) === 0) dropped++;
    expect(dropped).toBeGreaterThan(0);
  });

  it('has finite coordinates in a sane range and valid confidences', () => {
    for (const { seq } of seqs) seq.validate();
    const problems = everyFrame((seq, t, o, _s, fail) => {
      for (let p = 0; p < 128; p++) {
        const x = seq.data[o + p * 3], y = seq.data[o + p * 3 + 1], c = seq.data[o + p * 3 + 2];
        if (!(c >= 0 && c <= 1)) fail(`point ${p}: confidence ${c}`);
        // present points inside the frame (a margin for hands), absent ones (legs) not far off
        if (c > 0 && !(x > -0.1 && x < 1.1 && y > -0.1 && y < 1.1)) fail(`point ${p} at (${x}, ${y})`);
        if (!(x > -1 && x < 2 && y > -1 && y < 2.5)) fail(`point ${p} at (${x}, ${y})`);
      }
      for (const p of [BODY.neck, BODY.rShoulder, BODY.lShoulder, BODY.rElbow, BODY.lElbow, BODY.rWrist, BODY.lWrist, BODY.nose]) {
        if (seq.c(t, p) !== 1) fail(`body point ${p} missing`);
      }
      for (let p = PARTS.face.start; p < PARTS.face.start + 68; p++) if (!(seq.c(t, p) > 0)) fail(`face point ${p} missing`);
    });
    expect(problems).toEqual([]);
  });

  // Gaussian jitter of σ = jitterPx on each coordinate of both ends of a segment: 9σ bounds it.
  const slack = (s: (typeof SIGNERS)[number]) => 9 * s.jitterPx + 0.5;

  it('keeps bone lengths of each signer stable (projections never longer than the bone)', () => {
    const problems = everyFrame((seq, _t, o, s, fail) => {
      const px = s.pxPerUnit;
      const tol = slack(s);
      // rigid torso: shoulder width and neck-to-hip are the same in every frame
      const sw = d(seq.data, o, BODY.rShoulder, BODY.lShoulder);
      if (Math.abs(sw - s.shoulderWidth * px) > tol) fail(`shoulder width ${sw}`);
      const torso = d(seq.data, o, BODY.neck, BODY.rHip);
      if (Math.abs(torso - Math.hypot(s.hipWidth / 2, s.torsoLength) * px) > tol) fail(`neck-hip ${torso}`);
      // arms: the 2D projection of a fixed 3D bone is never longer than the bone
      for (const [a, b, len] of [[BODY.rShoulder, BODY.rElbow, s.upperArm], [BODY.lShoulder, BODY.lElbow, s.upperArm],
        [BODY.rElbow, BODY.rWrist, s.forearm], [BODY.lElbow, BODY.lWrist, s.forearm]] as const) {
        const l = d(seq.data, o, a, b);
        if (l > len * px + tol) fail(`bone ${a}-${b}: ${l} px > ${len * px}`);
      }
      // hand bones: never longer than the longest bone of a flat hand at the largest apparent size (×1.25)
      for (const start of [PARTS.leftHand.start, PARTS.rightHand.start]) {
        for (const [a, b] of [[0, 9], [9, 10], [10, 11], [11, 12], [0, 5], [5, 6], [1, 2], [2, 3], [17, 18]]) {
          const l = d(seq.data, o, start + a, start + b);
          if (l > 0.56 * s.handLength * 1.25 * px + tol) fail(`hand bone ${a}-${b}: ${l} px`);
        }
      }
    });
    expect(problems).toEqual([]);
  });

  it('keeps the upper arm of each signer at a stable 3D length (its projection rarely shrinks much)', () => {
    // the upper arm hangs mostly in the frontal plane: in real DWPose its 2D length stays within ~0.63-0.81 U
    let short = 0;
    let total = 0;
    everyFrame((seq, _t, o, s) => {
      for (const [a, b] of [[BODY.rShoulder, BODY.rElbow], [BODY.lShoulder, BODY.lElbow]]) {
        total++;
        if (d(seq.data, o, a, b) < 0.6 * s.upperArm * s.pxPerUnit) short++;
      }
    });
    expect(short / total).toBeLessThan(0.1);
  });

  it('keeps hands within reach of the shoulders and on the wrists', () => {
    const problems = everyFrame((seq, _t, o, s, fail) => {
      const reach = (s.upperArm + s.forearm) * s.pxPerUnit + slack(s);
      for (const [sh, wr, hand] of [[BODY.rShoulder, BODY.rWrist, PARTS.rightHand.start], [BODY.lShoulder, BODY.lWrist, PARTS.leftHand.start]]) {
        if (d(seq.data, o, sh, wr) > reach) fail(`wrist ${wr} out of reach`);
        // the hand's wrist point is the body's wrist point
        if (d(seq.data, o, hand, wr) > slack(s)) fail(`hand ${hand} off its wrist`);
      }
    });
    expect(problems).toEqual([]);
  });

  it('keeps the face on the head, consistent with the body’s nose, eyes and ears', () => {
    const f = PARTS.face.start;
    const problems = everyFrame((seq, t, o, s, fail) => {
      const tol = slack(s);
      if (d(seq.data, o, BODY.nose, f + 30) > tol) fail('body nose is not the face nose tip');
      for (const [eye, a, b] of [[BODY.rEye, 36, 39], [BODY.lEye, 42, 45]] as const) {
        const ex = seq.x(t, eye) * W;
        const lo = Math.min(seq.x(t, f + a), seq.x(t, f + b)) * W - tol;
        const hi = Math.max(seq.x(t, f + a), seq.x(t, f + b)) * W + tol;
        if (!(ex >= lo && ex <= hi)) fail(`eye ${eye} outside its eye contour`);
      }
      for (let p = f; p < f + 68; p++) if (d(seq.data, o, BODY.nose, p) > 0.4 * s.headSize * s.pxPerUnit + tol) fail(`face point ${p} off the head`);
      if (!(seq.y(t, BODY.nose) < seq.y(t, BODY.neck))) fail('nose below the neck');
      if (!(seq.y(t, f + 8) < seq.y(t, BODY.neck))) fail('chin below the neck');
      if (!(seq.y(t, f + 19) < seq.y(t, f + 37))) fail('brow below the eye');
      if (!(seq.y(t, f + 33) < seq.y(t, f + 51))) fail('nose below the mouth');
      // ears on the same sides as the jaw ends
      if (!((seq.x(t, BODY.rEar) - seq.x(t, BODY.lEar)) * (seq.x(t, f + 0) - seq.x(t, f + 16)) > 0)) fail('ears swapped');
    });
    expect(problems).toEqual([]);
  });

  it('never jumps: bounded per-frame displacement', () => {
    let maxBody = 0;
    let maxHand = 0;
    let maxFace = 0;
    for (const { seq } of seqs) {
      for (let t = 1; t < seq.frames; t++) {
        for (let p = 0; p < 128; p++) {
          if (p >= 8 && p <= 13) continue; // hips/legs do not move
          const dd = Math.hypot((seq.x(t, p) - seq.x(t - 1, p)) * W, (seq.y(t, p) - seq.y(t - 1, p)) * H);
          if (p < PARTS.face.start) maxBody = Math.max(maxBody, dd);
          else if (p < PARTS.leftHand.start) maxFace = Math.max(maxFace, dd);
          else maxHand = Math.max(maxHand, dd);
        }
      }
    }
    // pixels per frame at 1280×720, 24 fps (real signing in the SignVerse fixture: wrists ≤ ~40 px)
    expect(maxBody).toBeLessThan(110);
    expect(maxFace).toBeLessThan(30);
    expect(maxHand).toBeLessThan(200);
  });

  it('moves the hands: signs are not all in one place', () => {
    for (const { seq } of seqs.slice(0, 10)) {
      let minY = Infinity;
      let maxY = -Infinity;
      for (let t = 0; t < seq.frames; t++) {
        const y = Math.min(seq.y(t, BODY.rWrist), seq.y(t, BODY.lWrist));
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
      expect((maxY - minY) * H).toBeGreaterThan(80);
    }
  });
});

describe('sequenceBy: a sentence signed by another signer', () => {
  it('is the entry itself for its own signer, and another signer moves and times it differently', async () => {
    const { proceduralCorpus: corpusOf, SIGNERS: signers } = await import('../../corpus/procedural/index.js');
    const c = corpusOf({ sentences: 30 });
    const entry = c.entries.find((e) => e.split === 'test')!;
    const own = signers.findIndex((s) => s.id === entry.signer);
    const a = c.sequence(entry);
    const b = c.sequenceBy(entry, own);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expect(b.meta.glosses).toEqual(entry.glosses);
    const other = c.sequenceBy(entry, (own + 1) % signers.length);
    expect(other.meta.signer).not.toBe(entry.signer);
    expect(other.meta.text).toBe(entry.text);
    expect(other.meta.glosses?.map((g) => g.gloss)).toEqual(entry.glosses.map((g) => g.gloss));
    expect(other.frames === a.frames && Array.from(other.data).every((v, i) => v === a.data[i])).toBe(false);
    expect(() => c.sequenceBy(entry, 99)).toThrow(/signer must be an integer/);
  });
});
