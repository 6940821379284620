/**
 * MediaPipe Holistic → DWPose-128.
 *
 * Input is `HolisticFrames`: the four Holistic landmark sets in MediaPipe's own numbering (pose 33, face mesh 478 —
 * 468 plus the 10 iris points —, left hand 21, right hand 21), each `[frame][landmark][x, y, c]` with x, y normalised
 * to the frame and c = 0 for a landmark the source does not have. Readers that hold only a subset (pose-format's
 * `reduce_holistic` keeps 8 pose points and the 128 FACEMESH_CONTOURS points) leave the rest at c = 0, and every
 * DWPose point built from a missing landmark comes out missing.
 *
 * Sides: MediaPipe "LEFT_*" is the signer's anatomical left, the same convention as DWPose/COCO. Checked on the
 * fixtures: LEFT_SHOULDER lies at the larger image x for a signer facing the camera, and LEFT_HAND_LANDMARKS' wrist
 * coincides with POSE_LANDMARKS' LEFT_WRIST. So left maps to left, with no swap.
 */

/** Landmark counts of the full Holistic sets. */
export const HOLISTIC_POSE_POINTS = 33;
export const HOLISTIC_FACE_POINTS = 478;
export const HOLISTIC_HAND_POINTS = 21;

/** MediaPipe Pose landmark names, in landmark order (the names pose-format writes into `.pose` headers). */
export const MEDIAPIPE_POSE_NAMES = [
  'NOSE', 'LEFT_EYE_INNER', 'LEFT_EYE', 'LEFT_EYE_OUTER', 'RIGHT_EYE_INNER', 'RIGHT_EYE', 'RIGHT_EYE_OUTER',
  'LEFT_EAR', 'RIGHT_EAR', 'MOUTH_LEFT', 'MOUTH_RIGHT', 'LEFT_SHOULDER', 'RIGHT_SHOULDER', 'LEFT_ELBOW',
  'RIGHT_ELBOW', 'LEFT_WRIST', 'RIGHT_WRIST', 'LEFT_PINKY', 'RIGHT_PINKY', 'LEFT_INDEX', 'RIGHT_INDEX', 'LEFT_THUMB',
  'RIGHT_THUMB', 'LEFT_HIP', 'RIGHT_HIP', 'LEFT_KNEE', 'RIGHT_KNEE', 'LEFT_ANKLE', 'RIGHT_ANKLE', 'LEFT_HEEL',
  'RIGHT_HEEL', 'LEFT_FOOT_INDEX', 'RIGHT_FOOT_INDEX',
] as const;

/** MediaPipe Hands landmark names (the same 21-point order as DWPose's hands). */
export const MEDIAPIPE_HAND_NAMES = [
  'WRIST', 'THUMB_CMC', 'THUMB_MCP', 'THUMB_IP', 'THUMB_TIP', 'INDEX_FINGER_MCP', 'INDEX_FINGER_PIP',
  'INDEX_FINGER_DIP', 'INDEX_FINGER_TIP', 'MIDDLE_FINGER_MCP', 'MIDDLE_FINGER_PIP', 'MIDDLE_FINGER_DIP',
  'MIDDLE_FINGER_TIP', 'RING_FINGER_MCP', 'RING_FINGER_PIP', 'RING_FINGER_DIP', 'RING_FINGER_TIP', 'PINKY_MCP',
  'PINKY_PIP', 'PINKY_DIP', 'PINKY_TIP',
] as const;

/**
 * MediaPipe pose landmark for each of the 18 DWPose body points (OpenPose order); -1 = the neck, built as the
 * midpoint of the two shoulders with the smaller of their confidences.
 */
export const MEDIAPIPE_POSE_TO_BODY18: readonly number[] = [
  0, // nose
  -1, // neck = mid-shoulders
  12, 14, 16, // right shoulder, elbow, wrist
  11, 13, 15, // left shoulder, elbow, wrist
  24, 26, 28, // right hip, knee, ankle
  23, 25, 27, // left hip, knee, ankle
  5, 2, // right eye, left eye
  8, 7, // right ear, left ear
];

/**
 * Face mesh landmark(s) for each iBUG/dlib-68 point; two indices are averaged. The correspondence follows Peizhi
 * Yan's "Mediapipe_2_Dlib_Landmarks" table (https://github.com/PeizhiYan/Mediapipe_2_Dlib_Landmarks,
 * `mp2dlib_correspondence`), a commonly used mapping, with its outer-brow variant (70 / 300). "Right" is the signer's
 * right (image left for a signer facing the camera), as in iBUG-68. Checked numerically on the fixtures: the nose
 * tip (30 ← 4) lies between the eyes and the mouth, the jaw runs from the signer's right ear to the left.
 */
