// JSON Schema (2020-12, the dialect of OpenAPI 3.1) from field statistics. Field paths come flat
// (`$.orders[].id`); they are folded back into a tree so objects get `properties`/`required` and
// arrays get `items`. Decisions are thresholds on counts, never on single samples, so one odd body
// does not flip a type or drop a required field.
import type { Counts, FieldStat, JsonType } from './model.ts';

export type JsonSchema = Record<string, unknown>;

export interface InferOptions {
  /** A property is required when present in at least this share of its parent's occurrences. */
  requiredShare: number;
  /** A string format is declared when at least this share of the string values had it. */
  formatShare: number;
  /** Enums: at most this many distinct values… */
  enumMaxValues: number;
  /** …seen at least this many times in total. */
  enumMinSamples: number;
}

export const DEFAULT_INFER_OPTIONS: Readonly<InferOptions> = Object.freeze({
  requiredShare: 0.95,
  formatShare: 0.9,
  enumMaxValues: 8,
  enumMinSamples: 30,
});

interface Node {
  stat?: FieldStat;
  props: Map<string, Node>;
  items?: Node;
}

const newNode = (): Node => ({ props: new Map() });

/** Splits `$.a.b[].c` into `['a', 'b', '[]', 'c']`; `null` for a path that is not one of ours. */
export function splitFieldPath(path: string): string[] | null {
  if (!path.startsWith('$')) return null;
  const out: string[] = [];
  let i = 1;
  while (i < path.length) {
    if (path.startsWith('[]', i)) {
      out.push('[]');
      i += 2;
    } else if (path[i] === '.') {
      let j = i + 1;
      while (j < path.length && path[j] !== '.' && !path.startsWith('[]', j)) j++;
      if (j === i + 1) return null;
      out.push(path.slice(i + 1, j));
      i = j;
    } else return null;
  }
  return out;
}

function buildTree(fields: readonly FieldStat[]): Node {
  const root = newNode();
  for (const f of fields) {
    const segs = splitFieldPath(f.path);
    if (!segs) continue;
    let n = root;
    for (const s of segs) {
      if (s === '[]') n = n.items ??= newNode();
      else {
        let c = n.props.get(s);
        if (!c) n.props.set(s, (c = newNode()));
        n = c;
      }
    }
    n.stat = f;
  }
  return root;
}

/** How often a node occurred: its own count, else the most frequent of its children. */
function occurrences(n: Node): number {
  if (n.stat) return n.stat.seen;
  let max = 0;
  for (const c of n.props.values()) max = Math.max(max, occurrences(c));
  if (n.items) max = Math.max(max, occurrences(n.items));
  return max;
}

/** The dominant format of a string, if it is dominant enough. */
export function dominantFormat(formats: Counts | undefined, strings: number, share: number): string | undefined {
  if (!formats || strings <= 0) return undefined;
  let best: string | undefined;
  let bestCount = 0;
  for (const [f, c] of Object.entries(formats)) {
    if (f && c > bestCount) {
      best = f;
      bestCount = c;
    }
  }
  return best && bestCount >= share * strings ? best : undefined;
}

/** An enum for low-cardinality strings with enough samples; undefined otherwise. */
export function inferEnum(values: Counts | undefined, overflow: boolean | undefined, opts: InferOptions): string[] | undefined {
  if (!values || overflow) return undefined;
  const entries = Object.entries(values);
  const total = entries.reduce((s, [, c]) => s + c, 0);
  if (entries.length === 0 || entries.length > opts.enumMaxValues || total < opts.enumMinSamples) return undefined;
  // Each value repeats: a column of mostly-distinct strings (names) is not an enum even when few.
  if (entries.some(([, c]) => c < 2)) return undefined;
  return entries.map(([v]) => v).sort();
}

/** JSON Schema `type` for observed type counts: integer folds into number, null becomes nullable. */
export function schemaTypes(types: Partial<Record<JsonType, number>>): JsonType[] {
  const seen = new Set(
    Object.entries(types)
      .filter(([, c]) => (c ?? 0) > 0)
      .map(([t]) => t as JsonType),
  );
  if (seen.has('number')) seen.delete('integer');
  const order: JsonType[] = ['object', 'array', 'string', 'integer', 'number', 'boolean', 'null'];
  return order.filter((t) => seen.has(t));
}

/** Schema for a scalar parameter or field from its statistics. */
export function scalarSchema(
  stat: { types: Partial<Record<JsonType, number>>; formats?: Counts; values?: Counts; valuesOverflow?: boolean },
  opts: InferOptions = DEFAULT_INFER_OPTIONS,
): JsonSchema {
  const types = schemaTypes(stat.types);
  const schema: JsonSchema = {};
  if (types.length === 1) schema.type = types[0];
  else if (types.length > 1) schema.type = types;
  if (types.includes('string')) {
    const format = dominantFormat(stat.formats, stat.types.string ?? 0, opts.formatShare);
    if (format) schema.format = format;
    else if (types.every((t) => t === 'string' || t === 'null')) {
      const en = inferEnum(stat.values, stat.valuesOverflow, opts);
      if (en) schema.enum = types.includes('null') ? [...en, null] : en;
    }
  }
  return schema;
}

function nodeSchema(n: Node, opts: InferOptions): JsonSchema {
  const schema: JsonSchema = n.stat ? scalarSchema(n.stat, opts) : {};
  const hasProps = n.props.size > 0;
  if (hasProps) {
    const parentSeen = occurrences(n);
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const [name, child] of [...n.props.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      properties[name] = nodeSchema(child, opts);
      if (parentSeen > 0 && occurrences(child) >= opts.requiredShare * parentSeen) required.push(name);
    }
    schema.properties = properties;
    if (required.length) schema.required = required;
    if (schema.type === undefined) schema.type = 'object';
  }
  if (n.items) {
    schema.items = nodeSchema(n.items, opts);
    if (schema.type === undefined) schema.type = 'array';
  }
  // A node with children but whose own stat said e.g. ["object","null"] keeps that union.
  return schema;
}

/** The JSON Schema for bodies described by `fields`. An empty list gives `{}` (anything). */
export function inferBodySchema(fields: readonly FieldStat[], opts: InferOptions = DEFAULT_INFER_OPTIONS): JsonSchema {
  if (fields.length === 0) return {};
  return nodeSchema(buildTree(fields), opts);
}
