/** Text metrics for back-translation: sacrebleu BLEU/chrF/chrF++, SLT BLEU-1..4, COCO ROUGE-L, SLRTP WER, bootstrap. */
export { BLEU, corpusBleu, sentenceBleu, myLog, type BleuOptions, type BleuScore, type SmoothMethod } from './bleu.js';
export { CHRF, corpusChrf, sentenceChrf, chrfWords, type ChrfOptions, type ChrfScore } from './chrf.js';
export { sltBleu, type SltBleuScore } from './slt.js';
export { cocoRouge, CocoRouge } from './rouge.js';
export { wer, werWords, expandCommonEnglishContractions, type WerResult } from './wer.js';
export { tokenize13a, tokenize13aTokens, tokenize13aRegex, tokenizeNone, getTokenizer, getTokenSplitter, type TokenizerName } from './tokenizer13a.js';
export { checkCorpus, sumStats, SACREBLEU_VERSION, type RefStreams, type SegmentStats, type StatsMetric } from './corpus.js';
export { pySplit, pyStrip, pyRstrip, isPyWhitespace } from './pystring.js';
export { pairedBootstrap, pairedBootstrapStats, estimateCi, numpyMean, type PairedBootstrapOptions, type PairedMetricResult, type PairedSystemResult, type BootstrapEstimate } from './significance.js';
export { PCG64, defaultRng, seedSequenceState } from './numpyrng.js';
export { readSegments, splitSegments, MAX_SEGMENT_FILE_BYTES } from './segments.js';
