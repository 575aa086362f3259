// Runtime field statistics against a declared JSON Schema: which observed types and formats the
// schema does not allow. Fields the schema does not mention are not violations (most specs leave
// additionalProperties open).
import type { BodyStat, FieldStat, JsonType } from './model.ts';
import { CYCLE_MARKER } from './ref-resolve.ts';
import type { JsonSchema } from './schema-infer.ts';
import { splitFieldPath } from './schema-infer.ts';

export interface TypeIssue {
  path: string;
  /** `type:<observed>` or `format`. */
  what: string;
  detail: string;
  count: number;
}

/** Resolved specs share subtrees (ref-resolve.ts): a walk over allOf chains must stay bounded. */
const MAX_BRANCHES = 64;

/** Schemas a value at this path may be checked against (following allOf/anyOf/oneOf branches). */
function branches(s: JsonSchema): JsonSchema[] {
  const seen = new Set<JsonSchema>();
  const stack = [s];
  while (stack.length && seen.size < MAX_BRANCHES) {
    const cur = stack.pop() as JsonSchema;
    if (seen.has(cur)) continue;
    seen.add(cur);
    for (const k of ['allOf', 'anyOf', 'oneOf']) {
      const list = cur[k];
      if (Array.isArray(list)) for (const b of list) if (b && typeof b === 'object') stack.push(b as JsonSchema);
    }
  }
  return [...seen];
}

function child(schemas: JsonSchema[], seg: string): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const s of schemas)
    for (const b of branches(s)) {
      if (seg === '[]') {
        if (b.items && typeof b.items === 'object') out.push(b.items as JsonSchema);
      } else {
        const props = b.properties as Record<string, JsonSchema> | undefined;
        if (props && props[seg]) out.push(props[seg]);
      }
    }
  return [...new Set(out)].slice(0, MAX_BRANCHES);
}

/** Types the schemas allow; null when any type is allowed (no `type` anywhere, a cycle marker). */
function allowedTypes(schemas: JsonSchema[], legacyNullable: boolean): Set<string> | null {
  const out = new Set<string>();
  for (const s of schemas) {
    let typed = false;
    for (const b of branches(s)) {
      if (CYCLE_MARKER in b) return null;
      const t = b.type;
      for (const x of typeof t === 'string' ? [t] : Array.isArray(t) ? t : []) {
        out.add(String(x));
        typed = true;
      }
      if (Array.isArray(b.enum) && b.enum.includes(null)) out.add('null');
      if (legacyNullable && (b.nullable === true || b['x-nullable'] === true)) out.add('null');
    }
    if (!typed) return null;
  }
  if (out.has('number')) out.add('integer');
  return out;
}

function formatsOf(schemas: JsonSchema[]): Set<string> {
  const out = new Set<string>();
  for (const s of schemas) for (const b of branches(s)) if (typeof b.format === 'string') out.add(b.format);
  return out;
}

/** Formats our shape extraction recognises; a declared format outside these cannot be checked. */
const CHECKABLE_FORMATS = new Set(['date-time', 'date', 'email', 'uuid', 'ipv4', 'ipv6', 'uri']);

interface Resolved {
  /** Types allowed at the path; null when anything goes. */
  allowed: Set<string> | null;
  shown: string;
  formats: string[];
}

// Thousands of endpoints share one spec and the same field paths: resolve each (schema, path) once.
const resolvedCache = new WeakMap<JsonSchema, Map<string, Resolved | null>>();

function resolveAt(schema: JsonSchema, path: string, legacyNullable: boolean): Resolved | null {
  let byPath = resolvedCache.get(schema);
  if (!byPath) resolvedCache.set(schema, (byPath = new Map()));
  const key = `${legacyNullable ? 1 : 0}${path}`;
  const hit = byPath.get(key);
  if (hit !== undefined) return hit;
  let result: Resolved | null = null;
  const segs = splitFieldPath(path);
  if (segs) {
    let cur = [schema];
    for (const seg of segs) {
      cur = child(cur, seg);
      if (cur.length === 0) break; // undocumented field: not a type question
    }
    if (cur.length) {
      const allowed = allowedTypes(cur, legacyNullable);
      const shown = allowed ? [...allowed].filter((t) => t !== 'integer' || !allowed.has('number')).join('|') : '';
      result = { allowed, shown, formats: [...formatsOf(cur)].filter((x) => CHECKABLE_FORMATS.has(x)) };
    }
  }
  if (byPath.size < 10_000) byPath.set(key, result);
  return result;
}

function checkField(f: FieldStat, schema: JsonSchema, legacyNullable: boolean): TypeIssue[] {
  const r = resolveAt(schema, f.path, legacyNullable);
  if (!r) return [];
  const issues: TypeIssue[] = [];
  if (r.allowed) {
    for (const [t, n] of Object.entries(f.types) as [JsonType, number][]) {
      if (!n || r.allowed.has(t)) continue;
      issues.push({ path: f.path, what: `type:${t}`, detail: `${f.path}: spec says ${r.shown}, traffic has ${t}`, count: n });
    }
  }
  const strings = f.types.string ?? 0;
  if (strings > 0 && r.formats.length) {
    const ok = r.formats.reduce((s, d) => s + (f.formats?.[d] ?? 0), 0);
    // Half is deliberately lenient: shapes are sampled and a format detector can miss valid values.
    if (ok < strings / 2) {
      issues.push({
        path: f.path,
        what: 'format',
        detail: `${f.path}: spec says format ${r.formats.join('|')}, traffic strings do not match`,
        count: strings - ok,
      });
    }
  }
  return issues;
}

/** Issues of the observed bodies against `content` (media type → schema). JSON bodies only. */
export function checkBodies(bodies: readonly BodyStat[], content: Record<string, JsonSchema>, legacyNullable: boolean): TypeIssue[] {
  const issues: TypeIssue[] = [];
  for (const b of bodies) {
    if (!/json/.test(b.contentType)) continue;
    const schema = content[b.contentType] ?? Object.entries(content).find(([ct]) => /json|\*\/\*/.test(ct))?.[1];
    if (!schema) continue;
    for (const f of b.fields) issues.push(...checkField(f, schema, legacyNullable));
  }
  return issues;
}