export const MEDIAPIPE_FACE_TO_IBUG68: readonly (readonly number[])[] = [
  // jaw 0-16 (signer's right → chin 8 → left)
  [127], [234], [93], [132, 58], [58, 172], [136], [150], [176], [152], [400], [379], [365], [397, 288], [361], [323],
  [454], [356],
  // right brow 17-21, left brow 22-26
  [70], [63], [105], [66], [107], [336], [296], [334], [293], [300],
  // nose bridge 27-30, lower nose 31-35
  [168, 6], [197, 195], [5], [4], [75], [97], [2], [326], [305],
  // right eye 36-41, left eye 42-47
  [33], [160], [158], [133], [153], [144], [362], [385], [387], [263], [373], [380],
  // outer lip 48-59
  [61], [39], [37], [0], [267], [269], [291], [321], [314], [17], [84], [91],
  // inner lip 60-67
  [78], [82], [13], [312], [308], [317], [14], [87],
];

/** The four Holistic landmark sets of a sequence, each `[frame][landmark][x, y, c]` in MediaPipe numbering. */
export interface HolisticFrames {
  frames: number;
  /** frames × 33 × 3 */
  pose: Float32Array;
  /** frames × 478 × 3 (a 468-point mesh leaves the iris points 468-477 at c = 0) */
  face: Float32Array;
  /** frames × 21 × 3, the signer's left hand */
  leftHand: Float32Array;
  /** frames × 21 × 3, the signer's right hand */
  rightHand: Float32Array;
}

/** All-missing Holistic frames, for readers to fill. */
export function emptyHolisticFrames(frames: number): HolisticFrames {
  return {
    frames,
    pose: new Float32Array(frames * HOLISTIC_POSE_POINTS * 3),
    face: new Float32Array(frames * HOLISTIC_FACE_POINTS * 3),
    leftHand: new Float32Array(frames * HOLISTIC_HAND_POINTS * 3),
    rightHand: new Float32Array(frames * HOLISTIC_HAND_POINTS * 3),
  };
}

const BODY18 = 18;
const FACE68 = 68;
const HAND21 = 21;
const STRIDE = 128 * 3;

/** Writes the mean of the present landmarks among `idx` (c = the smallest of their confidences) to out[o..o+2]. */
function meanOf(src: Float32Array, base: number, idx: readonly number[], requireAll: boolean, out: Float32Array, o: number): void {
  let x = 0;
  let y = 0;
  let c = Infinity;
  let n = 0;
  for (const i of idx) {
    const s = base + i * 3;
    if (src[s + 2] > 0) {
      x += src[s];
      y += src[s + 1];
      c = Math.min(c, src[s + 2]);
      n++;
    } else if (requireAll) {
      n = 0;
      break;
    }
  }
  if (n === 0) {
    out[o] = 0;
    out[o + 1] = 0;
    out[o + 2] = 0;
    return;
  }
  out[o] = x / n;
  out[o + 1] = y / n;
  out[o + 2] = c;
}

/** Copies one landmark, present or not (a missing one keeps its coordinates with c = 0). */
function copyPoint(src: Float32Array, s: number, out: Float32Array, o: number): void {
  const c = src[s + 2];
  out[o] = src[s];
  out[o + 1] = src[s + 1];
  out[o + 2] = c > 0 ? c : 0;
}

/**
 * Maps Holistic landmarks to DWPose-128: `[frame][128][x, y, c]` (frames × 384 floats). Body from the pose
 * landmarks (neck = mid-shoulders), face through `MEDIAPIPE_FACE_TO_IBUG68`, hands 1:1. Confidences ≤ 0 become 0.
 */
export function holisticToDwpose(h: HolisticFrames): Float32Array {
  const out = new Float32Array(h.frames * STRIDE);
  const neck = [11, 12];
  for (let t = 0; t < h.frames; t++) {
    const o = t * STRIDE;
    const pb = t * HOLISTIC_POSE_POINTS * 3;
    for (let p = 0; p < BODY18; p++) {
      const m = MEDIAPIPE_POSE_TO_BODY18[p];
      if (m < 0) meanOf(h.pose, pb, neck, true, out, o + p * 3);
      else copyPoint(h.pose, pb + m * 3, out, o + p * 3);
    }
    const fb = t * HOLISTIC_FACE_POINTS * 3;
    for (let p = 0; p < FACE68; p++) {
      const idx = MEDIAPIPE_FACE_TO_IBUG68[p];
      const q = o + (BODY18 + p) * 3;
      if (idx.length === 1) copyPoint(h.face, fb + idx[0] * 3, out, q);
      else meanOf(h.face, fb, idx, false, out, q);
    }
    const hb = t * HAND21 * 3;
    for (let p = 0; p < HAND21; p++) {
      copyPoint(h.leftHand, hb + p * 3, out, o + (BODY18 + FACE68 + p) * 3);
      copyPoint(h.rightHand, hb + p * 3, out, o + (BODY18 + FACE68 + HAND21 + p) * 3);
    }
  }
  return out;
}
