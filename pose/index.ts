// The pose data layer: the canonical DWPose-128 sequence, its readers/writers and transforms.
export * from './skeleton.js';
export * from './errors.js';
export * from './sequence.js';
export * from './transforms.js';
export * from './io.js';
export { parsePoseFile, readPoseFile, encodePoseFile } from './formats/pose-format.js';
export { parseDwposeJson, readDwposeJson, encodeDwposeJson } from './formats/dwpose-json.js';
export { readOpenPoseJson } from './formats/openpose-json.js';
export { readPtSkels, ptCounter } from './formats/pt-skels.js';
export { holisticToDwpose } from './formats/mediapipe.js';
export { parseSignVerseNpz, encodeSignVerseNpz, readSignVerse, readSignVerseCaptions, writeSignVerseShard } from './signverse/index.js';
export { parseNpy, encodeNpy, type NpyArray } from './npy.js';
