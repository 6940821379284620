/**
 * Benchmark suites: a frozen, versioned bundle of prompts (id, text, glosses), reference poses (hidden from
 * submitters), the judge (a translator directory and its content hash), the metric protocols and the pose
 * normalisation, with a version hash over all of it.
 *
 * On disk (`<dir>/`):
 * - `suite.json`: `{ format: "signbench-suite", formatVersion: 1, info: SuiteInfo, source }`,
 * - `prompts.jsonl`: one `{"id","text","glosses"?}` per line (what submitters generate from),
 * - `references/`: a corpus directory (corpus/format.ts: `manifest.jsonl` + `poses/<id>.pose`).
 *
 * Built-ins (`synthetic-v1`, `synthetic-mini`) are materialised deterministically under `<dataDir>/suites/<name>/`
 * on first use, and again when the committed judge changes (the suite version covers the judge hash).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { MANIFEST, openCorpus, POSES_DIR, writeCorpus } from '../../corpus/format.js';
import { proceduralCorpus, type CorpusEntry, type Split } from '../../corpus/procedural/index.js';
import { SignbenchError } from '../../pose/errors.js';
import { parsePoseFile } from '../../pose/formats/pose-format.js';
import type { GlossSpan, PoseSequence } from '../../pose/sequence.js';
import { canonicalJson, modelDirHash, REPO_ROOT, sha256, sha256File } from '../hash.js';

export interface SuitePrompt {
  id: string;
  text: string;
  glosses?: string[];
  /** Spoken and sign language of this item: given in a suite that spans several, and in a fingerspelling suite. */
  language?: string;
  signLanguage?: string;
}

export interface SuiteInfo {
  name: string;
  /** `sv-` + 16 hex digits of sha256 over everything that decides a score (not the name). */
  version: string;
  n: number;
  split: string;
  /** The corpus the items come from (seed and size for the procedural corpus; null for unversioned sources). */
  corpus: { version: string; seed: number | null; sentences: number | null } | null;
  /** The back-translator; null for a pose-only suite. `dir` relative to the checkout for the committed judge. */
  judge: { dir: string; hash: string } | null;
  /** Protocols scored: text protocols (`sacrebleu`, `slt`, `slrtp`) when back-translated, and `pose`. */
  protocols: string[];
  /** Frame rate given to prediction files whose format carries none. */
  fps: number;
  /** Most frames a predicted sequence may have. */
  frameCap: number;
  scoring: 'back-translation' | 'pose-only';
  /** Spoken language of the prompts (BCP-47). */
  language?: string;
  /** Sign language of the references (ISO 639-3 or a private code). */
  signLanguage?: string;
  /** Whether the references can be regenerated from public inputs (the procedural seed): then nothing is hidden. */
  publicReferences: boolean;
  /** How poses are compared: coordinate space of the pose metrics, and no resampling (DTW aligns the rates). */
  normalization: { space: 'centre-square'; resample: 'none' };
  /** Why a suite is pose-only, when it is. */
  note?: string;
  /** Set where every item is of one task with its own baselines: `fingerspelling` (benchmark/baselines/fingerspelling.ts). */
  task?: 'fingerspelling';
}

/** Where a suite's items came from: what baselines that need training data (mean pose, nearest sentence) read. */
export type SuiteSource =
  | { kind: 'procedural'; sentences: number; seed: number }
  | { kind: 'corpus'; dir: string };

export const SUITE_FILE = 'suite.json';
export const PROMPTS_FILE = 'prompts.jsonl';
export const REFERENCES_DIR = 'references';
const SUITE_FORMAT = 'signbench-suite';
const FORMAT_VERSION = 1;
/** The committed judge, named relative to the checkout in built-in suites. */
export const DEFAULT_JUDGE = 'models/translator';
export const BUILTIN_SUITES = ['synthetic-v1', 'synthetic-mini'] as const;
/** Items of synthetic-mini: the first of synthetic-v1's. */
export const MINI_ITEMS = 24;
const TEXT_PROTOCOLS = ['sacrebleu', 'slt', 'slrtp'];

