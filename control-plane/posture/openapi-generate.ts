// OpenAPI 3.1 documents from the runtime inventory: one per host, or one for everything (`merge`).
// Everything here is inferred from counts (see schema-infer.ts); the observed volumes travel along
// in `x-palisade-*` extensions so a reader can tell a guess from 10 samples from one from 10⁶.
import { STATUS_CODES } from 'node:http';
import { DEFAULT_INFER_OPTIONS, inferBodySchema, scalarSchema, type InferOptions, type JsonSchema } from './schema-infer.ts';
import { isInfrastructureHeader } from './http-headers.ts';
import type { BodyStat, InventoryEndpoint, ParamStat } from './model.ts';
import { securitySchemeFor } from './security-schemes.ts';
import { mergeEndpoints } from './endpoint-merge.ts';

export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: Record<string, Record<string, unknown>> };

export interface GenerateOptions extends InferOptions {
  title?: string;
  /** `info.version` of generated documents. */
  version?: string;
  /** Scheme used in `servers` URLs. */
  scheme?: 'https' | 'http';
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Path parameter names of a template, in order: `/a/{x}/b/{y}` → `['x', 'y']`. */
export function templateParams(path: string): string[] {
  return [...path.matchAll(/\{([^}/]+)\}/g)].map((m) => m[1] as string);
}

function operationId(method: string, path: string, used: Set<string>): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '_'))
    .filter(Boolean);
  const base = [method.toLowerCase(), ...words].join('_') || method.toLowerCase();
  let id = base;
  for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
  used.add(id);
  return id;
}

function content(bodies: readonly BodyStat[], opts: InferOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const b of bodies) {
    const ct = b.contentType || 'application/octet-stream';
    out[ct] = { schema: /json/.test(ct) ? inferBodySchema(b.fields, opts) : {} };
  }
  return out;
}

function parameter(p: ParamStat, count: number, opts: InferOptions): Record<string, unknown> {
  const schema: JsonSchema = scalarSchema(p, opts);
  if (schema.type === undefined) schema.type = 'string';
  return {
    name: p.name,
    in: p.in,
    required: p.in === 'path' ? true : count > 0 && p.seen >= opts.requiredShare * count,
    schema,
    'x-palisade-seen': p.seen,
  };
}

