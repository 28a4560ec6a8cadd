/**
 * Seeded pseudo-random numbers (mulberry32), so socket chunking and other
 * emulated chance is the same on every run of a test.
 */

/** The seed used when an environment is given no random source. */
export const DEFAULT_SEED = 0x6d6f7465;

/** A source of floats in [0, 1): the same seed gives the same sequence. */
export function seededRandom(seed: number = DEFAULT_SEED): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
