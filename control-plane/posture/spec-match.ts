// Which spec operation a runtime endpoint is. Runtime paths are templates already (`/users/{id}`);
// spec paths may name parameters differently or embed them in a segment (`/files/{name}.{ext}`).
// A spec parameter matches any runtime segment; a literal matches only the same literal. Among
// candidates the one with the most literal segments wins (`/users/me` beats `/users/{id}`).
import type { NormalizedSpec, SpecOperation } from './spec-parse.ts';

interface CompiledPath {
  segments: (string | RegExp | null)[]; // string: literal; null: whole-segment param; RegExp: mixed
  literals: number;
}

const cache = new WeakMap<SpecOperation, CompiledPath>();

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(op: SpecOperation): CompiledPath {
  let c = cache.get(op);
  if (c) return c;
  const segments = op.path
    .split('/')
    .filter(Boolean)
    .map((seg) => {
      if (/^\{[^}]+\}$/.test(seg)) return null;
      if (seg.includes('{'))
        return new RegExp(
          `^${seg
            .split(/\{[^}]+\}/)
            .map(escapeRe)
            .join('[^/]+')}$`,
        );
      return seg;
    });
  c = { segments, literals: segments.filter((s) => typeof s === 'string').length };
  cache.set(op, c);
  return c;
}

const isParam = (seg: string): boolean => /^\{[^}]+\}$/.test(seg);

/** True when the runtime template `path` is an instance of the operation's path. */
export function pathMatches(op: SpecOperation, runtimeSegments: string[]): boolean {
  const c = compile(op);
  if (c.segments.length !== runtimeSegments.length) return false;
  for (let i = 0; i < c.segments.length; i++) {
    const s = c.segments[i];
    const r = runtimeSegments[i] as string;
    if (s === null || s === undefined) continue;
    if (typeof s === 'string') {
      if (s !== r) return false;
    } else if (isParam(r) || !s.test(r)) return false;
  }
  return true;
}

export interface PathMatch {
  spec: NormalizedSpec;
  /** Operations of the best-matching path, all methods. */
  operations: SpecOperation[];
  /** The spec's full path (with prefix) that matched. */
  path: string;
}

const byPathCache = new WeakMap<NormalizedSpec, Map<string, SpecOperation[]>>();

function operationsAt(spec: NormalizedSpec, path: string): SpecOperation[] {
  let m = byPathCache.get(spec);
  if (!m) {
    m = new Map();
    for (const o of spec.operations) {
      const l = m.get(o.path);
      if (l) l.push(o);
      else m.set(o.path, [o]);
    }
    byPathCache.set(spec, m);
  }
  return m.get(path) ?? [];
}

/** The best-matching spec path among the specs bound to `host`, or null. */
export function matchPath(specs: readonly NormalizedSpec[], host: string, path: string): PathMatch | null {
  const segs = path.split('/').filter(Boolean);
  let best: PathMatch | null = null;
  let bestLiterals = -1;
  for (const spec of specs) {
    if (spec.hosts.length && !spec.hosts.includes(host)) continue;
    for (const op of spec.operations) {
      if (!pathMatches(op, segs)) continue;
      const lit = compile(op).literals;
      if (lit > bestLiterals) {
        bestLiterals = lit;
        best = { spec, path: op.path, operations: operationsAt(spec, op.path) };
      }
    }
  }
  return best;
}
