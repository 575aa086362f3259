// envoy-global-ratelimit.yaml (fleet-wide limits through Envoy's global rate-limit filter) is a
// valid Bootstrap, strictly, with the rate-limit filter's own proto loaded; the header the filter
// sets, the route's descriptor and the rate-limit service's config name the same things; and the
// plugin configuration it embeds is accepted by the real palisade.wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadEnvoyRoot, validateMessage } from '../envoy-schema.ts';
import { createPlugin } from '../../host/plugin.ts';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const doc = (): Any => parse(readFileSync('wasm-filter/envoy/envoy-global-ratelimit.yaml', 'utf8'));
const service = (): Any => parse(readFileSync('wasm-filter/envoy/ratelimit-service.yaml', 'utf8'));
const hcm = (d: Any) => d.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
const filter = (d: Any, name: string) => hcm(d).http_filters.find((f: Any) => f.name === name)?.typed_config;
const pluginConfig = (d: Any) => JSON.parse(filter(d, 'envoy.filters.http.wasm').config.configuration.value);
const headerAction = (d: Any) => hcm(d).route_config.virtual_hosts[0].routes[0].route.rate_limits[0].actions[0].request_headers;

/** The shared Envoy schema plus the rate-limit filter, whose proto envoy.yaml does not need. */
function schema() {
  const root = loadEnvoyRoot();
  root.loadSync('envoy/extensions/filters/http/ratelimit/v3/rate_limit.proto', { keepCase: true });
  root.resolveAll();
  return root;
}

test('envoy-global-ratelimit.yaml is a valid Bootstrap, strictly', () => {
  assert.deepEqual(validateMessage('envoy.config.bootstrap.v3.Bootstrap', doc(), schema()), []);
});

test('a typo in the rate-limit filter is caught', () => {
  const d = doc();
  filter(d, 'envoy.filters.http.ratelimit').failure_mode_deni = true;
  const errors = validateMessage('envoy.config.bootstrap.v3.Bootstrap', d, schema());
  assert.ok(
    errors.some((e) => /failure_mode_deni: unknown field/.test(e)),
    errors.join('\n'),
  );
});

test('the filter header, the route descriptor and the rate-limit service agree', () => {
  const d = doc();
  const names = hcm(d).http_filters.map((f: Any) => f.name);
  assert.deepEqual(
    names,
    ['envoy.filters.http.wasm', 'envoy.filters.http.ratelimit', 'envoy.filters.http.router'],
    'the descriptor header is set before the rate-limit filter reads it',
  );
  const action = headerAction(d);
  assert.equal(action.header_name, pluginConfig(d).rate_limit_descriptor_header);
  assert.equal(action.skip_if_absent, true, 'requests no policy limited are never sent to the service');
  const rl = filter(d, 'envoy.filters.http.ratelimit');
  assert.equal(rl.failure_mode_deny, false, 'an unreachable rate-limit service fails open');
  assert.equal(rl.domain, service().domain);
  assert.ok(
    service().descriptors.some((x: Any) => x.key === action.descriptor_key && x.value === undefined && x.rate_limit.requests_per_unit > 0),
    'the service counts every value of the descriptor key',
  );
  const cluster = d.static_resources.clusters.find((c: Any) => c.name === rl.rate_limit_service.grpc_service.envoy_grpc.cluster_name);
  assert.deepEqual(
    cluster.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'].explicit_http_config
      .http2_protocol_options,
    {},
  );
});

test('its plugin configuration is accepted by palisade.wasm', async () => {
  assert.ok(existsSync('wasm-filter/build/palisade.wasm'), 'palisade.wasm is built (npm run build)');
  const plugin = await createPlugin({
    wasm: 'wasm-filter/build/palisade.wasm',
    pluginConfig: JSON.stringify(pluginConfig(doc())),
    grpcClusters: { palisade_control_plane: { address: '127.0.0.1:9' } },
    logLevel: 'warn',
  });
  assert.equal(plugin.failed, false);
  await plugin.close();
});
