/**
 * A seeded xorshift32 returning integers in [0, n): randomized tests stay reproducible (the seed names
 * the case that failed) without a dependency.
 */
export function seededRng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}
