/**
 * SignVerse-2M captions: `captions/<id>.<lang>.vtt` files (parsed as the SignDW trainer does) and the optional
 * `captions/<id>.captions.json`. English is chosen in the pipeline's order: `en`, then the first `en-*`/`en_*`
 * (auto-translated), then the first `*-en`.
 */

/** One caption cue: times in seconds. */
export interface Caption {
  start: number;
  end: number;
  text: string;
}

/** The captions of one video, as chosen for English. */
export interface SignVerseCaptions {
  id: string;
  /** Language tag of the chosen track (`en`, `en-de`, ...), or null when no English track exists. */
  language: string | null;
  /** Where the text came from: the card's `caption.json`, the JSON's `subtitle_en`, a VTT file, or nowhere. */
  source: 'caption.json' | 'captions.json' | 'vtt' | null;
  /** Name of the VTT file whose cues are in `captions` (null when none). */
  file: string | null;
  /** The English text (JSON `subtitle_en`, else the cue texts joined by spaces), or null. */
  text: string | null;
  /** Cues of the chosen English VTT (or the JSON's English segments when there is no VTT). */
  captions: Caption[];
  /** Sign language code from the card's `caption.json` (`sign_language`), when given. */
  signLanguage?: string | null;
}

/**
 * The dataset card's `caption.json`: `{segments: [{start, end, text}], sign_language, document_text,
 * english_source}`. Text: `document_text`, else the segment texts joined. Null when it is not such a file.
 */
export function parseCardCaption(id: string, json: string): SignVerseCaptions | null {
  let doc: { segments?: unknown; sign_language?: unknown; document_text?: unknown; english_source?: unknown };
  try {
    doc = JSON.parse(json) as typeof doc;
  } catch {
    return null;
  }
  if (doc === null || typeof doc !== 'object') return null;
  const captions: Caption[] = [];
  for (const s of Array.isArray(doc.segments) ? doc.segments : []) {
    const seg = s as { start?: unknown; end?: unknown; text?: unknown };
    const start = Number(seg?.start);
    const end = Number(seg?.end);
    if (typeof seg?.text === 'string' && seg.text.trim() !== '' && Number.isFinite(start) && end > start) {
      captions.push({ start, end, text: seg.text.replace(/\s+/g, ' ').trim() });
    }
  }
  const documentText = typeof doc.document_text === 'string' ? doc.document_text.replace(/\s+/g, ' ').trim() : '';
  const text = documentText || captions.map((c) => c.text).join(' ').trim() || null;
  return {
    id,
    language: text !== null ? 'en' : null,
    source: text !== null ? 'caption.json' : null,
    file: 'caption.json',
    text,
    captions,
    signLanguage: typeof doc.sign_language === 'string' && doc.sign_language.trim() !== '' ? doc.sign_language.trim() : null,
  };
}

/** Seconds from `h:m:s.ms`, `m:s.ms` or `s` (`,` accepted as decimal separator); NaN when malformed. */
export function parseVttTimestamp(s: string): number {
  const t = s.trim().replace(',', '.');
  if (!/^\d+(:\d+){0,2}(\.\d+)?$/.test(t)) return Number.NaN;
  const parts = t.split(':').map(Number);
  let v = 0;
  for (const p of parts) v = v * 60 + p;
  return v;
}

/**
 * Parses WebVTT cues like the SignDW trainer: a cue line contains `-->`; text lines run to the next blank line;
 * `<...>` tags are stripped; `NOTE`/`Kind:`/`Language:` lines skipped; lines joined with spaces, whitespace collapsed;
 * a cue is kept if its text is non-empty and end > start. Rolling duplicates are not removed.
 */
export function parseVtt(text: string): Caption[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const cues: Caption[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.includes('-->')) continue;
    const [a, rest] = line.split('-->', 2);
    const start = parseVttTimestamp(a);
    const end = parseVttTimestamp((rest ?? '').trim().split(/\s+/)[0] ?? '');
    const texts: string[] = [];
    let j = i + 1;
    for (; j < lines.length && lines[j].trim() !== ''; j++) {
      const l = lines[j].trim();
      if (/^(NOTE|Kind:|Language:)/.test(l)) continue;
      texts.push(l.replace(/<[^>]*>/g, ''));
    }
    i = j - 1;
    const cueText = texts.join(' ').replace(/\s+/g, ' ').trim();
    if (cueText !== '' && Number.isFinite(start) && Number.isFinite(end) && end > start) cues.push({ start, end, text: cueText });
  }
  return cues;
}

