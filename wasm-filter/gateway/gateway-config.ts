// The dev gateway's configuration: read once from JSON or YAML, validated into an immutable object;
// a bad value is refused at start with a message naming the field and the rule (STYLE.md §3).
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { LogLevelName } from '../host/abi-enums.ts';

export interface ClusterAddress {
  readonly address: string;
  readonly tls: boolean;
}

export interface GatewayConfig {
  readonly listen: { readonly host: string; readonly port: number };
  /** Base URL of the upstream: http://host:port */
  readonly upstream: { readonly host: string; readonly port: number };
  readonly filter: {
    /** Absolute path of the .wasm module. */
    readonly wasm: string;
    readonly name: string;
    readonly rootId: string;
    readonly vmId: string;
    /** PLUGIN_CONFIGURATION bytes as text (an object in the file is serialized to JSON, as Envoy does for a Struct). */
    readonly config: string;
    readonly vmConfig: string;
    readonly workers: number;
    readonly failOpen: boolean;
    readonly allowOnHeadersStopIteration: boolean;
    readonly bufferLimitBytes: number;
    /**
     * Wall-clock ms one filter callback may run before it is stopped and its VM failed (0 = not
     * guarded); undefined when loop_budget is given, or to take the host's default.
     */
    readonly callbackDeadlineMs: number | undefined;
    /** Instead of the deadline: loop iterations one callback may run; 0 = unmetered. */
    readonly loopBudget: number | undefined;
    readonly logLevel: LogLevelName;
  };
  /** gRPC clusters the filter may call by name (e.g. the control plane). */
  readonly grpcClusters: Readonly<Record<string, ClusterAddress>>;
  readonly httpClusters: Readonly<Record<string, ClusterAddress>>;
  /**
   * Envoy HttpConnectionManager with use_remote_address: true. 0 = source.address is the peer;
   * N = the Nth x-forwarded-for address from the right (client-address.ts).
   */
  readonly xffNumTrustedHops: number;
  /** Do not append the peer address to x-forwarded-for (Envoy skip_xff_append). */
  readonly skipXffAppend: boolean;
}

export class GatewayConfigError extends Error {
  constructor(
    readonly field: string,
    rule: string,
  ) {
    super(`gateway config: field \`${field}\` ${rule}`);
  }
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'critical'];
const TOP = ['listen', 'upstream', 'filter', 'grpc_clusters', 'http_clusters', 'xff_num_trusted_hops', 'skip_xff_append'];
const FILTER = [
  'wasm',
  'name',
  'root_id',
  'vm_id',
  'config',
  'vm_config',
  'workers',
  'fail_open',
  'allow_on_headers_stop_iteration',
  'buffer_limit_bytes',
  'callback_deadline_ms',
  'loop_budget',
  'log_level',
];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function known(obj: Obj, fields: string[], prefix: string): void {
  for (const k of Object.keys(obj)) if (!fields.includes(k)) throw new GatewayConfigError(`${prefix}${k}`, 'is not a known setting');
}

function str(v: unknown, field: string, fallback?: string): string {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string' || v.length === 0) throw new GatewayConfigError(field, 'must be a non-empty string');
  return v;
}

function int(v: unknown, field: string, min: number, max: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new GatewayConfigError(field, `must be an integer from ${min} to ${max}`);
  return v;
}

function optionalInt(v: unknown, field: string, min: number, max: number): number | undefined {
  return v === undefined ? undefined : int(v, field, min, max, 0);
}

function bool(v: unknown, field: string, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new GatewayConfigError(field, 'must be true or false');
  return v;
}

