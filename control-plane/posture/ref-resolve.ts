// A bounded, local-only `$ref` resolver. Uploaded specs are untrusted: a remote `$ref` would make the
// control plane fetch an attacker-chosen URL (SSRF), a cycle would recurse forever and a chain of
// refs that fan out would expand exponentially. So: only `#/...` pointers, cycles become an
// explicit marker schema (anything), and a node budget stops the rest with a clear error.
import { SpecError } from './spec-errors.ts';

/** Schema left where a reference would have re-entered itself. Validates anything. */
export const CYCLE_MARKER = 'x-palisade-cycle';

export interface ResolveOptions {
  /** Total nodes the resolved document may have. */
  maxNodes: number;
  maxDepth: number;
}

export const DEFAULT_RESOLVE_OPTIONS: Readonly<ResolveOptions> = Object.freeze({ maxNodes: 500_000, maxDepth: 256 });

function decodePointer(ref: string): string[] {
  // RFC 6901: after the '#', split on '/', then ~1 → '/' and ~0 → '~' (in that order).
  return ref
    .slice(2)
    .split('/')
    .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'));
}

function lookup(doc: unknown, ref: string): unknown {
  if (ref === '#') return doc;
  if (!ref.startsWith('#/')) throw new SpecError('SPEC_BAD_REF', `$ref ${JSON.stringify(ref)} is not a JSON pointer`);
  let cur: unknown = doc;
  for (const part of decodePointer(ref)) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, part)) {
      throw new SpecError('SPEC_BAD_REF', `$ref ${JSON.stringify(ref)} points to nothing`);
    }
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Returns a copy of `doc` with every local `$ref` replaced by its target. Throws SpecError. */
export function resolveRefs(doc: unknown, options: Partial<ResolveOptions> = {}): unknown {
  const opts = { ...DEFAULT_RESOLVE_OPTIONS, ...options };
  let nodes = 0;
  let cycleCuts = 0;
  // Targets already resolved outside any cycle are shared, not re-expanded: a diamond of refs costs
  // its size once.
  const done = new Map<string, unknown>();
  const walk = (node: unknown, stack: string[], depth: number): unknown => {
    if (++nodes > opts.maxNodes) throw new SpecError('SPEC_TOO_COMPLEX', `the spec expands to more than ${opts.maxNodes} nodes`);
    if (depth > opts.maxDepth) throw new SpecError('SPEC_TOO_COMPLEX', `the spec nests deeper than ${opts.maxDepth} levels`);
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map((n) => walk(n, stack, depth + 1));
    const obj = node as Record<string, unknown>;
    if (typeof obj.$ref === 'string') {
      const ref = obj.$ref;
      if (!ref.startsWith('#')) {
        throw new SpecError(
          'SPEC_REMOTE_REF',
          `$ref ${JSON.stringify(ref.slice(0, 200))} is not local; only "#/..." references are resolved (nothing is fetched)`,
        );
      }
      if (stack.includes(ref)) {
        cycleCuts++;
        return { [CYCLE_MARKER]: ref };
      }
      const cached = done.get(ref);
      if (cached !== undefined) return cached;
      const cutsBefore = cycleCuts;
      const resolved = walk(lookup(doc, ref), [...stack, ref], depth + 1);
      // Only cache results whose expansion cut no cycle: those depend on the stack they came from.
      if (cycleCuts === cutsBefore) done.set(ref, resolved);
      return resolved;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = walk(v, stack, depth + 1);
    return out;
  };
  return walk(doc, [], 0);
}
