/**
 * Seeds for the procedural corpus: every value in a corpus follows from its seed, so that the same options give
 * byte-identical output on every machine. The generator itself is nn/rng.ts's `Rng` (`Rng.fromState(hashSeed(…))`).
 */

/** A 32-bit hash of any number of strings/numbers (FNV-1a, then a murmur finaliser), for deriving sub-seeds. */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = String(part);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x1f; // separator, so that ('ab','c') and ('a','bc') differ
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
