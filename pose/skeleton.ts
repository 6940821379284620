/**
 * The DWPose-128 point layout: body 18 (OpenPose order), face 68 (iBUG), left hand 21, right hand 21.
 * "Left" and "right" are the signer's anatomical sides (COCO convention).
 */

export const BODY_POINTS = 18;
export const FACE_POINTS = 68;
export const HAND_POINTS = 21;
export const POINTS = BODY_POINTS + FACE_POINTS + 2 * HAND_POINTS; // 128
/** Values stored per point: x, y (normalised to the source frame, unclipped) and a confidence. */
export const CHANNELS = 3;
export const FRAME_STRIDE = POINTS * CHANNELS; // 384 floats per frame

export type PartName = 'body' | 'face' | 'leftHand' | 'rightHand';

/** First point index and point count of each part inside the 128. */
export const PARTS: Readonly<Record<PartName, { start: number; count: number }>> = Object.freeze({
  body: { start: 0, count: BODY_POINTS },
  face: { start: BODY_POINTS, count: FACE_POINTS },
  leftHand: { start: BODY_POINTS + FACE_POINTS, count: HAND_POINTS },
  rightHand: { start: BODY_POINTS + FACE_POINTS + HAND_POINTS, count: HAND_POINTS },
});

export const PART_NAMES: readonly PartName[] = ['body', 'face', 'leftHand', 'rightHand'];

export const BODY_NAMES = [
  'nose', 'neck', 'r_shoulder', 'r_elbow', 'r_wrist', 'l_shoulder', 'l_elbow', 'l_wrist',
  'r_hip', 'r_knee', 'r_ankle', 'l_hip', 'l_knee', 'l_ankle', 'r_eye', 'l_eye', 'r_ear', 'l_ear',
] as const;

/** Named body indices (OpenPose order). */
export const BODY = Object.freeze({
  nose: 0, neck: 1, rShoulder: 2, rElbow: 3, rWrist: 4, lShoulder: 5, lElbow: 6, lWrist: 7,
  rHip: 8, rKnee: 9, rAnkle: 10, lHip: 11, lKnee: 12, lAnkle: 13, rEye: 14, lEye: 15, rEar: 16, lEar: 17,
});

/** The 21-point hand: 0 wrist, 1-4 thumb, 5-8 index, 9-12 middle, 13-16 ring, 17-20 little. */
export const HAND_NAMES = [
  'wrist',
  'thumb_cmc', 'thumb_mcp', 'thumb_ip', 'thumb_tip',
  'index_mcp', 'index_pip', 'index_dip', 'index_tip',
  'middle_mcp', 'middle_pip', 'middle_dip', 'middle_tip',
  'ring_mcp', 'ring_pip', 'ring_dip', 'ring_tip',
  'little_mcp', 'little_pip', 'little_dip', 'little_tip',
] as const;

/** The 17 OpenPose body limbs drawn by the DWPose/ControlNet renderer (0-based joint pairs). */
export const BODY_LIMBS: readonly (readonly [number, number])[] = [
  [1, 2], [1, 5], [2, 3], [3, 4], [5, 6], [6, 7], [1, 8], [8, 9], [9, 10],
  [1, 11], [11, 12], [12, 13], [1, 0], [0, 14], [14, 16], [0, 15], [15, 17],
];

/** The 20 hand edges (0-based, within one hand). */
export const HAND_EDGES: readonly (readonly [number, number])[] = [
  [0, 1], [1, 2], [2, 3], [3, 4], [0, 5], [5, 6], [6, 7], [7, 8], [0, 9], [9, 10],
  [10, 11], [11, 12], [0, 13], [13, 14], [14, 15], [15, 16], [0, 17], [17, 18], [18, 19], [19, 20],
];

/** Point names of all 128, prefixed by part, e.g. `body.nose`, `face.12`, `left_hand.wrist`. */
export const POINT_NAMES: readonly string[] = [
  ...BODY_NAMES.map((n) => `body.${n}`),
  ...Array.from({ length: FACE_POINTS }, (_, i) => `face.${i}`),
  ...HAND_NAMES.map((n) => `left_hand.${n}`),
  ...HAND_NAMES.map((n) => `right_hand.${n}`),
];

/**
 * Left/right partner of every point, for mirroring: body pairs, hands swapped whole, and the iBUG-68 face
 * mirror map (jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67).
 */
export const MIRROR_INDEX: readonly number[] = (() => {
  const m = Array.from({ length: POINTS }, (_, i) => i);
  const swap = (a: number, b: number) => { m[a] = b; m[b] = a; };
  const bodyPairs: [number, number][] = [[2, 5], [3, 6], [4, 7], [8, 11], [9, 12], [10, 13], [14, 15], [16, 17]];
  for (const [a, b] of bodyPairs) swap(a, b);
  const f = PARTS.face.start;
  const facePairs: [number, number][] = [];
  for (let i = 0; i < 8; i++) facePairs.push([i, 16 - i]); // jaw
  for (let i = 0; i < 5; i++) facePairs.push([17 + i, 26 - i]); // brows
  facePairs.push([31, 35], [32, 34]); // nostrils
  facePairs.push([36, 45], [37, 44], [38, 43], [39, 42], [40, 47], [41, 46]); // eyes
  facePairs.push([48, 54], [49, 53], [50, 52], [55, 59], [56, 58], [60, 64], [61, 63], [65, 67]); // mouth
  for (const [a, b] of facePairs) swap(f + a, f + b);
  for (let i = 0; i < HAND_POINTS; i++) swap(PARTS.leftHand.start + i, PARTS.rightHand.start + i);
  return Object.freeze(m);
})();
