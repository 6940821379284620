import { hashSeed, Rng } from '../../nn/rng.js';

/**
 * Parametric signers. Lengths are in "shoulder units" (U): the distance between the shoulders of an average signer
 * (about 245 px in the real 1280×720 SignVerse fixture). Values below come from that fixture's medians, varied per
 * signer.
 */
export interface Signer {
  id: string;
  leftHanded: boolean;
  /** Pixels per U in the 1280×720 frame. */
  pxPerUnit: number;
  /** Neck position in the frame (fractions of width and height). */
  neckX: number;
  neckY: number;
  shoulderWidth: number;
  shoulderDrop: number;
  upperArm: number;
  forearm: number;
  handLength: number;
  neckLength: number;
  headSize: number;
  torsoLength: number;
  hipWidth: number;
  /** Multiplies the extent of the signing space (locations in neutral space, movement sizes). */
  space: number;
  /** > 1 signs faster (shorter signs and transitions). */
  speed: number;
  /** Keypoint jitter, pixels (standard deviation). */
  jitterPx: number;
  /** Probability per sentence of a short window where a hand is dropped (c = 0). */
  dropRate: number;
}

export const SIGNER_COUNT = 16;
/** Signers held out for the test split (signer-independent evaluation). */
export const TEST_SIGNERS: readonly number[] = [3, 8, 12, 15];

export function signerId(i: number): string {
  return `sbp-signer-${String(i + 1).padStart(2, '0')}`;
}

/** Signer i (0-based), the same on every run. */
export function makeSigner(i: number): Signer {
  const r = Rng.fromState(hashSeed('sbp-signer', i));
  const body = r.uniform(0.93, 1.07);
  return {
    id: signerId(i),
    leftHanded: i % 5 === 2,
    pxPerUnit: r.uniform(220, 262),
    neckX: r.uniform(0.44, 0.56),
    neckY: r.uniform(0.47, 0.53),
    shoulderWidth: 1,
    shoulderDrop: r.uniform(0.0, 0.05),
    upperArm: 0.77 * body * r.uniform(0.96, 1.04),
    forearm: 0.7 * body * r.uniform(0.96, 1.04),
    handLength: 0.44 * body * r.uniform(0.94, 1.06),
    neckLength: r.uniform(0.4, 0.5),
    headSize: r.uniform(0.92, 1.08),
    torsoLength: 1.33 * body,
    hipWidth: r.uniform(0.62, 0.75),
    space: r.uniform(0.85, 1.2),
    speed: r.uniform(0.82, 1.22),
    jitterPx: r.uniform(0.4, 1.2),
    dropRate: r.uniform(0.05, 0.3),
  };
}

export const SIGNERS: readonly Signer[] = Array.from({ length: SIGNER_COUNT }, (_, i) => makeSigner(i));
