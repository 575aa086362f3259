// Seeded pseudo-random values (mulberry32) for generated test inputs: the same seed gives the same
// bytes on every run and machine, so generated corpora and benchmark inputs can be regenerated
// and diffed.
export interface SeededRandom {
  /** Uniform in [0, 1). */
  rand(): number;
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  /** n decimal digits. */
  digits(n: number): string;
  /** n characters drawn from alphabet. */
  chars(alphabet: string, n: number): string;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed | 0;
  const rand = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  return {
    rand,
    int,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!,
    digits: (n: number) => Array.from({ length: n }, () => String(int(0, 9))).join(''),
    chars: (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[int(0, alphabet.length - 1)]).join(''),
  };
}
