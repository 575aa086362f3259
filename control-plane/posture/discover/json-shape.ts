// The shape of one JSON body: every field path with its type and format, and a short sample value
// for strings that might be enums. Bounded (fields, depth) like the gateway's shape extraction, so a
// hostile capture cannot blow up memory.
import type { FieldStat } from '../model.ts';
import { jsonType, stringFormat } from './value-format.ts';

export const MAX_FIELDS_PER_BODY = 512;
export const MAX_DEPTH = 32;
/** Strings longer than this are never enum candidates. */
const MAX_ENUM_VALUE = 32;

/** Field statistics of one body (counts are occurrences within this body). */
export function jsonShape(value: unknown): FieldStat[] {
  const out = new Map<string, FieldStat>();
  const visit = (v: unknown, path: string, depth: number): void => {
    const t = jsonType(v);
    let s = out.get(path);
    if (!s) {
      if (out.size >= MAX_FIELDS_PER_BODY) return;
      out.set(path, (s = { path, seen: 0, types: {} }));
    }
    s.seen++;
    s.types[t] = (s.types[t] ?? 0) + 1;
    if (t === 'string') {
      const str = v as string;
      const f = stringFormat(str);
      if (f) (s.formats ??= {})[f] = (s.formats[f] ?? 0) + 1;
      else if (!s.valuesOverflow) {
        if (str.length <= MAX_ENUM_VALUE) (s.values ??= {})[str] = (s.values[str] ?? 0) + 1;
        else {
          s.valuesOverflow = true;
          delete s.values;
        }
      }
    }
    if (depth >= MAX_DEPTH) return;
    if (t === 'array') for (const el of v as unknown[]) visit(el, `${path}[]`, depth + 1);
    else if (t === 'object') for (const [k, el] of Object.entries(v as object)) visit(el, `${path}.${k}`, depth + 1);
  };
  visit(value, '$', 0);
  return [...out.values()];
}
