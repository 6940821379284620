// The pose data layer: the canonical DWPose-128 sequence, its readers/writers and transforms.
export * from './skeleton.js';
export * from './errors.js';
export * from './sequence.js';
