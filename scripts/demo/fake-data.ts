// Deterministic fake identities for the demo's sample APIs. Everything is generated at run time
// from a seed: no real person's data and no real credentials are ever in the repository. Numbers
// carry valid check digits (Luhn, mod-97) so the detectors treat them as the real thing.

/** Small fast seeded PRNG (mulberry32): the same seed gives the same traffic, run after run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;
export const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
export const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const digits = (rng: Rng, n: number) => Array.from({ length: n }, () => int(rng, 0, 9)).join('');

/** Appends the Luhn check digit to `body`. */
export function withLuhn(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

/** A 16-digit Visa / Mastercard / Discover-range number with a valid Luhn digit. */
export function cardNumber(rng: Rng): string {
  const prefix = pick(rng, ['4', '51', '52', '53', '54', '55', '6011']);
  return withLuhn(prefix + digits(rng, 15 - prefix.length));
}
export const imei = (rng: Rng) => withLuhn(pick(rng, ['35', '86', '01']) + digits(rng, 12));
export const imsi = (rng: Rng) => pick(rng, ['310', '234', '262', '208']) + pick(rng, ['260', '15', '01', '10']) + digits(rng, 9);
export const iccid = (rng: Rng) => withLuhn(`89${pick(rng, ['1', '44', '49', '33'])}${digits(rng, 16)}`.slice(0, 18));
export const msisdn = (rng: Rng) => `+1${int(rng, 201, 989)}${int(rng, 200, 999)}${digits(rng, 4)}`;

/** SSNs in the valid ranges (area 001-665, 667-899; group and serial not zero). */
export function ssn(rng: Rng): string {
  let area = int(rng, 1, 899);
  if (area === 666) area = 667;
  return `${String(area).padStart(3, '0')}-${String(int(rng, 1, 99)).padStart(2, '0')}-${String(int(rng, 1, 9999)).padStart(4, '0')}`;
}

/** A German IBAN with a correct mod-97 check. */
export function iban(rng: Rng): string {
  const bban = digits(rng, 18);
  const numeric = `${bban}131400`; // "DE" → 13 14, then "00"
  let rem = 0;
  for (const ch of numeric) rem = (rem * 10 + Number(ch)) % 97;
  return `DE${String(98 - rem).padStart(2, '0')}${bban}`;
}

const FIRST = [
  'Ana',
  'Ben',
  'Chen',
  'Dara',
  'Emil',
  'Farah',
  'Goran',
  'Hana',
  'Ivo',
  'Jun',
  'Kemal',
  'Lea',
  'Mateo',
  'Nia',
  'Omar',
  'Priya',
];
const LAST = ['Silva', 'Okafor', 'Novak', 'Tanaka', 'Müller', 'Haddad', 'Kowalski', 'Rossi', 'Ng', 'Larsen', 'Costa', 'Ivanova'];
export const fullName = (rng: Rng) => `${pick(rng, FIRST)} ${pick(rng, LAST)}`;
export const email = (rng: Rng, name: string) =>
  `${name
    .toLowerCase()
    .replace(/[^a-z]+/g, '.')
    .replace(/^\.|\.$/g, '')}${int(rng, 1, 99)}@example.com`;
export const uuid = (rng: Rng) => {
  const h = Array.from({ length: 32 }, () => int(rng, 0, 15).toString(16)).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
export const dob = (rng: Rng) =>
  `${int(rng, 1950, 2004)}-${String(int(rng, 1, 12)).padStart(2, '0')}-${String(int(rng, 1, 28)).padStart(2, '0')}`;
export const ipv4 = (rng: Rng) => `${int(rng, 11, 223)}.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