export class Suite {
  private readonly refs = new Map<string, PoseSequence>();
  private promptList?: SuitePrompt[];
  private glossSpans?: Map<string, GlossSpan[]>;

  constructor(readonly dir: string, readonly info: SuiteInfo, readonly source: SuiteSource | null) {}

  /** The judge directory (absolute), or null for a pose-only suite. */
  get judgeDir(): string | null {
    return this.info.judge ? resolveJudgeDir(this.info.judge.dir) : null;
  }

  /** The directory of reference `.pose` files, one `<id>.pose` per prompt: a valid predictions submission. */
  get referenceDir(): string {
    return join(this.dir, REFERENCES_DIR, POSES_DIR);
  }

  prompts(): SuitePrompt[] {
    this.promptList ??= readFileSync(join(this.dir, PROMPTS_FILE), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as SuitePrompt);
    return this.promptList;
  }

  /**
   * Gloss timings of one reference (frames of its poses), from the reference corpus's manifest; [] where the corpus
   * has none. The sign-level metrics cut the references here.
   */
  referenceGlosses(id: string): GlossSpan[] {
    if (!this.glossSpans) {
      this.glossSpans = new Map();
      const file = join(this.dir, REFERENCES_DIR, MANIFEST);
      const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
      for (const line of lines) {
        if (line.trim() === '') continue;
        const e = JSON.parse(line) as { id: string; glosses?: GlossSpan[] };
        this.glossSpans.set(e.id, e.glosses ?? []);
      }
    }
    return this.glossSpans.get(id) ?? [];
  }

  /** The reference poses of one item (hidden from submitters; the scorer's side only). */
  reference(id: string): PoseSequence {
    let seq = this.refs.get(id);
    if (!seq) {
      const file = join(this.referenceDir, `${id}.pose`);
      if (!this.prompts().some((p) => p.id === id) || !existsSync(file)) throw new SignbenchError('not-found', `suite ${this.info.name}: no item '${id}'`);
      seq = parsePoseFile(new Uint8Array(readFileSync(file)), file);
      seq.meta.id = id;
      this.refs.set(id, seq);
    }
    return seq;
  }
}

export function resolveJudgeDir(dir: string): string {
  return isAbsolute(dir) ? dir : join(REPO_ROOT, dir);
}

export interface BuildSuiteOptions {
  /** A corpus directory (or SignVerse shards), or `procedural`. */
  corpus: string;
  split: string;
  /** Translator directory; omitted: a pose-only suite. */
  judge?: string;
  out: string;
  name?: string;
  /** Procedural corpus size and seed (default 5,000 and 1). */
  sentences?: number;
  seed?: number;
  /** Keep only the first `limit` items. */
  limit?: number;
  /** Replace an existing suite in `out`. */
  overwrite?: boolean;
  onProgress?: (p: { done: number; total: number; stage: string }) => void;
  signal?: AbortSignal;
}

interface JudgeCoverage {
  languages: string[];
  signLanguages: string[];
}

/** What texts and sign languages a judge reads: its manifest's `languages`/`signLanguages`, or, for a judge trained on
 * the procedural corpus (corpus version `sbp-…`), English and the procedural signer's `x-sbp`. */
function judgeCoverage(dir: string): JudgeCoverage {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) throw new SignbenchError('not-found', `judge ${dir}: no manifest.json (expected a translator model directory)`);
  const m = JSON.parse(readFileSync(file, 'utf8')) as { format?: string; languages?: string[]; signLanguages?: string[]; corpusVersion?: string };
  if (m.format !== 'signbench-translator') throw new SignbenchError('invalid-input', `judge ${dir}: manifest.json is not a signbench translator's (format ${String(m.format)})`);
  if (m.languages && m.signLanguages) return { languages: m.languages, signLanguages: m.signLanguages };
  if (m.corpusVersion?.startsWith('sbp-')) return { languages: ['en'], signLanguages: ['x-sbp'] };
  return { languages: [], signLanguages: [] };
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new SignbenchError('aborted', 'suite build cancelled');
}

