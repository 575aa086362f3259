// Synthetic traffic with ground truth. Writes a JSON Lines capture (the `palisade discover` input
// format) and truth.json (every endpoint template, its parameters, status codes and body fields).
//   npx tsx scripts/gen-traffic/generate.ts --count 20000 --seed 7 --out traffic.jsonl --truth truth.json
import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import type { ApiDef, Auth, EndpointDef } from './api-model.ts';
import { APIS } from './apis.ts';
import { chance, hex, int, rng, weighted, type Rng } from './random.ts';

export interface TruthEndpoint {
  host: string;
  method: string;
  path: string;
  params: { name: string; in: 'query' | 'header'; required: boolean }[];
  statuses: number[];
  /** Status → JSON field paths of the response body (`$.items[].id`). */
  responseFields: Record<string, string[]>;
  requestFields: string[];
  auth: Auth;
  deprecated: boolean;
}

export interface Exchange {
  ts: string;
  method: string;
  url: string;
  host: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody?: string;
}

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

function authHeaders(r: Rng, auth: Auth, headers: Record<string, string>, query: URLSearchParams): void {
  switch (auth) {
    case 'jwt':
      headers.authorization = `Bearer ${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: String(int(r, 1, 9999)) })}.${hex(r, 43)}`;
      break;
    case 'bearer':
      headers.authorization = `Bearer ${hex(r, 32)}`;
      break;
    case 'basic':
      headers.authorization = `Basic ${Buffer.from(`user${int(r, 1, 99)}:secret`).toString('base64')}`;
      break;
    case 'api-key-header':
      headers['x-api-key'] = hex(r, 32);
      break;
    case 'api-key-query':
      query.set('api_key', hex(r, 24));
      break;
    case 'cookie':
      headers.cookie = `session=${hex(r, 32)}; theme=dark`;
      break;
    case 'none':
      break;
  }
}

export function exchangeFor(r: Rng, api: ApiDef, ep: EndpointDef, ts: number): Exchange {
  const path = ep.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const gen = api.pathParams[name];
    if (!gen) throw new Error(`${api.host} ${ep.path}: no generator for {${name}}`);
    return encodeURIComponent(gen(r));
  });
  const query = new URLSearchParams();
  const headers: Record<string, string> = { 'user-agent': 'gen-traffic/1', accept: 'application/json' };
  for (const p of ep.params ?? []) {
    if (!p.required && !chance(r, p.p ?? 0.5)) continue;
    if (p.in === 'query') query.set(p.name, p.gen(r));
    else headers[p.name] = p.gen(r);
  }
  authHeaders(r, ep.auth, headers, query);
  const status = weighted(r, ep.statuses);
  const ex: Exchange = {
    ts: new Date(ts).toISOString(),
    method: ep.method,
    url: `${path}${query.size ? `?${query}` : ''}`,
    host: api.host,
    requestHeaders: headers,
    status,
    responseHeaders: {},
  };
  if (ep.request) {
    headers['content-type'] = 'application/json';
    ex.requestBody = JSON.stringify(ep.request(r));
  }
  const body = status < 400 ? ep.response?.(r, status) : api.error(r, status);
  if (body !== undefined && status !== 204) {
    ex.responseHeaders['content-type'] = 'application/json';
    ex.responseBody = JSON.stringify(body);
  }
  return ex;
}

function fieldPaths(v: unknown, path = '$', out = new Set<string>()): Set<string> {
  out.add(path);
  if (Array.isArray(v)) for (const x of v) fieldPaths(x, `${path}[]`, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) fieldPaths(x, `${path}.${k}`, out);
  return out;
}

/** Ground truth from the API definitions (bodies sampled 60 times to see optional fields). */
export function groundTruth(seed = 1): TruthEndpoint[] {
  const r = rng(seed ^ 0x5eed);
  return APIS.flatMap((api) =>
    api.endpoints.map((ep) => {
      const responseFields: Record<string, string[]> = {};
      for (const [status] of ep.statuses) {
        if (status === 204) continue;
        const set = new Set<string>();
        for (let i = 0; i < 60; i++) {
          const body = status < 400 ? ep.response?.(r, status) : api.error(r, status);
          if (body !== undefined) fieldPaths(body, '$', set);
        }
        if (set.size) responseFields[String(status)] = [...set].sort();
      }
      const req = new Set<string>();
      if (ep.request) for (let i = 0; i < 60; i++) fieldPaths(ep.request(r), '$', req);
      return {
        host: api.host,
        method: ep.method,
        path: ep.path,
        params: (ep.params ?? []).map((p) => ({ name: p.name, in: p.in, required: p.required })),
        statuses: ep.statuses.map(([s]) => s),
        responseFields,
        requestFields: [...req].sort(),
        auth: ep.auth,
        deprecated: ep.deprecated === true,
      };
    }),
  );
}

/** Yields `count` exchanges, APIs and endpoints picked by weight, one day of timestamps. */
export function* generateExchanges(count: number, seed: number): Generator<Exchange> {
  const r = rng(seed);
  const all = APIS.flatMap((api) => api.endpoints.map((ep) => [[api, ep], ep.weight] as const));
  const start = Date.UTC(2026, 0, 1);
  for (let i = 0; i < count; i++) {
    const [api, ep] = weighted(r, all);
    yield exchangeFor(r, api, ep, start + Math.floor((i * 86_400_000) / count));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '20000' },
      seed: { type: 'string', default: '7' },
      out: { type: 'string', default: 'traffic.jsonl' },
      truth: { type: 'string', default: 'truth.json' },
    },
  });
  const count = Number(values.count);
  const seed = Number(values.seed);
  if (!Number.isInteger(count) || count <= 0 || !Number.isInteger(seed)) throw new Error('--count and --seed must be integers');
  const out = createWriteStream(values.out);
  for (const ex of generateExchanges(count, seed)) if (!out.write(`${JSON.stringify(ex)}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  writeFileSync(values.truth, `${JSON.stringify(groundTruth(seed), null, 2)}\n`);
  console.log(`wrote ${count} exchanges to ${values.out} and the ground truth to ${values.truth}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(`gen-traffic: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}
