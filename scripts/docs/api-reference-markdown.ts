// Renders the control plane's OpenAPI 3.1 document (GET /v1/openapi.json) as docs/api-reference.md.
// Pure: document in, Markdown out, deterministic (operations in path order, schemas by name), so
// the committed file can be compared byte for byte with a fresh rendering.

type Schema = Record<string, unknown>;

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
  security?: unknown[];
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export const REGENERATE_COMMAND = 'npx tsx scripts/docs/gen-api-reference.ts';

const METHOD_ORDER = ['get', 'post', 'put', 'patch', 'delete'];

// proto3 JSON writes 64-bit integers as decimal strings and accepts numbers too (docs/api.md).
const UINT64_PATTERN = '^[0-9]{1,20}$';
// Full int32/uint32 ranges come from the proto field type; printing them adds nothing.
const IMPLIED_BOUNDS = new Set([0, -2147483648, 2147483647, 4294967295]);

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (text: string): string => '`' + text + '`';

/** GitHub's heading anchor for a schema name (headings are the bare name). */
const schemaLink = (name: string): string => `[${name}](#${name.toLowerCase()})`;

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

function isUint64(s: Schema): boolean {
  const any = s.anyOf as Schema[] | undefined;
  return !!any && any.length === 2 && any.some((a) => a.pattern === UINT64_PATTERN);
}

/** A one-line type: `string`, `integer`, a link to a schema, `array of …`, an enum's values. */
export function typeOf(s: Schema | undefined): string {
  if (!s || Object.keys(s).length === 0) return 'any';
  if (typeof s.$ref === 'string') return schemaLink(refName(s.$ref));
  if (isUint64(s)) return 'uint64 (number or decimal string)';
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const parts = s[key] as Schema[] | undefined;
    if (parts) return parts.map(typeOf).join(key === 'allOf' ? ' and ' : ' or ');
  }
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map((v) => code(JSON.stringify(v).replace(/^"|"$/g, ''))).join(', ');
  const type = Array.isArray(s.type) ? (s.type as string[]).join(' or ') : (s.type as string | undefined);
  if (type === 'array') return `array of ${typeOf(s.items as Schema | undefined)}`;
  if (type === 'object' && !s.properties && s.additionalProperties && typeof s.additionalProperties === 'object')
    return `map of ${typeOf(s.additionalProperties as Schema)}`;
  if (s.contentEncoding === 'base64') return 'string (base64)';
  return type ?? 'any';
}

/** Limits worth telling a client: lengths, ranges that are not the proto type's, patterns, defaults. */
function constraintsOf(s: Schema | undefined): string[] {
  if (!s) return [];
  const out: string[] = [];
  let min = s.minimum as number | undefined;
  let max = s.maximum as number | undefined;
  if (min !== undefined && max !== undefined && IMPLIED_BOUNDS.has(min) && IMPLIED_BOUNDS.has(max)) min = max = undefined;
  if (max === Number.MAX_SAFE_INTEGER) max = undefined;
  if (min === 0 && max === undefined) min = undefined;
  if (min !== undefined && max !== undefined) out.push(`${min}–${max}`);
  else if (min !== undefined) out.push(`≥ ${min}`);
  else if (max !== undefined) out.push(`≤ ${max}`);
  if (s.minLength !== undefined && (s.minLength as number) > 0) out.push(`min length ${String(s.minLength)}`);
  if (s.maxLength !== undefined) out.push(`max length ${String(s.maxLength)}`);
  if (s.minItems !== undefined && (s.minItems as number) > 0) out.push(`at least ${String(s.minItems)} items`);
  if (s.maxItems !== undefined) out.push(`at most ${String(s.maxItems)} items`);
  if (s.uniqueItems === true) out.push('unique items');
  if (typeof s.pattern === 'string') out.push(`pattern ${code(s.pattern)}`);
  if (typeof s.format === 'string') out.push(`format ${s.format}`);
  if (s.default !== undefined) out.push(`default ${code(JSON.stringify(s.default))}`);
  return out;
}

function describe(s: Schema | undefined, description?: string): string {
  return cell([description ?? (s?.description as string | undefined), ...constraintsOf(s)].filter(Boolean).join('; '));
}

interface FieldRow {
  field: string;
  type: string;
  required: boolean;
  text: string;
}

/** The fields of an inline object, nested inline objects flattened as `a.b` and `a[].b`. */
function fieldRows(s: Schema, prefix = ''): FieldRow[] {
  const props = s.properties as Record<string, Schema> | undefined;
  if (!props) return [];
  const required = new Set((s.required as string[] | undefined) ?? []);
  const rows: FieldRow[] = [];
  for (const [name, prop] of Object.entries(props)) {
    const field = prefix + name;
    const items = prop.items as Schema | undefined;
    const nestedObject = prop.properties ? prop : undefined;
    const nestedItems = prop.type === 'array' && items?.properties ? items : undefined;
    const type = nestedObject ? 'object' : nestedItems ? 'array of object' : typeOf(prop);
    rows.push({ field, type, required: required.has(name), text: describe(prop) });
    if (nestedObject) rows.push(...fieldRows(nestedObject, field + '.'));
    if (nestedItems) rows.push(...fieldRows(nestedItems, field + '[].'));
  }
  return rows;
}

