import type { GlossSpan } from '../pose/sequence.js';

/**
 * Gloss-guided attention targets. Where a corpus times its glosses (the procedural corpus, gloss-annotated
 * datasets), each model frame gets the text tokens its sign comes from, and the training loss pulls the first
 * decoder layer's cross-attention onto them (guided attention, as in DC-TTS). Learning the alignment unaided is the
 * slow part of training a text→motion transformer; with it the decoder knows which word to sign at every frame.
 */

/** Lower-case parts of a gloss name: `fs-ANNA` → [anna], `POLICE-OFFICER` → [police, officer]. */
export function glossParts(gloss: string): string[] {
  return gloss.toLowerCase().replace(/^fs-/, '').split(/[-_+]/).filter((p) => p.length > 0);
}

/** English forms no suffix rule reaches: irregular verbs, object pronouns, short forms (token → gloss parts). */
const IRREGULAR: ReadonlyMap<string, readonly string[]> = new Map(Object.entries({
  i: ['me'], we: ['us'], am: ['be'], is: ['be'], are: ['be'], was: ['be'], were: ['be'], been: ['be'],
  has: ['have'], had: ['have'], did: ['do'], does: ['do'], done: ['do'], television: ['tv'],
  ...Object.fromEntries(('ate:eat,bought:buy,brought:bring,built:build,came:come,caught:catch,chose:choose,'
    + 'drank:drink,drew:draw,drove:drive,fed:feed,fell:fall,felt:feel,flew:fly,forgot:forget,found:find,gave:give,'
    + 'got:get,held:hold,kept:keep,knew:know,left:leave,lost:lose,made:make,meant:mean,met:meet,paid:pay,ran:run,'
    + 'read:read,rode:ride,sang:sing,sat:sit,saw:see,said:say,sent:send,slept:sleep,sold:sell,spoke:speak,'
    + 'stood:stand,swam:swim,took:take,taught:teach,thought:think,threw:throw,told:tell,understood:understand,'
    + 'went:go,woke:wake,won:win,wore:wear,wrote:write').split(',').map((kv) => { const [k, v] = kv.split(':'); return [k, [v]]; })),
}));

/**
 * Whether a text token is a regular inflection of a gloss part: equal, or the part plus -s, -es, -d, -ed, -ing
 * (wash → washes, carry → carries, make → making), or a listed irregular form (won → win, I → me). Other forms do
 * not match; their frames simply get no target. Suffix rules, not prefixes, so that he ≠ her and they ≠ their.
 */
export function tokenMatchesPart(token: string, part: string): boolean {
  if (token === part || IRREGULAR.get(token)?.includes(part)) return true;
  if (part.length < 2) return false;
  const forms = [part + 's', part + 'es', part + 'd', part + 'ed', part + 'ing'];
  if (part.endsWith('y')) forms.push(part.slice(0, -1) + 'ies', part.slice(0, -1) + 'ied');
  if (part.endsWith('e')) forms.push(part.slice(0, -1) + 'ing');
  return forms.includes(token);
}

/** Positions in `tokens` that spell a gloss (every part's matches; empty when none match). */
export function glossTokenPositions(gloss: string, tokens: readonly string[]): number[] {
  const parts = glossParts(gloss);
  const out: number[] = [];
  tokens.forEach((t, i) => {
    if (parts.some((p) => tokenMatchesPart(t, p))) out.push(i);
  });
  return out;
}

/**
 * Attention targets for each model frame: the token positions (in the encoded ids, so `offset` = 1 for <bos>) of
 * the sign being made; on a transition between two signs both signs' tokens, before the first sign the first, after
 * the last the last. A frame whose signs matched no token gets an empty list (no target).
 *
 * `frameIndices` are the source-frame index of every model frame (modelFrameIndices); spans are in source frames,
 * `end` exclusive.
 */
export function frameAttentionTargets(
  glosses: readonly GlossSpan[], frameIndices: readonly number[], tokens: readonly string[], offset = 1, maxPosition = Infinity,
): number[][] {
  const spans = glosses
    .map((g) => ({ start: g.start, end: g.end, pos: glossTokenPositions(g.gloss, tokens).map((p) => p + offset).filter((p) => p < maxPosition) }))
    .sort((a, b) => a.start - b.start);
  if (spans.length === 0) return frameIndices.map(() => []);
  return frameIndices.map((f) => {
    const k = spans.findIndex((s) => f < s.end);
    if (k === -1) return spans[spans.length - 1].pos;
    if (f >= spans[k].start || k === 0) return spans[k].pos;
    return [...new Set([...spans[k - 1].pos, ...spans[k].pos])].sort((a, b) => a - b);
  });
}
