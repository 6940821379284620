/**
 * The OpenPose-137 layout inside `.pose` files (pose-format's `load_openpose`): components `pose_keypoints_2d`
 * (BODY_25, or COCO-18), `face_keypoints_2d` (70: the 68 iBUG points then the two pupils), `hand_left_keypoints_2d`
 * and `hand_right_keypoints_2d` (21 each, the same order as DWPose's hands). Mapping to DWPose-128: body points by
 * OpenPose name (BODY_25's MidHip and feet are dropped), face points 0-67 (pupils dropped), hands 1:1.
 */

export const OPENPOSE_BODY = 'pose_keypoints_2d';
export const OPENPOSE_FACE = 'face_keypoints_2d';
export const OPENPOSE_LEFT_HAND = 'hand_left_keypoints_2d';
export const OPENPOSE_RIGHT_HAND = 'hand_right_keypoints_2d';
export const OPENPOSE_COMPONENTS = [OPENPOSE_BODY, OPENPOSE_FACE, OPENPOSE_LEFT_HAND, OPENPOSE_RIGHT_HAND] as const;

/** OpenPose body point names for the 18 DWPose body points (OpenPose/COCO-18 order). */
export const OPENPOSE_BODY18_NAMES = [
  'Nose', 'Neck', 'RShoulder', 'RElbow', 'RWrist', 'LShoulder', 'LElbow', 'LWrist', 'RHip', 'RKnee', 'RAnkle',
  'LHip', 'LKnee', 'LAnkle', 'REye', 'LEye', 'REar', 'LEar',
] as const;

/** BODY_25 index of each DWPose body point, used when a file's body points carry no usable names. */
export const BODY25_INDEX_OF_BODY18 = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18] as const;

interface NamedComponent {
  name: string;
  points: readonly string[];
}

/** Whether the components are (a subset of) the OpenPose-137 layout, with at least one of them. */
export function isOpenPose137(components: readonly NamedComponent[]): boolean {
  return components.length > 0 && components.every((c) => (OPENPOSE_COMPONENTS as readonly string[]).includes(c.name));
}

/**
 * For each of the 128 DWPose points, the index of its source point among all points of the file (components
 * concatenated in header order), or -1 where the file has none.
 */
export function openPose137PointMap(components: readonly NamedComponent[]): Int32Array {
  const map = new Int32Array(128).fill(-1);
  let offset = 0;
  for (const c of components) {
    const n = c.points.length;
    if (c.name === OPENPOSE_BODY) {
      OPENPOSE_BODY18_NAMES.forEach((name, p) => {
        let i = c.points.indexOf(name);
        if (i < 0 && n === 25) i = BODY25_INDEX_OF_BODY18[p];
        if (i < 0 && n === 18) i = p;
        if (i >= 0) map[p] = offset + i;
      });
    } else if (c.name === OPENPOSE_FACE) {
      for (let p = 0; p < Math.min(68, n); p++) map[18 + p] = offset + p;
    } else if (c.name === OPENPOSE_LEFT_HAND || c.name === OPENPOSE_RIGHT_HAND) {
      const start = c.name === OPENPOSE_LEFT_HAND ? 86 : 107;
      for (let p = 0; p < Math.min(21, n); p++) map[start + p] = offset + p;
    }
    offset += n;
  }
  return map;
}
