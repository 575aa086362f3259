// Column values as PostgreSQL array literals, for statements that take a whole group's rows as one
// parameter per column (`unnest($1::text[], $2::int8[], …)`): a fixed number of round trips and
// of parameters whatever the group's size.

/** One array element in PostgreSQL's array literal syntax: numbers bare, strings quoted. */
function element(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v === null || v === undefined) return 'NULL';
  const s = String(v);
  // Two native scans and string replaces: cheaper than a RegExp test and replace per value.
  if (s.indexOf('"') === -1 && s.indexOf('\\') === -1) return `"${s}"`;
  return `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/**
 * One column as an array literal. The common columns take one native join: all numbers
 * (`{1,2}`), or all strings needing no escape (`{"a","b"}`, the quotes written by the join's
 * separator); a quoted string per value, as element() writes it, was half of this function's cost.
 */
function arrayLiteral(values: readonly unknown[]): string {
  if (values.length === 0) return '{}';
  let numbers = true;
  let strings = true;
  let plain = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number') {
      strings = false;
      continue;
    }
    numbers = false;
    if (typeof v !== 'string' || v.indexOf('\0') !== -1) {
      strings = false;
      break;
    }
    if (plain && (v.indexOf('"') !== -1 || v.indexOf('\\') !== -1)) plain = false;
  }
  if (numbers) return `{${values.join(',')}}`;
  if (strings && plain) return `{"${values.join('","')}"}`;
  // Strings to escape: escaped in one pass over the whole
  // column, joined on NUL — which no value holds, PostgreSQL text cannot — then NUL made the separator.
  if (strings) return `{"${values.join('\0').replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\0', '","')}"}`;
  return `{${values.map(element).join(',')}}`;
}

/**
 * Columns as array literals (`{"a","b"}`, `{1,2}`): `unnest($1::text[], $2::int8[], …)` takes one
 * parameter per column. Written here rather than handing pg JavaScript arrays, which it would
 * serialise element by element through generic value preparation: that and the garbage it left
 * were a large share of the control plane's CPU per ingested event.
 */
export function columns(rows: readonly (readonly unknown[])[], width: number): string[] {
  const out: string[] = new Array(width);
  const values: unknown[] = new Array(rows.length);
  for (let c = 0; c < width; c++) {
    for (let r = 0; r < rows.length; r++) values[r] = rows[r]![c];
    out[c] = arrayLiteral(values);
  }
  return out;
}

export const unnest = (types: readonly string[]) => `unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;
