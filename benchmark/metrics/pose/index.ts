// Pose-space metrics: exact DTW and FastDTW, DTW-MJE with per-part errors, Fréchet pose distance, signatures.
export * from './frames.js';
export * from './dtw.js';
export * from './fastdtw.js';
export * from './space.js';
export * from './dtw-mje.js';
export * from './linalg.js';
export * from './frechet.js';
export * from './pairs.js';
export * from './signature.js';
