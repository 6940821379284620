/**
 * Breakdowns of a result by sentence type and by length. Types come from the prompt (its text and, where given,
 * glosses): the mood (statement, yes/no question, wh-question) and, independently, negation and a fingerspelled name,
 * so one item may count under several types.
 */
import type { SuitePrompt } from '../suite/index.js';

export const SENTENCE_TYPES = ['statement', 'yes-no-question', 'wh-question', 'negation', 'fingerspelled-name'] as const;
export type SentenceType = (typeof SENTENCE_TYPES)[number];
export const LENGTH_BUCKETS = ['1-4', '5-6', '7-8', '9+'] as const;

const WH = /\b(what|where|who|whom|whose|why|when|how|which)\b/i;
const WH_GLOSS = /^(WHAT|WHERE|WHO|WHY|WHEN|HOW|WHICH)$/;

export function sentenceTypes(p: SuitePrompt): SentenceType[] {
  const text = p.text.trim();
  const out: SentenceType[] = [];
  const question = text.endsWith('?');
  const wh = p.glosses ? p.glosses.some((g) => WH_GLOSS.test(g)) : WH.test(text);
  out.push(!question ? 'statement' : wh ? 'wh-question' : 'yes-no-question');
  if (p.glosses ? p.glosses.includes('NOT') : /\bnot\b|n't\b/i.test(text)) out.push('negation');
  if (p.glosses?.some((g) => g.startsWith('fs-'))) out.push('fingerspelled-name');
  return out;
}

export function wordCount(text: string): number {
  return text.trim().split(/\s+/).filter((w) => w !== '').length;
}

export function lengthBucket(words: number): (typeof LENGTH_BUCKETS)[number] {
  return words <= 4 ? '1-4' : words <= 6 ? '5-6' : words <= 8 ? '7-8' : '9+';
}
