import { Rng } from '../../nn/rng.js';
import {
  ADJECTIVES, INTRANSITIVE, MOTION, NAMES, OBJECTS, PEOPLE, PLACES, PRONOUNS, TIMES, TRANSITIVE, WH_WORDS,
  type AdjWord, type NounWord, type Person, type TimeWord, type VerbWord, type WhWord,
} from './words.js';

/**
 * A small English grammar and its sign-language gloss. Both come from one sentence frame, so the mapping is
 * deterministic. The gloss follows sign-language order:
 *   [TIME] [TOPIC (object / place)] [SUBJECT] VERB [NOT] [WH-WORD]
 * time first, the object topicalised before the comment, negation right after the verb, the wh-word last; articles,
 * copulas and auxiliaries have no sign; possessives precede and adjectives follow their noun; names are fingerspelled
 * (`fs-NAME`). Questions and negation are also marked on the face (see NonManual).
 */

export type NounPhrase =
  | { kind: 'pronoun'; person: Person }
  | { kind: 'name'; name: string }
  | { kind: 'noun'; noun: NounWord; det: 'the' | 'a' | Person; adj?: AdjWord };

export type Clause =
  | { kind: 'transitive'; verb: VerbWord; object: NounPhrase }
  | { kind: 'intransitive'; verb: VerbWord }
  | { kind: 'motion'; verb: VerbWord; place: NounWord }
  | { kind: 'adjective'; adj: AdjWord };

export interface SentenceFrame {
  subject: NounPhrase;
  clause: Clause;
  time?: TimeWord;
  /** Time adverb at the start of the English sentence (else at its end). */
  timeFirst: boolean;
  mood: 'statement' | 'yesno' | 'wh';
  wh?: WhWord;
  negated: boolean;
}

/** Sentence-level non-manual markers, as gloss token ranges [start, end). */
export interface NonManual {
  kind: 'brow-raise' | 'brow-furrow' | 'head-shake';
  start: number;
  end: number;
}

export interface Sentence {
  frame: SentenceFrame;
  text: string;
  glosses: string[];
  nonManual: NonManual[];
}

// ---- English ---------------------------------------------------------------------------------------------------

const possOf = (p: Person) => PRONOUNS.find((x) => x.word === p)!;
const isThirdSingular = (np: NounPhrase) =>
  np.kind === 'name' || np.kind === 'noun' || (np.kind === 'pronoun' && (np.person === 'he' || np.person === 'she'));

function thirdSingular(base: string): string {
  if (base === 'have') return 'has';
  if (/(s|sh|ch|x|o)$/.test(base)) return base + 'es';
  if (/[^aeiou]y$/.test(base)) return base.slice(0, -1) + 'ies';
  return base + 's';
}

function npEnglish(np: NounPhrase, subject: boolean): string {
  if (np.kind === 'pronoun') {
    if (subject) return np.person;
    return ({ I: 'me', you: 'you', he: 'him', she: 'her', we: 'us', they: 'them' } as const)[np.person];
  }
  if (np.kind === 'name') return np.name;
  const adj = np.adj ? np.adj.word + ' ' : '';
  let det: string = np.det;
  if (np.det === 'a') det = /^[aeiou]/.test(adj + np.noun.word) ? 'an' : 'a';
  else if (np.det !== 'the') det = possOf(np.det).poss;
  return `${det} ${adj}${np.noun.word}`;
}

