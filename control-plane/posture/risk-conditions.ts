// User-defined conditions over endpoint attributes, as JSON:
//   { "all": [c, …] } | { "any": [c, …] } | { "not": c }
//   { "attr": "<attribute>", "op": "eq|ne|in|nin|gt|gte|lt|lte|contains|matches|exists", "value": … }
// Compiled once into a predicate when the factor is saved; a bad condition is refused with the path
// of the offending node and the rule it breaks, so nothing invalid is ever evaluated.
import { ATTRIBUTE_KINDS, type EndpointAttributes } from './endpoint-attributes.ts';

export type Predicate = (a: EndpointAttributes) => boolean;

export class ConditionError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'ConditionError';
    this.path = path;
  }
}

const MAX_DEPTH = 16;
const MAX_NODES = 200;
const MAX_REGEX = 200;
const OPS = new Set(['eq', 'ne', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'contains', 'matches', 'exists']);

export function compileCondition(raw: unknown, path = 'condition'): Predicate {
  let nodes = 0;
  const compile = (c: unknown, p: string, depth: number): Predicate => {
    if (++nodes > MAX_NODES) throw new ConditionError(p, `more than ${MAX_NODES} nodes`);
    if (depth > MAX_DEPTH) throw new ConditionError(p, `nested deeper than ${MAX_DEPTH}`);
    if (!c || typeof c !== 'object' || Array.isArray(c)) throw new ConditionError(p, 'must be an object');
    const o = c as Record<string, unknown>;
    const keys = Object.keys(o);
    if ('all' in o || 'any' in o) {
      const k = 'all' in o ? 'all' : 'any';
      if (keys.length !== 1) throw new ConditionError(p, `"${k}" must be the only key`);
      const list = o[k];
      if (!Array.isArray(list) || list.length === 0) throw new ConditionError(`${p}.${k}`, 'must be a non-empty array');
      const preds = list.map((x, i) => compile(x, `${p}.${k}[${i}]`, depth + 1));
      return k === 'all' ? (a) => preds.every((f) => f(a)) : (a) => preds.some((f) => f(a));
    }
    if ('not' in o) {
      if (keys.length !== 1) throw new ConditionError(p, '"not" must be the only key');
      const inner = compile(o.not, `${p}.not`, depth + 1);
      return (a) => !inner(a);
    }
    const attr = o.attr;
    if (typeof attr !== 'string' || !(attr in ATTRIBUTE_KINDS)) {
      throw new ConditionError(`${p}.attr`, `must be one of ${Object.keys(ATTRIBUTE_KINDS).join(', ')}`);
    }
    const op = o.op;
    if (typeof op !== 'string' || !OPS.has(op)) throw new ConditionError(`${p}.op`, `must be one of ${[...OPS].join(', ')}`);
    const kind = ATTRIBUTE_KINDS[attr as keyof EndpointAttributes];
    const v = o.value;
    const get = (a: EndpointAttributes): unknown => a[attr as keyof EndpointAttributes];
    const vp = `${p}.value`;
    switch (op) {
      case 'exists':
        return (a) => {
          const x = get(a);
          return Array.isArray(x) ? x.length > 0 : x !== null && x !== undefined && x !== '' && x !== false && x !== 0;
        };
      case 'eq':
      case 'ne': {
        if (kind === 'string[]')
          throw new ConditionError(`${p}.op`, `"${op}" does not apply to the list attribute ${attr}; use "contains"`);
        if (typeof v !== (kind === 'number' ? 'number' : kind === 'boolean' ? 'boolean' : 'string') && !(kind === 'string' && v === null)) {
          throw new ConditionError(vp, `must be a ${kind}`);
        }
        return op === 'eq' ? (a) => get(a) === v : (a) => get(a) !== v;
      }
      case 'in':
      case 'nin': {
        if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string' || typeof x === 'number'))
          throw new ConditionError(vp, 'must be a non-empty array of strings or numbers');
        const set = new Set<unknown>(v);
        const test = (a: EndpointAttributes): boolean => {
          const x = get(a);
          return Array.isArray(x) ? x.some((y) => set.has(y)) : set.has(x);
        };
        return op === 'in' ? test : (a) => !test(a);
      }
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        if (kind !== 'number') throw new ConditionError(`${p}.op`, `"${op}" needs a numeric attribute; ${attr} is ${kind}`);
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConditionError(vp, 'must be a finite number');
        const cmp = { gt: (x: number) => x > v, gte: (x: number) => x >= v, lt: (x: number) => x < v, lte: (x: number) => x <= v }[op];
        return (a) => cmp(get(a) as number);
      }
      case 'contains': {
        if (typeof v !== 'string') throw new ConditionError(vp, 'must be a string');
        if (kind === 'string[]') return (a) => (get(a) as string[]).includes(v);
        if (kind === 'string') return (a) => String(get(a) ?? '').includes(v);
        throw new ConditionError(`${p}.op`, `"contains" needs a string or list attribute; ${attr} is ${kind}`);
      }
      default: {
        // matches
        if (kind !== 'string') throw new ConditionError(`${p}.op`, `"matches" needs a string attribute; ${attr} is ${kind}`);
        if (typeof v !== 'string' || v.length > MAX_REGEX)
          throw new ConditionError(vp, `must be a regular expression of at most ${MAX_REGEX} characters`);
        let re: RegExp;
        try {
          re = new RegExp(v);
        } catch (e) {
          throw new ConditionError(vp, `not a valid regular expression (${(e as Error).message})`);
        }
        return (a) => re.test(String(get(a) ?? ''));
      }
    }
  };
  return compile(raw, path, 0);
}