function fieldTable(rows: FieldRow[]): string[] {
  return [
    '| Field | Type | Required | Description |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${code(r.field)} | ${cell(r.type)} | ${r.required ? 'yes' : ''} | ${r.text} |`),
  ];
}

/** A body or response: its heading line with the schema's type, or the heading and a field table. */
function schemaBlock(heading: string, s: Schema | undefined): string[] {
  if (s?.properties) return ['', heading, '', ...fieldTable(fieldRows(s))];
  return ['', s ? `${heading} ${typeOf(s)}.` : heading];
}

function roleOf(op: Operation): string {
  const m = /Bearer token with role ([a-z ]+?)\.$/.exec(op.description ?? '');
  if (m) return m[1]!.split(' or ').map(code).join(', ');
  return op.security?.length ? 'token' : 'none';
}

/** The description without the role sentence the generator appends (the table shows the role). */
function proseOf(op: Operation): string {
  return (op.description ?? '').replace(/\s*(Bearer token with role [a-z ]+|No token needed)\.$/, '').trim();
}

function operations(doc: OpenApiDocument): { method: string; path: string; op: Operation }[] {
  const out: { method: string; path: string; op: Operation }[] = [];
  for (const path of Object.keys(doc.paths).sort()) {
    const ops = doc.paths[path]!;
    const methods = Object.keys(ops).sort((a, b) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b));
    for (const method of methods) out.push({ method, path, op: ops[method]! });
  }
  return out;
}

const operationAnchor = (method: string, path: string): string =>
  `${method} ${path}`
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');

function renderOperation(method: string, path: string, op: Operation): string[] {
  const lines = [`### ${method.toUpperCase()} ${path}`, '', `**${op.summary ?? ''}** — role: ${roleOf(op)}.`];
  const prose = proseOf(op);
  if (prose) lines.push('', prose);
  const params = op.parameters ?? [];
  if (params.length) {
    lines.push(
      '',
      '| Parameter | In | Type | Required | Description |',
      '| --- | --- | --- | --- | --- |',
      ...params.map(
        (p) =>
          `| ${code(p.name)} | ${p.in} | ${cell(typeOf(p.schema))} | ${p.required ? 'yes' : ''} | ${describe(p.schema, p.description)} |`,
      ),
    );
  }
  const body = op.requestBody?.content;
  if (body) {
    for (const [media, { schema }] of Object.entries(body)) lines.push(...schemaBlock(`Request body (${code(media)}):`, schema));
  }
  for (const [status, res] of Object.entries(op.responses ?? {})) {
    if (status.endsWith('XX')) continue;
    const content = Object.entries(res.content ?? {});
    if (!content.length) {
      lines.push('', `Response ${status}: ${res.description ?? ''}`);
      continue;
    }
    for (const [media, { schema }] of content) {
      lines.push(...schemaBlock(`Response ${status} (${code(media)}): ${res.description ?? ''}`, schema));
    }
  }
  return lines;
}

function renderSchema(name: string, s: Schema): string[] {
  const lines = [`### ${name}`, ''];
  if (Array.isArray(s.enum)) {
    lines.push(`Enum (by name in JSON): ${typeOf(s)}.`);
  } else if (s.properties) {
    lines.push(...fieldTable(fieldRows(s)));
  } else {
    lines.push(`${typeOf(s)}.`);
  }
  return lines;
}

export function renderApiReference(doc: OpenApiDocument): string {
  const ops = operations(doc);
  const lines: string[] = [
    '# Control plane API reference',
    '',
    '<!-- Generated from GET /v1/openapi.json by scripts/docs/gen-api-reference.ts. Do not edit by',
    `     hand: change the route declarations, then run \`${REGENERATE_COMMAND}\`. -->`,
    '',
    `${doc.info.title}, version ${doc.info.version}, OpenAPI document served at \`GET /v1/openapi.json\`.`,
    'Authentication, roles, pagination, errors and configuration are explained in [api.md](api.md);',
    'rule sources in [rule-authoring.md](rule-authoring.md). Every route answers errors as RFC 9457',
    'problem details ([Problem](#problem)) with a stable `code`.',
    '',
    '## Routes',
    '',
    '| Method | Path | Role | Summary |',
    '| --- | --- | --- | --- |',
    ...ops.map(
      ({ method, path, op }) =>
        `| ${method.toUpperCase()} | [${code(path)}](#${operationAnchor(method, path)}) | ${roleOf(op)} | ${cell(op.summary ?? '')} |`,
    ),
    '',
    '## Operations',
  ];
  for (const { method, path, op } of ops) lines.push('', ...renderOperation(method, path, op));
  const schemas = doc.components?.schemas ?? {};
  lines.push('', '## Schemas', '', 'Named schemas are the proto3 JSON forms of `proto/palisade/v1` messages and enums.');
  for (const name of Object.keys(schemas).sort()) lines.push('', ...renderSchema(name, schemas[name]!));
  return lines.join('\n') + '\n';
}
