// SEAM — offline discovery's own path templater, used until the inventory's pure templater
// (control-plane/inventory/) is available to `palisade discover`. Same idea: a trie of the observed
// paths per host; a position becomes a parameter when its values look like identifiers (numbers,
// UUIDs, hashes, dates, emails, tokens) or when it has too many distinct rarely-used literal values
// to be a fixed route (usernames, slugs). Frequent literals beside a parameter (`/users/me`) stay.

/** More distinct literal values than this under one node means "this position is a variable". */
const MAX_LITERAL_CHILDREN = 12;
/** When collapsing, a literal keeps its own route only with at least this share of the traffic… */
const KEEP_LITERAL_SHARE = 0.05;
/** …and at least this many times the median sibling's traffic (it stands out from the values). */
const KEEP_LITERAL_OVER_MEDIAN = 3;
/** …and was seen this often: a value repeated twice in a small capture is not a route. */
const KEEP_LITERAL_MIN_COUNT = 5;

const ID_PATTERNS: RegExp[] = [
  /^\d+$/, // numeric id
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, // uuid
  /^[0-9a-f]{16,}$/i, // hex hash / object id
  /^\d{4}-\d{2}-\d{2}([Tt].*)?$/, // date, date-time
  /^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$/, // email
  /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/, // ULID
  /^(?=.*\d)[A-Za-z0-9_-]{20,}$/, // long token with digits
  /^(?=(?:\D*\d){3})[A-Za-z]{1,8}[_-]?[A-Za-z0-9]{5,}$/, // prefixed ids with ≥3 digits: usr_8f3a2b, ORD-123456
  /^[A-Za-z]{1,8}_[A-Za-z0-9]{8,}$/, // Stripe-style ids: cus_, tr_, pi_ + random
  /^\d+[.,]\d+$/, // decimal (coordinates, versions as values)
];

/** True when a single segment looks like an identifier rather than a route word. */
export function isIdentifierSegment(seg: string): boolean {
  if (/^v\d{1,2}(\.\d+)?$/i.test(seg)) return false; // API versions are routes
  let decoded = seg;
  try {
    decoded = decodeURIComponent(seg);
  } catch {
    /* keep raw */
  }
  return ID_PATTERNS.some((r) => r.test(decoded));
}

interface Trie {
  count: number;
  children: Map<string, Trie>;
  /** Set once this position is a variable: every non-kept value descends here. */
  param?: Trie;
  paramName?: string;
  /** True when an exchange ended exactly here. */
  terminal: boolean;
}

const node = (): Trie => ({ count: 0, children: new Map(), terminal: false });

function mergeInto(dst: Trie, src: Trie): void {
  dst.count += src.count;
  dst.terminal ||= src.terminal;
  for (const [k, c] of src.children) {
    const have = dst.children.get(k);
    if (have) mergeInto(have, c);
    else dst.children.set(k, c);
  }
  if (src.param) {
    if (dst.param) mergeInto(dst.param, src.param);
    else dst.param = src.param;
  }
}

function singular(word: string): string {
  const w = word.toLowerCase().replace(/[^a-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));
  if (/ies$/.test(w)) return `${w.slice(0, -3)}y`;
  if (/(ss|sh|ch|x)es$/.test(w)) return w.slice(0, -2);
  if (/s$/.test(w) && !/ss$/.test(w)) return w.slice(0, -1);
  return w;
}

/** Collapses variable positions, top-down, so merged subtrees are judged again as a whole. */
function collapse(t: Trie, parentSeg: string, usedNames: Set<string>): void {
  const idKeys = [...t.children.keys()].filter(isIdentifierSegment);
  const literals = [...t.children.keys()].filter((k) => !isIdentifierSegment(k));
  const toParam: string[] = [...idKeys];
  if (literals.length > MAX_LITERAL_CHILDREN) {
    const counts = literals.map((k) => (t.children.get(k) as Trie).count);
    const total = counts.reduce((s, c) => s + c, 0);
    const median = [...counts].sort((a, b) => a - b)[Math.floor(counts.length / 2)] as number;
    for (const k of literals) {
      const c = (t.children.get(k) as Trie).count;
      if (c < KEEP_LITERAL_SHARE * total || c < KEEP_LITERAL_OVER_MEDIAN * median || c < KEEP_LITERAL_MIN_COUNT) toParam.push(k);
    }
  }
  if (toParam.length) {
    t.param ??= node();
    for (const k of toParam) {
      mergeInto(t.param, t.children.get(k) as Trie);
      t.children.delete(k);
    }
  }
  for (const [k, c] of t.children) collapse(c, k, usedNames);
  if (t.param) {
    const base = parentSeg && !parentSeg.startsWith('{') && !/^v\d+$/i.test(parentSeg) ? `${singular(parentSeg)}Id` : 'id';
    let name = base;
    for (let i = 2; usedNames.has(name); i++) name = `${base}${i}`;
    t.paramName = name;
    const next = new Set(usedNames).add(name);
    collapse(t.param, `{${name}}`, next);
  }
}

export interface TemplateMatch {
  template: string;
  /** Path parameter values by name, in order. */
  params: [string, string][];
}

/** Learns templates from every observed path of one host, then maps paths to templates. */
export class PathTemplater {
  private readonly root = node();
  private built = false;

  observe(path: string, count = 1): void {
    if (this.built) throw new Error('PathTemplater: observe() after build()');
    let t = this.root;
    t.count += count;
    for (const seg of segments(path)) {
      let c = t.children.get(seg);
      if (!c) t.children.set(seg, (c = node()));
      c.count += count;
      t = c;
    }
    t.terminal = true;
  }

  build(): this {
    if (!this.built) collapse(this.root, '', new Set());
    this.built = true;
    return this;
  }

  match(path: string): TemplateMatch {
    if (!this.built) this.build();
    let t: Trie | undefined = this.root;
    const out: string[] = [];
    const params: [string, string][] = [];
    for (const seg of segments(path)) {
      const lit: Trie | undefined = t?.children.get(seg);
      if (lit) {
        out.push(seg);
        t = lit;
      } else if (t?.param) {
        out.push(`{${t.paramName}}`);
        params.push([t.paramName as string, safeDecode(seg)]);
        t = t.param;
      } else {
        // A path never observed (only possible when match() is given new input): keep it literal.
        out.push(seg);
        t = undefined;
      }
    }
    return { template: `/${out.join('/')}`, params };
  }
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
