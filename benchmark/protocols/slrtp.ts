/**
 * Protocol `slrtp` (the SLRTP 2025 Sign Language Production challenge evaluator). The pose part lives in
 * slrtp-pose.ts; the text part (BLEU/chrF/ROUGE/WER of back-translations) is added beside it.
 */
export * from './slrtp-pose.js';
