// The control plane's configuration: one JSON Schema, the single source for validation, for the
// PALISADE_* environment variable names (derived from the field paths) and for docs/api.md.
import type { JsonSchema } from '../rules/proto-json-schema.ts';

const port = { type: 'integer', minimum: 0, maximum: 65535 };
const file = { type: 'string', minLength: 1 };

export const CONFIG_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dataDir: { type: 'string', minLength: 1, description: 'Directory of the embedded SQLite store (palisade.db).' },
    sqliteSynchronous: {
      type: 'string',
      enum: ['full', 'normal'],
      description:
        'SQLite durability of acked batches: full (default) survives power loss (an fsync per commit); normal survives a killed process only.',
    },
    postgres: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: { type: 'string', pattern: '^postgres(ql)?://', description: 'postgres://user@host:port/database' },
        schema: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$', description: 'Schema holding the tables (default public).' },
        poolSize: { type: 'integer', minimum: 1, maximum: 200 },
      },
    },
    grpc: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1 },
        port,
        maxMessageBytes: { type: 'integer', minimum: 1024, maximum: 64 * 1024 * 1024 },
        tls: {
          type: 'object',
          additionalProperties: false,
          required: ['certFile', 'keyFile'],
          properties: {
            certFile: file,
            keyFile: file,
            caFile: { ...file, description: 'CA bundle for client certificates (mTLS).' },
            requireClientCert: { type: 'boolean' },
          },
        },
      },
    },
    http: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1 },
        port,
        bodyLimitBytes: { type: 'integer', minimum: 1024, maximum: 64 * 1024 * 1024, description: 'Largest accepted JSON body.' },
        trustProxy: { type: 'boolean', description: 'Take the client address from X-Forwarded-For.' },
        dashboardDir: { type: 'string', description: 'Static files served at / (default control-plane/dashboard/dist when present).' },
      },
    },
    retention: {
      type: 'object',
      additionalProperties: false,
      properties: {
        eventsMs: { type: 'integer', minimum: 60_000 },
        aggregatesMs: { type: 'integer', minimum: 60_000 },
        batchKeysMs: { type: 'integer', minimum: 60_000 },
      },
    },
    internalNetworks: {
      type: 'array',
      maxItems: 256,
      items: { type: 'string', minLength: 1 },
      description: 'CIDRs whose clients count as internal.',
    },
    posture: {
      type: 'object',
      additionalProperties: false,
      properties: {
        evaluateIntervalMs: {
          type: 'integer',
          minimum: 0,
          maximum: 86_400_000,
          description: 'Re-evaluate posture (specs, conformance, classes, risk, changes) this often; 0 = only after traffic.',
        },
        debounceMs: { type: 'integer', minimum: 0, maximum: 600_000, description: 'Quiet time after traffic before re-evaluating.' },
        maxDelayMs: { type: 'integer', minimum: 0, maximum: 3_600_000, description: 'Longest re-evaluation waits under steady traffic.' },
        dormantAfterMs: { type: 'integer', minimum: 60_000, description: 'An endpoint silent this long after being active is a zombie.' },
        geo: {
          type: 'boolean',
          description:
            'Look up client and destination geography (bundled GeoLite2 city database, ASN database converted at build time) for risk and the API.',
        },
        cityDatabase: {
          type: 'string',
          minLength: 1,
          description:
            'A MaxMind-format city or country database (e.g. GeoLite2-City, IPv4 and IPv6 in one file) to read instead of the bundled one.',
        },
        asnDatabase: {
          type: 'string',
          minLength: 1,
          description: 'A MaxMind-format ASN database (GeoLite2-ASN layout) to read instead of the bundled one.',
        },
        allowHttpAlerts: { type: 'boolean', description: 'Admit plain-http alert URLs (a local relay, tests); https otherwise.' },
        enumMinClients: {
          type: 'integer',
          minimum: 2,
          maximum: 16,
          description: 'Distinct clients a token-like value needs before gateways may report it (k-anonymity; docs/posture.md).',
        },
        enumMinObservations: {
          type: 'integer',
          minimum: 1,
          maximum: 1_000_000,
          description: 'Observations of a field before any of its values is released.',
        },
        enumRefreshMs: {
          type: 'integer',
          minimum: 100,
          maximum: 3_600_000,
          description: 'Recompute the value release list (served with the rules) this often.',
        },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      properties: { level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] } },
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      properties: {
        cacheTtlMs: {
          type: 'integer',
          minimum: 0,
          maximum: 600_000,
          description: 'How long a verified token is trusted before re-reading the store.',
        },
        bootstrapTokens: {
          type: 'array',
          maxItems: 100,
          description: 'Tokens ensured at start (by hash), e.g. the first admin or a demo gateway.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'role', 'token'],
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 100 },
              role: { enum: ['viewer', 'operator', 'admin', 'gateway'] },
              token: { type: 'string', minLength: 16, maxLength: 512 },
              gatewayId: { type: 'string', minLength: 1, maxLength: 128 },
            },
          },
        },
      },
    },
  },
};
