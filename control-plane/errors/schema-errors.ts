// Turns ajv's errors into FieldErrors with JSON paths (`$.policies[2].rateLimit.rate`), the form
// every validation error of the control plane takes (admin.proto `FieldError`).
import type { ErrorObject } from 'ajv';
import type { FieldError } from './catalogue.ts';

/** `$.a[2].b` from a JSON pointer `/a/2/b` (RFC 6901 escapes undone). */
export function jsonPathOf(pointer: string): string {
  let path = '$';
  if (pointer === '') return path;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^[0-9]+$/.test(seg) ? `[${seg}]` : appendKey(seg);
  }
  return path;
}

/** `.key` for identifier-like keys, `['odd key']` otherwise. */
export function appendKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * One FieldError per distinct problem. Composite keywords (anyOf/oneOf/not) also report their
 * branches; the branches are dropped when the composite error says it more plainly.
 */
export function fieldErrorsOf(errors: readonly ErrorObject[] | null | undefined): FieldError[] {
  if (!errors) return [];
  const out: FieldError[] = [];
  const seen = new Set<string>();
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  for (const e of errors) {
    // A uint64 is "integer or digit string"; its branch errors are noise next to the anyOf error.
    if (e.keyword !== 'anyOf' && anyOfPaths.has(e.instancePath) && /\/anyOf\/\d+\//.test(e.schemaPath)) continue;
    let path = jsonPathOf(e.instancePath);
    let message = e.message ?? 'is not valid';
    if (e.keyword === 'additionalProperties') {
      const p = (e.params as { additionalProperty: string }).additionalProperty;
      path += appendKey(p);
      message = 'is not a known field';
    } else if (e.keyword === 'required') {
      path += appendKey((e.params as { missingProperty: string }).missingProperty);
      message = 'is required';
    } else if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      message = `must be one of ${allowed.slice(0, 12).join(', ')}${allowed.length > 12 ? ', ...' : ''}`;
    } else if (e.keyword === 'anyOf') {
      message = 'must be an unsigned integer (number or decimal string)';
    } else if (e.keyword === 'not' && e.schemaPath.includes('/allOf/')) {
      message = 'sets more than one member of a oneof';
    }
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message });
  }
  return out;
}
