// Configuration: defaults, env (PALISADE_*) over file over nothing, and refusals that name the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, envName, loadConfig, resolveConfig } from './load-config.ts';

test('a data dir alone is a complete config with defaults', () => {
  const c = resolveConfig({ dataDir: '/tmp/x' });
  assert.deepEqual(c.store, { kind: 'sqlite', dataDir: '/tmp/x', synchronous: 'full' });
  assert.equal(c.grpc.port, 50051);
  assert.equal(c.http.port, 8080);
  assert.ok(Object.isFrozen(c.http));
});

test('env names derive from field paths', () => {
  assert.equal(envName(['grpc', 'tls', 'certFile']), 'PALISADE_GRPC_TLS_CERT_FILE');
  assert.equal(envName(['dataDir']), 'PALISADE_DATA_DIR');
});

test('YAML file, then env, then overrides', () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-config-'));
  const file = join(dir, 'c.yaml');
  writeFileSync(file, 'dataDir: /data\nhttp:\n  port: 9000\n  host: 127.0.0.1\n');
  const c = loadConfig({
    file,
    env: { PALISADE_HTTP_PORT: '9100', PALISADE_INTERNAL_NETWORKS: '10.0.0.0/8, 192.168.0.0/16' },
    overrides: { grpc: { port: 0 } },
  });
  assert.equal(c.http.port, 9100);
  assert.equal(c.http.host, '127.0.0.1');
  assert.equal(c.grpc.port, 0);
  assert.deepEqual(c.internalNetworks, ['10.0.0.0/8', '192.168.0.0/16']);
  const pg = loadConfig({ file, overrides: { postgres: { url: 'postgres://u@h/db' } } });
  assert.equal(pg.store.kind, 'postgres');
});

test('bad values name the field and the rule', () => {
  const attempt = (input: Record<string, unknown>) => {
    try {
      resolveConfig(input);
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      return e.message;
    }
    assert.fail('expected a ConfigError');
  };
  assert.match(attempt({ dataDir: '/d', http: { port: 70000 } }), /config field http\.port: must be <= 65535/);
  assert.match(attempt({ dataDir: '/d', grpc: { prot: 1 } }), /config field grpc\.prot: is not a known field/);
  assert.match(attempt({}), /config field dataDir: a store is required/);
  assert.match(attempt({ dataDir: '/d', internalNetworks: ['10.0.0.1/8'] }), /internalNetworks\[0\]: has host bits set/);
  assert.match(attempt({ dataDir: '/d', log: { level: 'loud' } }), /config field log\.level: must be one of/);
  assert.match(loadConfigMessage({ PALISADE_HTTP_PORT: 'eighty' }), /config field http\.port: must be integer/);
});

function loadConfigMessage(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig({ env, overrides: { dataDir: '/d' } });
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

test('sqliteSynchronous: full by default, normal on request, anything else refused', () => {
  assert.deepEqual(resolveConfig({ dataDir: '/tmp/x', sqliteSynchronous: 'normal' }).store, {
    kind: 'sqlite',
    dataDir: '/tmp/x',
    synchronous: 'normal',
  });
  assert.throws(
    () => resolveConfig({ dataDir: '/tmp/x', sqliteSynchronous: 'off' }),
    (e: ConfigError) => e instanceof ConfigError && e.errors.some((f) => f.path === '$.sqliteSynchronous'),
  );
});