function hostPort(v: unknown, field: string): { host: string; port: number } {
  const text = str(v, field);
  const m = /^(?:http:\/\/)?(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(text);
  if (!m || Number(m[2]) > 65535) throw new GatewayConfigError(field, 'must be host:port (or http://host:port)');
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

function clusters(v: unknown, field: string): Record<string, ClusterAddress> {
  if (v === undefined) return {};
  if (!isObj(v)) throw new GatewayConfigError(field, 'must map cluster names to { address: host:port }');
  const out: Record<string, ClusterAddress> = {};
  for (const [name, c] of Object.entries(v)) {
    const f = `${field}.${name}`;
    if (typeof c === 'string') {
      hostPort(c, f);
      out[name] = { address: c, tls: false };
      continue;
    }
    if (!isObj(c)) throw new GatewayConfigError(f, 'must be host:port or { address, tls }');
    known(c, ['address', 'tls'], `${f}.`);
    const { host, port } = hostPort(c.address, `${f}.address`);
    out[name] = { address: `${host.includes(':') ? `[${host}]` : host}:${port}`, tls: bool(c.tls, `${f}.tls`, false) };
  }
  return Object.freeze(out);
}

/** Validates a parsed document; relative paths resolve against `baseDir`. */
export function parseGatewayConfig(doc: unknown, baseDir = process.cwd()): GatewayConfig {
  if (!isObj(doc)) throw new GatewayConfigError('(root)', 'must be an object');
  known(doc, TOP, '');
  const listen = doc.listen === undefined ? { host: '127.0.0.1', port: 8080 } : isObj(doc.listen) ? doc.listen : undefined;
  if (!listen) throw new GatewayConfigError('listen', 'must be { host, port }');
  known(listen, ['host', 'port'], 'listen.');
  const f = doc.filter;
  if (!isObj(f)) throw new GatewayConfigError('filter', 'is required: { wasm, config, ... }');
  known(f, FILTER, 'filter.');
  const wasm = str(f.wasm, 'filter.wasm');
  const name = str(f.name, 'filter.name', 'palisade');
  const config =
    f.config === undefined ? '' : typeof f.config === 'string' ? f.config : isObj(f.config) ? JSON.stringify(f.config) : undefined;
  if (config === undefined) throw new GatewayConfigError('filter.config', 'must be a JSON object or a string');
  if (f.callback_deadline_ms !== undefined && f.loop_budget !== undefined)
    throw new GatewayConfigError(
      'filter.loop_budget',
      'cannot be given with filter.callback_deadline_ms: a callback is bounded by time or by loop iterations',
    );
  const logLevel = f.log_level ?? 'info';
  if (typeof logLevel !== 'string' || !LEVELS.includes(logLevel))
    throw new GatewayConfigError('filter.log_level', `must be one of ${LEVELS.join(', ')}`);
  return Object.freeze({
    listen: Object.freeze({ host: str(listen.host, 'listen.host', '127.0.0.1'), port: int(listen.port, 'listen.port', 0, 65535, 8080) }),
    upstream: Object.freeze(hostPort(doc.upstream, 'upstream')),
    filter: Object.freeze({
      wasm: isAbsolute(wasm) ? wasm : resolve(baseDir, wasm),
      name,
      rootId: str(f.root_id, 'filter.root_id', name),
      vmId: str(f.vm_id, 'filter.vm_id', name),
      config,
      vmConfig: f.vm_config === undefined ? '' : typeof f.vm_config === 'string' ? f.vm_config : JSON.stringify(f.vm_config),
      workers: int(f.workers, 'filter.workers', 1, 64, 1),
      failOpen: bool(f.fail_open, 'filter.fail_open', false),
      allowOnHeadersStopIteration: bool(f.allow_on_headers_stop_iteration, 'filter.allow_on_headers_stop_iteration', false),
      bufferLimitBytes: int(f.buffer_limit_bytes, 'filter.buffer_limit_bytes', 1024, 1 << 30, 1024 * 1024),
      callbackDeadlineMs: optionalInt(f.callback_deadline_ms, 'filter.callback_deadline_ms', 0, 3_600_000),
      loopBudget: optionalInt(f.loop_budget, 'filter.loop_budget', 0, 0x7fffffff),
      logLevel: logLevel as LogLevelName,
    }),
    grpcClusters: clusters(doc.grpc_clusters, 'grpc_clusters'),
    httpClusters: clusters(doc.http_clusters, 'http_clusters'),
    xffNumTrustedHops: int(doc.xff_num_trusted_hops, 'xff_num_trusted_hops', 0, 64, 0),
    skipXffAppend: bool(doc.skip_xff_append, 'skip_xff_append', false),
  });
}

/** Reads a .json, .yaml or .yml file. */
export function loadGatewayConfig(file: string): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new GatewayConfigError('(file)', `cannot be read: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new GatewayConfigError('(file)', `is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
  return parseGatewayConfig(doc, dirname(resolve(file)));
}
