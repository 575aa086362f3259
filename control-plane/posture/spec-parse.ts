// Uploaded specs (OpenAPI 3.0, 3.1, Swagger 2.0; JSON or YAML) → one normalized model that
// conformance works on. Everything that can be wrong is checked here, before anything is stored:
// size, syntax, version, schema validity, references. Errors are SpecError with stable codes.
import { parse as parseYaml } from 'yaml';
import type { AuthSchemeName } from './model.ts';
import { validateOpenApi } from './openapi-validate.ts';
import { resolveRefs } from './ref-resolve.ts';
import type { JsonSchema } from './schema-infer.ts';
import { SpecError } from './spec-errors.ts';
import { runtimeSchemesFor } from './security-schemes.ts';

export { SpecError } from './spec-errors.ts';

export const MAX_SPEC_BYTES = 10 * 1024 * 1024;

export interface SpecParam {
  name: string;
  in: 'query' | 'header' | 'path' | 'cookie' | 'body' | 'formData';
  required: boolean;
  schema: JsonSchema;
}

export interface SpecOperation {
  method: string;
  /** Full path as called: base path / server path prefix + the spec's path. */
  path: string;
  /** The path key as written in the spec. */
  specPath: string;
  deprecated: boolean;
  params: SpecParam[];
  requestBody?: { required: boolean; content: Record<string, JsonSchema> };
  /** Status (`200`, `4XX`, `default`) → media type → schema. */
  responses: Record<string, Record<string, JsonSchema>>;
  /** Runtime schemes the declared security accepts; null when the spec declares none at all. */
  security: { schemes: AuthSchemeName[]; anonymous: boolean } | null;
}