function beForm(np: NounPhrase, tense: TimeWord['tense']): string {
  if (tense === 'future') return 'will be';
  const plural = np.kind === 'pronoun' && (np.person === 'you' || np.person === 'we' || np.person === 'they');
  if (tense === 'past') return plural ? 'were' : 'was';
  if (np.kind === 'pronoun' && np.person === 'I') return 'am';
  return plural ? 'are' : 'is';
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The verb's complement in English (object, "to the park", adjective). */
function complement(c: Clause): string {
  if (c.kind === 'transitive') return ' ' + npEnglish(c.object, false);
  if (c.kind === 'motion') return ` to the ${c.place.word}`;
  return '';
}

export function englishOf(f: SentenceFrame): string {
  const tense = f.time?.tense ?? 'present';
  const subj = npEnglish(f.subject, true);
  const s3 = isThirdSingular(f.subject);
  const c = f.clause;
  const timeEnd = f.time && !f.timeFirst ? ' ' + f.time.words : '';
  const timeStart = f.time && f.timeFirst ? f.time.words + ', ' : '';
  let body: string;
  if (f.mood === 'statement') {
    if (c.kind === 'adjective') {
      const be = beForm(f.subject, tense);
      const neg = f.negated ? (be === 'will be' ? 'will not be' : be + ' not') : be;
      body = `${subj} ${neg} ${c.adj.word}`;
    } else {
      const v = c.verb;
      let vp: string;
      if (f.negated) {
        const aux = tense === 'past' ? 'did' : tense === 'future' ? 'will' : s3 ? 'does' : 'do';
        vp = `${aux} not ${v.base}`;
      } else {
        vp = tense === 'past' ? v.past : tense === 'future' ? `will ${v.base}` : s3 ? thirdSingular(v.base) : v.base;
      }
      body = `${subj} ${vp}${complement(c)}`;
    }
    return capitalise(timeStart + body + timeEnd) + '.';
  }
  if (f.mood === 'yesno') {
    if (c.kind === 'adjective') {
      const be = beForm(f.subject, tense);
      const q = be === 'will be' ? `will ${subj} be` : `${be} ${subj}`;
      return capitalise(`${timeStart}${q} ${c.adj.word}${timeEnd}`) + '?';
    }
    const aux = tense === 'past' ? 'did' : tense === 'future' ? 'will' : s3 ? 'does' : 'do';
    return capitalise(`${timeStart}${aux} ${subj} ${c.verb.base}${complement(c)}${timeEnd}`) + '?';
  }
  // wh-questions
  const wh = f.wh!;
  if (c.kind === 'adjective') throw new Error('wh-questions over adjectives are not generated');
  const aux = tense === 'past' ? 'did' : tense === 'future' ? 'will' : s3 ? 'does' : 'do';
  if (wh === 'who') {
    const vp = tense === 'past' ? c.verb.past : tense === 'future' ? `will ${c.verb.base}` : thirdSingular(c.verb.base);
    return capitalise(`${timeStart}who ${vp}${complement(c)}${timeEnd}`) + '?';
  }
  if (wh === 'what') return capitalise(`${timeStart}what ${aux} ${subj} ${c.verb.base}${timeEnd}`) + '?';
  if (wh === 'where') {
    const verb = c.kind === 'motion' ? c.verb.base : c.verb.base;
    return capitalise(`${timeStart}where ${aux} ${subj} ${verb}${c.kind === 'transitive' ? complement(c) : ''}${timeEnd}`) + '?';
  }
  // when / why: no time adverb
  return capitalise(`${wh} ${aux} ${subj} ${c.verb.base}${complement(c)}`) + '?';
}

// ---- gloss -----------------------------------------------------------------------------------------------------

function npGloss(np: NounPhrase): string[] {
  if (np.kind === 'pronoun') return [possOf(np.person).gloss];
  if (np.kind === 'name') return ['fs-' + np.name.toUpperCase()];
  const out: string[] = [];
  if (np.det !== 'the' && np.det !== 'a') out.push(possOf(np.det).possGloss);
  out.push(np.noun.gloss);
  if (np.adj) out.push(np.adj.gloss);
  return out;
}

export function glossOf(f: SentenceFrame): { glosses: string[]; nonManual: NonManual[] } {
  const out: string[] = [];
  const c = f.clause;
  if (f.time && !(f.mood === 'wh' && (f.wh === 'when' || f.wh === 'why'))) out.push(f.time.gloss);
  // topic: the object / place, unless it is what the wh-word asks for
  const asksObject = f.mood === 'wh' && (f.wh === 'what' || (f.wh === 'where' && c.kind === 'motion'));
  if (c.kind === 'transitive' && !asksObject) out.push(...npGloss(c.object));
  if (c.kind === 'motion' && !asksObject) out.push(c.place.gloss);
  if (!(f.mood === 'wh' && f.wh === 'who')) out.push(...npGloss(f.subject));
  const verbAt = out.length;
  out.push(c.kind === 'adjective' ? c.adj.gloss : c.verb.gloss);
  if (f.negated) out.push('NOT');
  const nonManual: NonManual[] = [];
  if (f.negated) nonManual.push({ kind: 'head-shake', start: verbAt, end: out.length });
  if (f.mood === 'wh') out.push(f.wh!.toUpperCase());
  if (f.mood === 'yesno') nonManual.push({ kind: 'brow-raise', start: 0, end: out.length });
  if (f.mood === 'wh') nonManual.push({ kind: 'brow-furrow', start: 0, end: out.length });
  return { glosses: out, nonManual };
}

// ---- sampling --------------------------------------------------------------------------------------------------

const PERSONS: readonly Person[] = ['I', 'you', 'he', 'she', 'we', 'they'];
const PEOPLE_ADJ = ADJECTIVES.filter((a) => a.of.includes('person'));

function sampleNoun(rng: Rng, noun: NounWord, allowAdj: boolean): NounPhrase {
  const r = rng.next();
  let det: 'the' | 'a' | Person = r < 0.45 ? 'the' : r < 0.6 && noun.cls !== 'person' ? 'a' : rng.pick(PERSONS);
  if (noun.possessable === false && det !== 'a') det = 'the';
  const adjPool = adjectivesFor(noun.cls);
  const adj = allowAdj && adjPool.length > 0 && rng.chance(0.25) ? rng.pick(adjPool) : undefined;
  return adj ? { kind: 'noun', noun, det, adj } : { kind: 'noun', noun, det };
}

function sampleSubject(rng: Rng): NounPhrase {
  const r = rng.next();
  if (r < 0.3) return { kind: 'pronoun', person: rng.pick(PERSONS) };
  if (r < 0.45) return { kind: 'name', name: rng.pick(NAMES) };
  return sampleNoun(rng, rng.pick(PEOPLE), false);
}

const ADJ_BY_CLASS = new Map<string, AdjWord[]>();
function adjectivesFor(cls: NounWord['cls']): AdjWord[] {
  let pool = ADJ_BY_CLASS.get(cls);
  if (!pool) ADJ_BY_CLASS.set(cls, (pool = ADJECTIVES.filter((a) => a.of.includes(cls))));
  return pool;
}

const OBJECTS_BY_VERB = new Map<VerbWord, NounWord[]>();
function objectsFor(verb: VerbWord): NounWord[] {
  let pool = OBJECTS_BY_VERB.get(verb);
  if (!pool) OBJECTS_BY_VERB.set(verb, (pool = [...PEOPLE, ...OBJECTS].filter((n) => verb.objects.includes(n.cls))));
  return pool;
}

function sampleObject(rng: Rng, verb: VerbWord, subject: NounPhrase): NounPhrase {
  const all = objectsFor(verb);
  const pool = subject.kind === 'noun' ? all.filter((n) => n !== subject.noun) : all;
  const noun = rng.pick(pool);
  if (noun.cls === 'person' && rng.chance(0.25)) {
    return { kind: 'name', name: rng.pick(NAMES.filter((nm) => !(subject.kind === 'name' && subject.name === nm))) };
  }
  return sampleNoun(rng, noun, true);
}

/** A random sentence frame; every choice comes from `rng`. */
export function sampleFrame(rng: Rng): SentenceFrame {
  const subject = sampleSubject(rng);
  const r = rng.next();
  let clause: Clause;
  if (r < 0.5) {
    const verb = rng.pick(TRANSITIVE);
    clause = { kind: 'transitive', verb, object: sampleObject(rng, verb, subject) };
  } else if (r < 0.7) clause = { kind: 'intransitive', verb: rng.pick(INTRANSITIVE) };
  else if (r < 0.85) clause = { kind: 'motion', verb: rng.pick(MOTION), place: rng.pick(PLACES) };
  else clause = { kind: 'adjective', adj: rng.pick(PEOPLE_ADJ) };
  const m = rng.next();
  let mood: SentenceFrame['mood'] = m < 0.6 ? 'statement' : m < 0.8 ? 'yesno' : 'wh';
  if (mood === 'wh' && clause.kind === 'adjective') mood = 'yesno';
  let wh: WhWord | undefined;
  if (mood === 'wh') {
    // what: asks for a non-person object; where: only for activities and motion
    const allowed = WH_WORDS.filter((w) => (w === 'what' ? clause.kind === 'transitive' && clause.object.kind !== 'name'
      && clause.verb.objects.every((o) => o !== 'person') : w === 'where' ? clause.kind !== 'transitive' : true));
    wh = rng.pick(allowed);
  }
  let time: TimeWord | undefined = rng.chance(0.55) ? rng.pick(TIMES) : undefined;
  if (wh === 'when' || wh === 'why') time = undefined;
  const negated = mood === 'statement' && rng.chance(0.3);
  const frame: SentenceFrame = { subject, clause, mood, negated, timeFirst: rng.chance(0.5) };
  if (time) frame.time = time;
  if (wh) frame.wh = wh;
  return frame;
}

export function sentenceOf(frame: SentenceFrame): Sentence {
  const { glosses, nonManual } = glossOf(frame);
  return { frame, text: englishOf(frame), glosses, nonManual };
}