/** The language tag of `<id>.<lang>.vtt`, or null. */
export function vttLanguage(name: string, id?: string): string | null {
  const base = name.split('/').pop() ?? name;
  if (!base.toLowerCase().endsWith('.vtt')) return null;
  const stem = base.slice(0, -4);
  if (id && stem.startsWith(`${id}.`)) return stem.slice(id.length + 1) || null;
  const dot = stem.lastIndexOf('.');
  return dot < 0 ? null : stem.slice(dot + 1) || null;
}

/** Picks the English VTT among file names in the pipeline's order; null when there is none. */
export function selectEnglishVtt(names: readonly string[], id?: string): { name: string; language: string } | null {
  const tracks = [...names]
    .sort()
    .map((name) => ({ name, language: vttLanguage(name, id) }))
    .filter((t): t is { name: string; language: string } => t.language !== null);
  return (
    tracks.find((t) => t.language === 'en') ??
    tracks.find((t) => /^en[-_]/.test(t.language)) ??
    tracks.find((t) => /-en$/.test(t.language)) ??
    null
  );
}

interface CaptionsJson {
  subtitle_en?: unknown;
  languages?: Record<string, { segments?: { start_sec?: unknown; end_sec?: unknown; text?: unknown }[] }>;
  subtitle_en_source?: unknown;
}

/**
 * Chooses the English captions of video `id` from its caption files (`name` relative or absolute, `text` the
 * file's content): `<id>.captions.json`'s `subtitle_en` when present and non-empty, and the cues of the English VTT.
 */
export function selectSignVerseCaptions(id: string, files: readonly { name: string; text: string }[]): SignVerseCaptions {
  const card = files.find((f) => (f.name.split('/').pop() ?? f.name) === 'caption.json');
  const fromCard = card ? parseCardCaption(id, card.text) : null;
  if (fromCard) return fromCard;
  const out: SignVerseCaptions = { id, language: null, source: null, file: null, text: null, captions: [] };
  const vtt = selectEnglishVtt(files.filter((f) => f.name.toLowerCase().endsWith('.vtt')).map((f) => f.name), id);
  if (vtt) {
    const f = files.find((x) => x.name === vtt.name);
    const cues = f ? parseVtt(f.text) : [];
    out.language = vtt.language;
    out.file = vtt.name;
    out.captions = cues;
    if (cues.length > 0) {
      out.text = cues.map((c) => c.text).join(' ').replace(/\s+/g, ' ').trim();
      out.source = 'vtt';
    }
  }
  const jsonFile = files.find((f) => f.name.endsWith('.captions.json'));
  if (jsonFile) {
    let json: CaptionsJson | null = null;
    try {
      json = JSON.parse(jsonFile.text) as CaptionsJson;
    } catch {
      json = null; // an unreadable optional file: fall back to the VTT
    }
    const en = typeof json?.subtitle_en === 'string' ? json.subtitle_en.trim() : '';
    if (en !== '') {
      out.text = en;
      out.source = 'captions.json';
      if (out.language === null) out.language = 'en';
      if (out.captions.length === 0) {
        const segs = json?.languages?.en?.segments ?? [];
        for (const s of Array.isArray(segs) ? segs : []) {
          const start = Number(s.start_sec);
          const end = Number(s.end_sec);
          if (typeof s.text === 'string' && s.text.trim() !== '' && end > start) out.captions.push({ start, end, text: s.text.trim() });
        }
      }
    }
  }
  return out;
}

function vttTime(sec: number): string {
  const ms = Math.round(sec * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (v: number, w = 2) => String(v).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** A WebVTT file with the given cues (as yt-dlp writes them: WEBVTT, Kind, Language headers). */
export function formatVtt(cues: readonly Caption[], language = 'en'): string {
  let s = `WEBVTT\nKind: captions\nLanguage: ${language}\n`;
  for (const c of cues) s += `\n${vttTime(c.start)} --> ${vttTime(c.end)}\n${c.text.replace(/\r?\n\s*\n/g, '\n')}\n`;
  return s;
}