export interface NormalizedSpec {
  name: string;
  version: '2.0' | '3.0' | '3.1';
  title: string;
  apiVersion: string;
  /** Hosts this spec is bound to (empty: every host). */
  hosts: string[];
  operations: SpecOperation[];
  /** True for 3.0 and 2.0, whose `nullable`/`x-nullable` express null rather than `type: null`. */
  legacyNullable: boolean;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function parseText(text: string): unknown {
  const t = text.trimStart();
  if (t.startsWith('{')) {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new SpecError('SPEC_PARSE', `not valid JSON: ${(e as Error).message}`);
    }
  }
  try {
    // maxAliasCount bounds "billion laughs" alias expansion.
    return parseYaml(text, { maxAliasCount: 100, prettyErrors: false });
  } catch (e) {
    throw new SpecError('SPEC_PARSE', `not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

function pathPrefix(url: string, variables: Record<string, { default?: unknown }> | undefined): string {
  const filled = url.replace(/\{([^}]+)\}/g, (_m, v: string) => String(variables?.[v]?.default ?? ''));
  try {
    return new URL(filled, 'http://spec.invalid').pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

function hostOf(url: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || url.includes('{')) return undefined;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function securityOf(
  reqs: unknown,
  schemes: Record<string, Record<string, unknown>>,
): { schemes: AuthSchemeName[]; anonymous: boolean } | null {
  if (!Array.isArray(reqs)) return null;
  const out = new Set<AuthSchemeName>();
  let anonymous = reqs.length === 0;
  for (const alt of reqs) {
    const names = alt && typeof alt === 'object' ? Object.keys(alt) : [];
    if (names.length === 0) anonymous = true;
    for (const n of names) {
      const s = schemes[n];
      if (s) for (const r of runtimeSchemesFor(s)) out.add(r);
    }
  }
  return { schemes: [...out], anonymous };
}

/** Swagger 2.0 keeps type keywords on the parameter itself; lift them into a schema. */
function v2ParamSchema(p: Record<string, unknown>): JsonSchema {
  const s: JsonSchema = {};
  for (const k of ['type', 'format', 'enum', 'items', 'minimum', 'maximum', 'pattern']) if (p[k] !== undefined) s[k] = p[k];
  return s;
}

function normalizeParams(list: unknown, v2: boolean): SpecParam[] {
  if (!Array.isArray(list)) return [];
  const out: SpecParam[] = [];
  for (const raw of list) {
    if (!raw || typeof raw !== 'object') continue;
    const p = raw as Record<string, unknown>;
    if (typeof p.name !== 'string' || typeof p.in !== 'string') continue;
    out.push({
      name: p.name,
      in: p.in as SpecParam['in'],
      required: p.in === 'path' || p.required === true,
      schema: (v2
        ? p.in === 'body'
          ? ((p.schema as JsonSchema) ?? {})
          : v2ParamSchema(p)
        : ((p.schema as JsonSchema) ?? {})) as JsonSchema,
    });
  }
  return out;
}

function contentOf(c: unknown): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  if (c && typeof c === 'object')
    for (const [ct, m] of Object.entries(c)) out[ct.toLowerCase()] = ((m as { schema?: JsonSchema })?.schema ?? {}) as JsonSchema;
  return out;
}

/** Parses, validates and normalizes an uploaded spec. Throws SpecError; never fetches anything. */
export async function parseSpec(
  input: string | Uint8Array,
  options: { name?: string; maxBytes?: number; hosts?: string[] } = {},
): Promise<NormalizedSpec> {
  const max = options.maxBytes ?? MAX_SPEC_BYTES;
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  if (size > max) throw new SpecError('SPEC_TOO_LARGE', `the spec is ${size} bytes; at most ${max} are accepted`);
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  const raw = parseText(text);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new SpecError('SPEC_PARSE', 'the spec is not an object');
  const doc = raw as Record<string, unknown>;
  const ver = String(doc.openapi ?? doc.swagger ?? '');
  const version = ver === '2.0' ? '2.0' : /^3\.0\.\d+$/.test(ver) ? '3.0' : /^3\.1\.\d+$/.test(ver) ? '3.1' : undefined;
  if (!version)
    throw new SpecError(
      'SPEC_VERSION',
      `unsupported spec version ${JSON.stringify(ver || 'none')}; expected OpenAPI 3.0, 3.1 or Swagger 2.0`,
    );
  // References first: a remote $ref must be refused before any validator could think of fetching.
  const resolved = resolveRefs(doc) as Record<string, unknown>;
  const valid = await validateOpenApi(doc);
  if (!valid.valid) throw new SpecError('SPEC_INVALID', `the spec is not a valid OpenAPI ${version} document`, valid.errors);
  const v2 = version === '2.0';
  const info = (resolved.info ?? {}) as Record<string, unknown>;
  const comps = (resolved.components ?? {}) as Record<string, unknown>;
  const schemes = ((v2 ? resolved.securityDefinitions : comps.securitySchemes) ?? {}) as Record<string, Record<string, unknown>>;
  let prefixes: string[];
  const hosts = new Set(options.hosts ?? []);
  if (v2) {
    prefixes = [String(resolved.basePath ?? '').replace(/\/+$/, '')];
    if (!options.hosts && typeof resolved.host === 'string') hosts.add(resolved.host.replace(/:\d+$/, '').toLowerCase());
  } else {
    const servers = Array.isArray(resolved.servers)
      ? (resolved.servers as { url?: unknown; variables?: Record<string, { default?: unknown }> }[])
      : [];
    prefixes = servers.length ? [...new Set(servers.map((s) => pathPrefix(String(s.url ?? ''), s.variables)))] : [''];
    if (!options.hosts)
      for (const s of servers) {
        const h = hostOf(String(s.url ?? ''));
        if (h) hosts.add(h);
      }
  }
  const globalSecurity = resolved.security;
  const operations: SpecOperation[] = [];
  const paths = (resolved.paths ?? {}) as Record<string, Record<string, unknown>>;
  for (const [specPath, item] of Object.entries(paths)) {
    if (!item || typeof item !== 'object') continue;
    const common = normalizeParams(item.parameters, v2);
    for (const m of METHODS) {
      const op = item[m] as Record<string, unknown> | undefined;
      if (!op || typeof op !== 'object') continue;
      const own = normalizeParams(op.parameters, v2);
      const params = [...common.filter((c) => !own.some((o) => o.name === c.name && o.in === c.in)), ...own];
      const responses: Record<string, Record<string, JsonSchema>> = {};
      for (const [code, r] of Object.entries((op.responses ?? {}) as Record<string, Record<string, unknown>>)) {
        if (v2) {
          const produces = (op.produces ?? resolved.produces ?? ['application/json']) as string[];
          responses[code.toUpperCase()] = r?.schema
            ? Object.fromEntries(produces.map((ct) => [ct.toLowerCase(), r.schema as JsonSchema]))
            : {};
        } else responses[code.toUpperCase()] = contentOf(r?.content);
      }
      let requestBody: SpecOperation['requestBody'];
      if (v2) {
        const body = params.find((p) => p.in === 'body');
        const form = params.filter((p) => p.in === 'formData');
        const consumes = (op.consumes ?? resolved.consumes ?? ['application/json']) as string[];
        if (body)
          requestBody = { required: body.required, content: Object.fromEntries(consumes.map((ct) => [ct.toLowerCase(), body.schema])) };
        else if (form.length)
          requestBody = { required: form.some((f) => f.required), content: { 'application/x-www-form-urlencoded': {} } };
      } else if (op.requestBody && typeof op.requestBody === 'object') {
        const rb = op.requestBody as Record<string, unknown>;
        requestBody = { required: rb.required === true, content: contentOf(rb.content) };
      }
      const security = securityOf(op.security ?? globalSecurity, schemes);
      for (const prefix of prefixes) {
        operations.push({
          method: m.toUpperCase(),
          path: `${prefix}${specPath.startsWith('/') ? '' : '/'}${specPath}`,
          specPath,
          deprecated: op.deprecated === true,
          params: params.filter((p) => p.in !== 'body' && p.in !== 'formData'),
          ...(requestBody ? { requestBody } : {}),
          responses,
          security,
        });
      }
    }
  }
  return {
    name: options.name ?? String(info.title ?? 'spec'),
    version,
    title: String(info.title ?? ''),
    apiVersion: String(info.version ?? ''),
    hosts: [...hosts],
    operations,
    legacyNullable: version !== '3.1',
  };
}
