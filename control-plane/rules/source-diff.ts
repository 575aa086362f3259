// Structured diff between two rule sources (GET /v1/rules/diff). Lists of objects with an `id`
// (detectors, policies) are matched by id, so reordering or editing one policy shows as a change
// of that policy rather than of every index after it. Paths use the same JSON path form as
// validation errors, with `[id=...]` for id-matched elements: `$.policies[id=block-cards].action`.

export interface DiffEntry {
  op: 'add' | 'remove' | 'replace';
  path: string;
  /** Value before (absent for `add`). */
  from?: unknown;
  /** Value after (absent for `remove`). */
  to?: unknown;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function diffSources(before: unknown, after: unknown): DiffEntry[] {
  const out: DiffEntry[] = [];
  walk(before as Json, after as Json, '$', out);
  return out;
}

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function key(k: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
}

function byId(list: Json[]): Map<string, Json> | null {
  const m = new Map<string, Json>();
  for (const x of list) {
    if (!isObject(x) || typeof x.id !== 'string' || m.has(x.id)) return null;
    m.set(x.id, x);
  }
  return m;
}

function walk(a: Json | undefined, b: Json | undefined, path: string, out: DiffEntry[]): void {
  if (a === undefined && b === undefined) return;
  if (a === undefined) return void out.push({ op: 'add', path, to: b });
  if (b === undefined) return void out.push({ op: 'remove', path, from: a });
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) walk(a[k], b[k], path + key(k), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const ma = byId(a);
    const mb = byId(b);
    if (ma && mb && (ma.size > 0 || mb.size > 0)) {
      for (const [id, va] of ma) walk(va, mb.get(id), `${path}[id=${id}]`, out);
      for (const [id, vb] of mb) if (!ma.has(id)) out.push({ op: 'add', path: `${path}[id=${id}]`, to: vb });
      const orderA = [...ma.keys()].filter((id) => mb.has(id));
      const orderB = [...mb.keys()].filter((id) => ma.has(id));
      if (orderA.join('\u0000') !== orderB.join('\u0000')) out.push({ op: 'replace', path: `${path}[*].id`, from: orderA, to: orderB });
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      // Scalar lists (methods, CIDRs) are small: show them whole.
      out.push({ op: 'replace', path, from: a, to: b });
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ op: 'replace', path, from: a, to: b });
}
