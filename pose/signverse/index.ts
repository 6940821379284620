/**
 * SignVerse-2M (SignerX/SignVerse-2M): per-video `poses.npz` (DWPose keypoints in pickled per-frame dicts), tar
 * shards, captions and the `.complete` marker. See ../shared/reference/signverse-dwpose.md §1 and §5(a).
 */
export {
  parseSignVerseNpz,
  encodeSignVerseNpz,
  encodeSignVersePayloads,
  type SignVerseParseOptions,
  type SignVerseEncodeOptions,
} from './npz.js';
export {
  readSignVerse,
  readSignVerseTar,
  readSignVerseCaptions,
  writeSignVerseShard,
  type SignVerseReadOptions,
  type SignVerseShardWriteOptions,
} from './shard.js';
export {
  parseVtt,
  parseVttTimestamp,
  formatVtt,
  selectEnglishVtt,
  selectSignVerseCaptions,
  vttLanguage,
  type Caption,
  type SignVerseCaptions,
} from './captions.js';
export { parseCompleteMarker, formatCompleteMarker, type CompleteMarker } from './complete.js';
export { resolveSignVerseHands, SIGNVERSE_HANDS_MODES, type SignVerseHandsMode } from './hands.js';
