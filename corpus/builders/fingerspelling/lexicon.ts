/**
 * The fingerspelling lexicon's `index.csv` (columns path, spoken_language, signed_language, start, end, words,
 * glosses, priority; times in ms) and spelling a word with its letter clips.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readInputText } from '../../../pose/fsio.js';
import { insideRoot } from '../common.js';
import { LETTER_FALLBACKS } from './words.js';

export interface LetterClip {
  /** Clip path relative to the lexicon folder, as in the index. */
  path: string;
  /** Absolute path (checked to lie inside the lexicon folder). */
  file: string;
  spokenLanguage: string;
  signLanguage: string;
  startMs: number;
  endMs: number;
  /** The letter or letter group as the index writes it (`A`, `SCH`, `ä`, `ال`). */
  letter: string;
  gloss: string;
  priority: number;
  /** 1-based line in index.csv. */
  line: number;
}

const REQUIRED = ['path', 'spoken_language', 'signed_language', 'start', 'end', 'words'] as const;
/** index.csv bigger than this is not a lexicon index. */
const MAX_INDEX_BYTES = 16 * 1024 * 1024;

/** Splits CSV text into rows of fields (RFC 4180 quoting: `"a,b"`, `""` inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows.filter((r) => !(r.length === 1 && r[0].trim() === ''));
}

/** Reads and checks `<root>/index.csv`; every clip path must stay inside `root`. Clip files are not opened here. */
export async function readLexiconIndex(root: string): Promise<LetterClip[]> {
  const indexPath = join(root, 'index.csv');
  const st = await stat(indexPath).catch(() => null);
  if (!st) throw new Error(`fingerspelling lexicon: ${indexPath} is missing (expected index.csv with columns ${REQUIRED.join(', ')})`);
  const rows = parseCsv((await readInputText(indexPath, { maxBytes: MAX_INDEX_BYTES })).replace(/^\uFEFF/, ''));
  if (rows.length === 0) throw new Error(`${indexPath}: empty file`);
  const header = rows[0].map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const missing = REQUIRED.filter((c) => col(c) < 0);
  if (missing.length) throw new Error(`${indexPath}: missing column(s) ${missing.join(', ')} (header: ${header.join(', ')})`);
  const clips: LetterClip[] = [];
  for (let r = 1; r < rows.length; r++) {
    const f = rows[r];
    const line = r + 1;
    const get = (name: string) => (col(name) >= 0 ? (f[col(name)] ?? '').trim() : '');
    const where = `${indexPath} line ${line}`;
    if (f.length < header.length) throw new Error(`${where}: ${f.length} fields, the header has ${header.length}`);
    const path = get('path');
    if (!path) throw new Error(`${where}: empty path`);
    const startMs = Number(get('start'));
    const endMs = Number(get('end'));
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs < 0 || endMs <= startMs) {
      throw new Error(`${where}: start/end must be times in ms with 0 ≤ start < end, got ${get('start')}, ${get('end')}`);
    }
    const letter = get('words');
    if (!letter) throw new Error(`${where}: empty letter (column words)`);
    const priority = Number(get('priority') || '0');
    clips.push({
      path, file: insideRoot(root, path, where), spokenLanguage: get('spoken_language'), signLanguage: get('signed_language'),
      startMs, endMs, letter, gloss: get('glosses') || letter, priority: Number.isFinite(priority) ? priority : 0, line,
    });
    if (!clips[clips.length - 1].signLanguage || !clips[clips.length - 1].spokenLanguage) {
      throw new Error(`${where}: empty spoken_language or signed_language`);
    }
  }
  return clips;
}

/** A letter of one sign language: the chosen clip (lowest priority, then first in the index). */
export interface Alphabet {
  signLanguage: string;
  spokenLanguage: string;
  /** Normalised letter → clip. */
  letters: Map<string, LetterClip>;
  /** Longest normalised letter, in characters (for greedy longest-match spelling). */
  longest: number;
}

/** Case and compatibility folding in the spoken language's locale (Turkish I/İ, German ẞ → ß). */
export function foldLetters(s: string, language: string): string {
  let locale = language;
  try {
    'a'.toLocaleLowerCase(locale);
  } catch {
    locale = 'und';
  }
  return s.normalize('NFKC').toLocaleLowerCase(locale).normalize('NFC');
}

/** Alphabets per (signed, spoken) language pair, sorted by sign language then spoken language. */
export function alphabets(clips: readonly LetterClip[]): Alphabet[] {
  const byPair = new Map<string, Alphabet>();
  for (const c of clips) {
    const key = `${c.signLanguage}\0${c.spokenLanguage}`;
    let a = byPair.get(key);
    if (!a) byPair.set(key, (a = { signLanguage: c.signLanguage, spokenLanguage: c.spokenLanguage, letters: new Map(), longest: 1 }));
    const k = foldLetters(c.letter, c.spokenLanguage);
    const prev = a.letters.get(k);
    if (!prev || c.priority < prev.priority) a.letters.set(k, c);
    a.longest = Math.max(a.longest, [...k].length);
  }
  return [...byPair.values()].sort((x, y) => (x.signLanguage < y.signLanguage ? -1 : x.signLanguage > y.signLanguage ? 1 : x.spokenLanguage < y.spokenLanguage ? -1 : 1));
}

/** One step of a spelling: a letter clip, or a gap between the words of a phrase. */
export type Spelled = { kind: 'letter'; clip: LetterClip } | { kind: 'gap' };

/**
 * Spells `word` with the alphabet: greedy longest match over the folded text (so `sch`, `ll`, `zz`, `ال` use their
 * own clips), then the language's fallback letter, then the letter without diacritics. Spaces and hyphens are word
 * gaps; other non-letters (apostrophes) are not spelled. Null when some letter has no clip.
 */
export function spell(word: string, alphabet: Alphabet): Spelled[] | null {
  const lang = alphabet.spokenLanguage;
  const chars = [...foldLetters(word, lang)];
  const fallbacks = LETTER_FALLBACKS[lang] ?? {};
  const out: Spelled[] = [];
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i];
    if (/[\s\-‐-―]/u.test(ch)) {
      if (out.length && out[out.length - 1].kind !== 'gap') out.push({ kind: 'gap' });
      i++;
      continue;
    }
    if (!/\p{L}/u.test(ch)) { i++; continue; }
    let matched = false;
    for (let n = Math.min(alphabet.longest, chars.length - i); n >= 1; n--) {
      const clip = alphabet.letters.get(chars.slice(i, i + n).join(''));
      if (clip) { out.push({ kind: 'letter', clip }); i += n; matched = true; break; }
    }
    if (matched) continue;
    const alt = fallbacks[ch] ?? ch.normalize('NFD').replace(/\p{M}+/gu, '');
    const clip = alphabet.letters.get(alt) ?? alphabet.letters.get(alt.normalize('NFD').replace(/\p{M}+/gu, ''));
    if (!clip) return null;
    out.push({ kind: 'letter', clip });
    i++;
  }
  while (out.length && out[out.length - 1].kind === 'gap') out.pop();
  return out.some((s) => s.kind === 'letter') ? out : null;
}