/** The OpenAPI operation object for one runtime endpoint; registers the security schemes it uses. */
export function buildOperation(
  e: InventoryEndpoint,
  opts: InferOptions,
  schemes: Record<string, unknown>,
  usedIds: Set<string>,
): Record<string, unknown> {
  const params: Record<string, unknown>[] = [];
  const pathParamStats = new Map(e.params.filter((p) => p.in === 'path').map((p) => [p.name, p]));
  for (const name of templateParams(e.path)) {
    const stat = pathParamStats.get(name) ?? { name, in: 'path' as const, seen: e.count, types: { string: e.count } };
    params.push(parameter(stat, e.count, opts));
  }
  const seenParam = new Set<string>();
  for (const p of e.params) {
    if (p.in === 'path') continue;
    if (p.in === 'header' && isInfrastructureHeader(p.name)) continue;
    const k = `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
    if (seenParam.has(k)) continue;
    seenParam.add(k);
    params.push(parameter(p, e.count, opts));
  }
  const op: Record<string, unknown> = { operationId: operationId(e.method, e.path, usedIds) };
  if (params.length) op.parameters = params;
  const reqBodies = e.requestBodies.filter((b) => b.count > 0);
  if (reqBodies.length) {
    const withBody = reqBodies.reduce((s, b) => s + b.count, 0);
    op.requestBody = { required: withBody >= opts.requiredShare * e.count, content: content(reqBodies, opts) };
  }
  const responses: Record<string, unknown> = {};
  const codes = new Set([...Object.keys(e.statusCounts), ...Object.keys(e.responses)]);
  for (const code of [...codes].filter((c) => /^[1-5]\d\d$/.test(c)).sort()) {
    const r: Record<string, unknown> = { description: STATUS_CODES[Number(code)] ?? 'Observed response' };
    const bodies = (e.responses[code] ?? []).filter((b) => b.count > 0);
    if (bodies.length) r.content = content(bodies, opts);
    responses[code] = r;
  }
  // An operation needs at least one response (OpenAPI 3.1 §4.8.16 recommends it); `default` says
  // honestly that nothing completed while we watched.
  op.responses = Object.keys(responses).length ? responses : { default: { description: 'No response observed' } };
  const security: Record<string, string[]>[] = [];
  for (const a of [...e.auth].sort((x, y) => y.count - x.count)) {
    if (a.count <= 0) continue;
    if (a.scheme === 'none') {
      if (!security.some((s) => Object.keys(s).length === 0)) security.push({});
      continue;
    }
    const s = securitySchemeFor(a.scheme, a.keyName);
    if (!s) continue;
    schemes[s.name] = s.object;
    if (!security.some((x) => s.name in x)) security.push({ [s.name]: [] });
  }
  if (security.length) op.security = security;
  op['x-palisade-observed'] = {
    count: e.count,
    firstSeen: new Date(e.firstSeen).toISOString(),
    lastSeen: new Date(e.lastSeen).toISOString(),
  };
  return op;
}

/** One OpenAPI 3.1 document for the given endpoints (callers group them by host or API). */
export function generateOpenApi(endpoints: readonly InventoryEndpoint[], options: Partial<GenerateOptions> = {}): OpenApiDocument {
  const opts: InferOptions = { ...DEFAULT_INFER_OPTIONS, ...options };
  const scheme = options.scheme ?? 'https';
  const merged = mergeEndpoints(endpoints);
  const hosts = [...new Set(endpoints.map((e) => e.host))].sort();
  const paths: Record<string, Record<string, unknown>> = {};
  const schemes: Record<string, unknown> = {};
  const used = new Set<string>();
  const sorted = [...merged].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.method < b.method ? -1 : 1));
  for (const e of sorted) {
    const m = e.method.toLowerCase();
    if (!METHODS.has(m)) continue; // OpenAPI has no slot for e.g. CONNECT or WebDAV methods.
    (paths[e.path] ??= {})[m] = buildOperation(e, opts, schemes, used);
  }
  // A document over several hosts says which of them serve each path (Path Item `servers`, OAS
  // 3.1 §4.8.9) unless all do: one merged document must not claim every path on every host.
  if (hosts.length > 1) {
    const servedBy = new Map<string, Set<string>>();
    for (const e of endpoints) if (METHODS.has(e.method.toLowerCase()) && paths[e.path]) getOrAdd(servedBy, e.path).add(e.host);
    for (const [path, served] of servedBy)
      if (served.size < hosts.length) paths[path]!.servers = [...served].sort().map((h) => ({ url: `${scheme}://${h}` }));
  }
  const doc: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: options.title ?? (hosts.length === 1 ? `${hosts[0]} (observed)` : 'Observed APIs'),
      version: options.version ?? '0.0.0-observed',
      description: 'Generated by Palisade from runtime traffic.',
    },
    servers: hosts.map((h) => ({ url: `${scheme}://${h}` })),
    paths,
  };
  if (Object.keys(schemes).length) doc.components = { securitySchemes: schemes };
  return doc;
}

/** One document per host, keyed by host. */
export function generateOpenApiPerHost(
  endpoints: readonly InventoryEndpoint[],
  options: Partial<GenerateOptions> = {},
): Map<string, OpenApiDocument> {
  const byHost = new Map<string, InventoryEndpoint[]>();
  for (const e of endpoints) {
    let list = byHost.get(e.host);
    if (!list) byHost.set(e.host, (list = []));
    list.push(e);
  }
  const out = new Map<string, OpenApiDocument>();
  for (const [host, list] of [...byHost.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) out.set(host, generateOpenApi(list, options));
  return out;
}

function getOrAdd(m: Map<string, Set<string>>, key: string): Set<string> {
  let v = m.get(key);
  if (!v) m.set(key, (v = new Set()));
  return v;
}
