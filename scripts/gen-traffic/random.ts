// A seeded PRNG (mulberry32) and pickers, so a capture is the same file for the same seed: the
// evaluation and the benchmark read fixed inputs (STYLE.md §11).
export type Rng = () => number;

export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
export const chance = (r: Rng, p: number): boolean => r() < p;

export function weighted<T>(r: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [v, w] of items) if ((x -= w) < 0) return v;
  return (items[items.length - 1] as readonly [T, number])[0];
}

export const hex = (r: Rng, n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(r, 0, 15)]).join('');
export const digits = (r: Rng, n: number): string =>
  String(int(r, 1, 9)) + Array.from({ length: n - 1 }, () => String(int(r, 0, 9))).join('');

export function uuid(r: Rng): string {
  const h = hex(r, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[int(r, 0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function isoDate(r: Rng): string {
  const d = new Date(Date.UTC(2024, 0, 1) + int(r, 0, 700) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

export function isoDateTime(r: Rng): string {
  return new Date(Date.UTC(2024, 0, 1) + int(r, 0, 700 * 86_400) * 1000).toISOString();
}

const ADJ = [
  'red',
  'quick',
  'silent',
  'brave',
  'tiny',
  'lucky',
  'amber',
  'frosty',
  'golden',
  'misty',
  'noble',
  'rapid',
  'sunny',
  'wild',
  'cosmic',
  'gentle',
];
const NOUN = [
  'fox',
  'river',
  'falcon',
  'maple',
  'comet',
  'harbor',
  'willow',
  'panda',
  'canyon',
  'ember',
  'otter',
  'meadow',
  'raven',
  'summit',
  'tiger',
  'breeze',
];
const FIRST = [
  'ana',
  'ben',
  'chloe',
  'dev',
  'eli',
  'fatima',
  'gus',
  'hana',
  'ivan',
  'jo',
  'kai',
  'lena',
  'marco',
  'nia',
  'omar',
  'pia',
  'quinn',
  'rosa',
  'sam',
  'tao',
];
const LAST = ['smith', 'garcia', 'kim', 'nguyen', 'okafor', 'rossi', 'silva', 'tanaka', 'weber', 'yilmaz'];

/** Human-chosen names (repos, usernames, slugs): words, no digits; many distinct values. */
export const slug = (r: Rng): string => `${pick(r, ADJ)}-${pick(r, NOUN)}`;
export const username = (r: Rng): string => `${pick(r, FIRST)}${pick(r, LAST)}`;
export const fullName = (r: Rng): string => `${pick(r, FIRST)} ${pick(r, LAST)}`;
export const email = (r: Rng): string => `${pick(r, FIRST)}.${pick(r, LAST)}${int(r, 1, 99)}@example.org`;
