// docs/operations.md names every configuration field's PALISADE_* variable and every control-plane
// counter (STYLE.md §10: metrics declared once, documentation lists the same names), so a field or
// counter added to the code without a line in the operations guide fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { envFields, envName, resolveConfig } from '../../control-plane/config/load-config.ts';
import { GRPC_COUNTERS } from '../../control-plane/grpc/grpc-metrics.ts';
import { INGEST_COUNTERS } from '../../control-plane/ingest/ingest-metrics.ts';
import { DEFAULT_RETENTION } from '../../control-plane/store/types.ts';

const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');

test('every configuration field is in the table with its environment variable', () => {
  const missing = envFields()
    .map((f) => envName(f.path))
    .filter((name) => !doc.includes('`' + name + '`'));
  assert.deepEqual(missing, [], 'add these variables to the configuration table of docs/operations.md');
});

test('every gRPC and ingest counter is listed under its declared name', () => {
  const missing = [...GRPC_COUNTERS, ...INGEST_COUNTERS].filter((name) => !doc.includes('`' + name + '`'));
  assert.deepEqual(missing, [], 'add these counters to docs/operations.md "Health checks, logs and metrics"');
});

test('the documented defaults are the ones the configuration applies', () => {
  const c = resolveConfig({ dataDir: '/tmp/unused' });
  const row = (variable: string) => doc.split('\n').find((l) => l.includes('`' + variable + '`')) ?? '';
  assert.match(row('PALISADE_GRPC_PORT'), new RegExp(`${c.grpc.port}\\b`));
  assert.match(row('PALISADE_HTTP_PORT'), new RegExp(`${c.http.port}\\b`));
  assert.match(row('PALISADE_POSTURE_EVALUATE_INTERVAL_MS'), new RegExp(`\\| ${c.posture.evaluateIntervalMs} \\|`));
  assert.match(row('PALISADE_POSTURE_DEBOUNCE_MS'), new RegExp(`\\| ${c.posture.debounceMs} \\|`));
  assert.match(row('PALISADE_POSTURE_MAX_DELAY_MS'), new RegExp(`\\| ${c.posture.maxDelayMs} \\|`));
  assert.match(row('PALISADE_AUTH_CACHE_TTL_MS'), new RegExp(`\\| ${c.auth.cacheTtlMs} \\|`));
  const pg = resolveConfig({ postgres: { url: 'postgres://u@h/d' } }).store;
  assert.ok(pg.kind === 'postgres');
  assert.match(row('PALISADE_POSTGRES_POOL_SIZE'), new RegExp(`\\| ${pg.poolSize} \\|`));
  const days = (ms: number) => new RegExp(`\\| ${ms / 86_400_000} days \\|`);
  assert.match(row('PALISADE_RETENTION_EVENTS_MS'), days(DEFAULT_RETENTION.eventsMs));
  assert.match(row('PALISADE_RETENTION_AGGREGATES_MS'), days(DEFAULT_RETENTION.aggregatesMs));
  assert.match(row('PALISADE_RETENTION_BATCH_KEYS_MS'), days(DEFAULT_RETENTION.batchKeysMs));
});