/**
 * Builds a suite from a corpus split. Test items whose sentence also occurs in the train split are left out (a test
 * sentence must never be a training sentence, or retrieval scores for free). Deterministic: the same inputs give
 * byte-identical files and the same version.
 */
export async function buildSuite(opts: BuildSuiteOptions): Promise<Suite> {
  const split = opts.split as Split;
  if (!['train', 'dev', 'test'].includes(split)) throw new SignbenchError('invalid-input', `split must be train, dev or test, got '${opts.split}'`);
  if (existsSync(join(opts.out, SUITE_FILE)) && !opts.overwrite) throw new SignbenchError('conflict', `${opts.out} already holds a suite`);
  checkAborted(opts.signal);
  let entries: CorpusEntry[];
  let trainTexts: Set<string>;
  let read: (e: CorpusEntry) => Promise<PoseSequence> | PoseSequence;
  let corpusInfo: SuiteInfo['corpus'];
  let source: SuiteSource;
  let publicReferences: boolean;
  if (opts.corpus === 'procedural') {
    const sentences = opts.sentences ?? 5000;
    const seed = opts.seed ?? 1;
    const c = proceduralCorpus({ sentences, seed });
    entries = c.entries.filter((e) => e.split === split);
    trainTexts = new Set(c.entries.filter((e) => e.split === 'train').map((e) => e.text));
    read = (e) => c.sequence(e);
    corpusInfo = { version: c.version, seed, sentences };
    source = { kind: 'procedural', sentences, seed };
    publicReferences = true;
  } else {
    const c = await openCorpus(opts.corpus).catch((err: Error) => {
      throw new SignbenchError('invalid-input', `corpus ${opts.corpus}: ${err.message}`);
    });
    entries = c.entries(split);
    trainTexts = new Set(c.entries('train').map((e) => e.text));
    read = (e) => c.read(e);
    corpusInfo = { version: c.version, seed: null, sentences: c.entries().length };
    source = { kind: 'corpus', dir: resolve(opts.corpus) };
    publicReferences = false;
  }
  entries = split === 'train' ? entries : entries.filter((e) => !trainTexts.has(e.text));
  if (opts.limit !== undefined) entries = entries.slice(0, opts.limit);
  if (entries.length === 0) throw new SignbenchError('invalid-input', `corpus ${opts.corpus}: no ${split} items (after leaving out sentences of the train split)`);

  // Judge: scored by back-translation only where it reads the suite's spoken and sign language.
  let judge: SuiteInfo['judge'] = null;
  let note: string | undefined;
  const languages = [...new Set(entries.map((e) => e.language))].sort();
  const signLanguages = [...new Set(entries.map((e) => e.signLanguage))].sort();
  if (opts.judge) {
    const dir = resolveJudgeDir(opts.judge);
    const cover = judgeCoverage(dir);
    const missing = [...languages.filter((l) => !cover.languages.includes(l)), ...signLanguages.filter((l) => !cover.signLanguages.includes(l))];
    if (missing.length === 0) {
      const rel = resolve(dir) === resolve(REPO_ROOT, DEFAULT_JUDGE) ? DEFAULT_JUDGE : resolve(dir);
      judge = { dir: rel, hash: await modelDirHash(dir) };
    } else {
      note = `pose metrics only: the judge (${opts.judge}) does not read ${missing.join(', ')} (it reads ${[...cover.languages, ...cover.signLanguages].join(', ') || 'nothing declared'})`;
    }
  } else {
    note = 'pose metrics only: no judge given';
  }

  const tmp = `${opts.out}.partial-${process.pid}-${Date.now()}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    const total = entries.length;
    let maxFrames = 0;
    const refHashes: string[] = [];
    async function* items() {
      for (const [i, entry] of entries.entries()) {
        checkAborted(opts.signal);
        const seq = await read(entry);
        maxFrames = Math.max(maxFrames, seq.frames);
        yield { entry: { ...entry, frames: seq.frames }, seq };
        opts.onProgress?.({ done: i + 1, total, stage: 'references' });
      }
    }
    await writeCorpus(join(tmp, REFERENCES_DIR), items(), { version: corpusInfo?.version ?? 'unversioned' });
    for (const e of entries) refHashes.push(await sha256File(join(tmp, REFERENCES_DIR, POSES_DIR, `${e.id}.pose`)));
    // A suite of several languages (or of fingerspelling, whose baselines work per alphabet) says each prompt's: the
    // same word is spelled differently in each sign language.
    const task = entries.every((e) => e.source === 'fingerspelling') ? { task: 'fingerspelling' as const } : {};
    const withLanguage = languages.length > 1 || signLanguages.length > 1 || 'task' in task;
    const prompts: SuitePrompt[] = entries.map((e) => ({
      id: e.id, text: e.text, ...(e.glosses.length > 0 ? { glosses: e.glosses.map((g) => g.gloss) } : {}),
      ...(withLanguage ? { language: e.language, signLanguage: e.signLanguage } : {}),
    }));
    const body = {
      n: entries.length,
      split,
      corpus: corpusInfo,
      judge,
      protocols: judge ? [...TEXT_PROTOCOLS, 'pose'] : ['pose'],
      fps: entries[0]!.fps,
      // Room for slow signing and for generators that run at a higher rate, but a bound on what a submission costs.
      frameCap: Math.max(480, 4 * maxFrames),
      scoring: judge ? 'back-translation' as const : 'pose-only' as const,
      ...(languages.length === 1 ? { language: languages[0] } : {}),
      ...(signLanguages.length === 1 ? { signLanguage: signLanguages[0] } : {}),
      publicReferences,
      normalization: { space: 'centre-square' as const, resample: 'none' as const },
      ...(note ? { note } : {}),
      ...task,
    };
    const version = 'sv-' + sha256(canonicalJson({ format: SUITE_FORMAT, formatVersion: FORMAT_VERSION, ...body, judge: judge?.hash ?? null, prompts, refHashes })).slice(0, 16);
    const info: SuiteInfo = { name: opts.name ?? defaultName(opts.out), version, ...body };
    await writeFile(join(tmp, PROMPTS_FILE), prompts.map((p) => JSON.stringify(p)).join('\n') + '\n');
    await writeFile(join(tmp, SUITE_FILE), JSON.stringify({ format: SUITE_FORMAT, formatVersion: FORMAT_VERSION, info, source }, null, 2) + '\n');
    checkAborted(opts.signal);
    await mkdir(resolve(opts.out, '..'), { recursive: true });
    if (existsSync(opts.out)) {
      if (!opts.overwrite) throw new SignbenchError('conflict', `${opts.out} already exists`);
      const old = `${opts.out}.old-${process.pid}-${Date.now()}`;
      await rename(opts.out, old).catch(() => undefined);
      await rm(old, { recursive: true, force: true });
    }
    await rename(tmp, opts.out);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return openSuiteDir(opts.out);
}

function defaultName(out: string): string {
  return resolve(out).split(/[\\/]/).pop() || 'suite';
}

async function openSuiteDir(dir: string): Promise<Suite> {
  const file = join(dir, SUITE_FILE);
  let json: { format?: string; formatVersion?: number; info?: SuiteInfo; source?: SuiteSource | null };
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new SignbenchError('not-found', `${dir}: not a suite directory (${SUITE_FILE}: ${(err as Error).message})`);
  }
  if (json.format !== SUITE_FORMAT || json.formatVersion !== FORMAT_VERSION || !json.info) {
    throw new SignbenchError('invalid-input', `${file}: not a signbench suite (format ${String(json.format)} v${String(json.formatVersion)})`);
  }
  return new Suite(resolve(dir), json.info, json.source ?? null);
}

export interface LoadSuiteOptions {
  dataDir: string;
  onProgress?: (p: { done: number; total: number; stage: string }) => void;
  signal?: AbortSignal;
}

/** Whether a built-in suite on disk was made with the committed judge as it is now. */
async function builtinIsCurrent(dir: string): Promise<boolean> {
  if (!existsSync(join(dir, SUITE_FILE))) return false;
  try {
    const s = await openSuiteDir(dir);
    return s.info.judge?.hash === (await modelDirHash(resolveJudgeDir(DEFAULT_JUDGE)));
  } catch {
    return false;
  }
}

/**
 * A suite by built-in name (materialised under `<dataDir>/suites/<name>/` on first use) or by directory. A suite
 * directory whose judge no longer has the hash it was built with is refused: its scores would not be comparable.
 */
export async function loadSuite(nameOrDir: string, opts: LoadSuiteOptions): Promise<Suite> {
  if ((BUILTIN_SUITES as readonly string[]).includes(nameOrDir)) {
    const dir = join(opts.dataDir, 'suites', nameOrDir);
    if (!(await builtinIsCurrent(dir))) {
      // Built beside and moved in with one rename, so that concurrent first uses (parallel tests, a worker and the
      // CLI) never see a half-written suite; whoever comes second keeps the first one's.
      const building = `${dir}.build-${process.pid}-${Math.random().toString(36).slice(2)}`;
      try {
        await buildSuite({
          corpus: 'procedural', sentences: 5000, seed: 1, split: 'test', judge: DEFAULT_JUDGE, out: building, name: nameOrDir,
          ...(nameOrDir === 'synthetic-mini' ? { limit: MINI_ITEMS } : {}), onProgress: opts.onProgress, signal: opts.signal,
        });
        if (!(await builtinIsCurrent(dir))) {
          if (existsSync(dir)) {
            const old = `${dir}.old-${process.pid}-${Math.random().toString(36).slice(2)}`;
            await rename(dir, old).catch(() => undefined);
            await rm(old, { recursive: true, force: true });
          }
          await rename(building, dir).catch(async (err: unknown) => {
            if (!(await builtinIsCurrent(dir))) throw err;
          });
        }
      } finally {
        await rm(building, { recursive: true, force: true });
      }
    }
    return openSuiteDir(dir);
  }
  if (!existsSync(join(nameOrDir, SUITE_FILE))) {
    const named = join(opts.dataDir, 'suites', nameOrDir);
    if (!/[\\/]/.test(nameOrDir) && existsSync(join(named, SUITE_FILE))) return loadSuite(named, opts);
    throw new SignbenchError('not-found', `suite '${nameOrDir}': neither a built-in (${BUILTIN_SUITES.join(', ')}) nor a suite directory (no ${SUITE_FILE})`);
  }
  const suite = await openSuiteDir(nameOrDir);
  if (suite.info.judge) {
    const dir = resolveJudgeDir(suite.info.judge.dir);
    const hash = existsSync(dir) ? await modelDirHash(dir) : null;
    if (hash !== suite.info.judge.hash) {
      throw new SignbenchError('conflict', `suite ${suite.info.name}: its judge ${suite.info.judge.dir} ${hash ? 'has changed since the suite was built' : 'is missing'} (hash ${suite.info.judge.hash.slice(0, 12)}…); rebuild the suite`);
    }
  }
  return suite;
}

/** The prompts as JSON lines (`suite prompts`). */
export function promptsJsonl(suite: Suite): string {
  return suite.prompts().map((p) => JSON.stringify(p)).join('\n') + '\n';
}
