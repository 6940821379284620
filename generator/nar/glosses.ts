/**
 * Gloss sequences as the non-autoregressive generator reads them: `<bos> GLOSS … [?] <eos>`. The '?' token marks a
 * question (raised or furrowed brows over the whole sentence; a yes/no question has no other gloss that says so); it
 * takes no time of its own. Glosses are upper-case words (`FATHER`, `NOT`) or fingerspelled names (`fs-ANNA`).
 */
export const QUESTION = '?';

/** The gloss tokens of a sentence: its glosses, then '?' when the text is a question. */
export function glossTokens(glosses: readonly string[], text: string): string[] {
  return ['<bos>', ...glosses, ...(text.trim().endsWith('?') ? [QUESTION] : []), '<eos>'];
}

/** Splits a user's gloss string ("TIME TOPIC COMMENT", "YOU GO STORE ?", "YOU GO STORE?") into gloss tokens. */
export function parseGlosses(s: string): string[] {
  const words = s.trim().split(/\s+/).filter((w) => w.length > 0);
  const out: string[] = [];
  for (const w of words) {
    if (w !== QUESTION && w.endsWith(QUESTION)) out.push(w.slice(0, -1), QUESTION);
    else out.push(w);
  }
  return out.filter((w) => w.length > 0);
}
