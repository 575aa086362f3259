// One captured exchange → a single-exchange InventoryEndpoint (count 1), ready to be added into the
// endpoint's accumulator. This is the offline twin of what the gateway reports per exchange: params
// with types, body shapes, auth scheme; plus short string samples for enum inference.
import type { BodyStat, InventoryEndpoint, JsonType, ParamStat } from '../model.ts';
import { isInfrastructureHeader } from '../http-headers.ts';
import { detectAuth, isCredentialQueryParam } from './auth-detect.ts';
import type { Exchange } from './capture-reader.ts';
import { jsonShape } from './json-shape.ts';
import { stringFormat, textType } from './value-format.ts';

/** Only shapes of bodies up to this size are computed (like the gateway's inspection limit). */
export const MAX_BODY_BYTES = 1024 * 1024;

function mediaType(headers: Record<string, string>): string {
  return (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function textParam(name: string, where: ParamStat['in'], value: string): ParamStat {
  const t: JsonType = textType(value);
  const p: ParamStat = { name, in: where, seen: 1, types: { [t]: 1 } };
  if (t === 'string') {
    const f = stringFormat(value);
    if (f) p.formats = { [f]: 1 };
    else if (value.length <= 32) p.values = { [value]: 1 };
    else p.valuesOverflow = true;
  }
  return p;
}

function body(raw: string | object | undefined, headers: Record<string, string>): BodyStat | undefined {
  if (raw === undefined) return undefined;
  let ct = mediaType(headers);
  let value: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.length > MAX_BODY_BYTES) return { contentType: ct || 'application/octet-stream', count: 1, fields: [] };
    const looksJson = /json/.test(ct) || (!ct && /^\s*[[{]/.test(raw));
    if (!looksJson) return { contentType: ct || 'text/plain', count: 1, fields: [] };
    try {
      value = JSON.parse(raw);
    } catch {
      return { contentType: ct || 'text/plain', count: 1, fields: [] };
    }
  }
  if (!ct) ct = 'application/json';
  return { contentType: ct, count: 1, fields: /json/.test(ct) ? jsonShape(value) : [] };
}

/** The exchange as an endpoint of count 1 at `template` (from the templater). */
export function observeExchange(ex: Exchange, template: string, pathParams: [string, string][]): InventoryEndpoint {
  const params: ParamStat[] = pathParams.map(([n, v]) => textParam(n, 'path', v));
  const seen = new Set<string>();
  for (const [name, value] of ex.query) {
    if (seen.has(name) || isCredentialQueryParam(name)) continue;
    seen.add(name);
    params.push(textParam(name, 'query', value));
  }
  for (const [name, value] of Object.entries(ex.requestHeaders)) {
    if (isInfrastructureHeader(name) || name === 'x-api-key' || name === 'api-key' || name === 'apikey') continue;
    params.push(textParam(name, 'header', value));
  }
  const auth = detectAuth(ex.requestHeaders, ex.query);
  const status = String(ex.status);
  const req = body(ex.requestBody, ex.requestHeaders);
  const res = body(ex.responseBody, ex.responseHeaders);
  return {
    host: ex.host,
    method: ex.method,
    path: template,
    count: 1,
    firstSeen: ex.ts,
    lastSeen: ex.ts,
    statusCounts: ex.status ? { [status]: 1 } : {},
    params,
    requestBodies: req ? [req] : [],
    responses: res && ex.status ? { [status]: [res] } : {},
    auth: [
      {
        scheme: auth.scheme,
        count: 1,
        ...(auth.jwtAlg ? { jwtAlgs: { [auth.jwtAlg]: 1 } } : {}),
        ...(auth.keyName ? { keyName: auth.keyName } : {}),
      },
    ],
    findings: [],
    example: { ts: ex.ts, method: ex.method, path: ex.path, status: ex.status },
  };
}
