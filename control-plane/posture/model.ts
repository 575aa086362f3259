// The plain values the posture cores work on. They mirror what the inventory aggregates per endpoint
// (see DESIGN.md "inventory/") without importing it, so spec generation, conformance, classes and
// risk stay pure and testable on literals; `inventory-adapter.ts` is the one seam that converts.

/** JSON value types, named as in JSON Schema. */
export type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'object' | 'array';

/** How a client authenticated (the proto's AuthScheme without its prefix, lower-kebab). */
export type AuthSchemeName = 'none' | 'basic' | 'bearer' | 'jwt' | 'api-key-header' | 'api-key-query' | 'mtls' | 'cookie' | 'other';

/** Counts keyed by a small vocabulary (types, formats, values). */
export type Counts = Record<string, number>;

/**
 * One field of a body, by path (`$.orders[].id`, `$[]` for the elements of a root array). `seen` is
 * how many bodies (or array elements, for paths under `[]`) carried it; `types` how often each JSON
 * type occurred. `values` is a bounded sample of short string values, present only where values
 * were available (offline discovery over a capture; gateways never send values).
 */
export interface FieldStat {
  path: string;
  seen: number;
  types: Partial<Record<JsonType, number>>;
  formats?: Counts;
  values?: Counts;
  /** True once more distinct values were seen than `values` keeps: not an enum. */
  valuesOverflow?: boolean;
}

/** The bodies seen for one content type (request, or response of one status code). */
export interface BodyStat {
  contentType: string;
  /** Bodies of this content type seen. */
  count: number;
  fields: FieldStat[];
}

/** A query, header, cookie or path parameter. */
export interface ParamStat {
  name: string;
  in: 'query' | 'header' | 'cookie' | 'path';
  /** Requests that carried it. */
  seen: number;
  types: Partial<Record<JsonType, number>>;
  formats?: Counts;
  values?: Counts;
  valuesOverflow?: boolean;
}

export interface AuthStat {
  scheme: AuthSchemeName;
  count: number;
  /** For `jwt`: counts by header `alg` (`none` is a risk). */
  jwtAlgs?: Counts;
  /** For API keys: the header or query parameter that carried the key. */
  keyName?: string;
}

/** Sensitive data (or an error leak) found on an endpoint, aggregated by type and direction. */
export interface FindingStat {
  type: string;
  /** `pii`, `pci`, `cpni`, `credentials`, `errors`. */
  category: string;
  direction: 'request' | 'response';
  count: number;
  /** Distinct values (by keyed hash) when known: volume of exposed records. */
  distinct?: number;
  /** A masked preview for evidence, e.g. `4111********1111`. */
  example?: string;
}

/** A masked example exchange kept as evidence (never raw sensitive values). */
export interface ExampleEvent {
  ts: number;
  method: string;
  path: string;
  status: number;
  clientIp?: string;
  requestId?: string;
}

/** Everything the posture cores know about one endpoint (host + method + path template). */
export interface InventoryEndpoint {
  host: string;
  method: string;
  /** Path template with named parameters: `/v1/users/{userId}`. */
  path: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** Exchanges by response status code (`"200"`, `"404"`). */
  statusCounts: Counts;
  params: ParamStat[];
  /** Request bodies, one entry per content type. */
  requestBodies: BodyStat[];
  /** Response bodies by status code. */
  responses: Record<string, BodyStat[]>;
  auth: AuthStat[];
  findings: FindingStat[];
  /** True when clients reach it from outside the private address ranges. */
  external?: boolean;
  /** Exchanges by client country code (`internal` for private ranges). */
  clientCountries?: Counts;
  owner?: string;
  tags?: string[];
  example?: ExampleEvent;
}

/** `GET example.com /v1/users/{id}` — the stable identity of an endpoint. */
export function endpointKey(e: { host: string; method: string; path: string }): string {
  return `${e.method.toUpperCase()} ${e.host} ${e.path}`;
}
