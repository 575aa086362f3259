// envoy.yaml and the Istio resources parse against Envoy's published API protos (vendored by
// @grpc/grpc-js-xds) with strict unknown-field checking, typed_config Any blocks included, and
// the plugin configuration they embed is accepted by the real palisade.wasm in the host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { validateMessage } from '../envoy-schema.ts';
import { validateClusterEnvoyFilter, validateWasmPlugin } from '../istio-schema.ts';
import { createPlugin } from '../../host/plugin.ts';

const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';
const envoyDoc = () => parse(readFileSync('wasm-filter/envoy/envoy.yaml', 'utf8'));
const wasmPluginDoc = () => parse(readFileSync('wasm-filter/envoy/istio/wasm-plugin.yaml', 'utf8'));
const clusterDoc = () => parse(readFileSync('wasm-filter/envoy/istio/control-plane-cluster.yaml', 'utf8'));

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const hcm = (doc: Any) => doc.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
const wasmFilter = (doc: Any) => hcm(doc).http_filters.find((f: Any) => f.name === 'envoy.filters.http.wasm').typed_config;

test('envoy.yaml is a valid Bootstrap, strictly', () => {
  assert.deepEqual(validateMessage(BOOTSTRAP, envoyDoc()), []);
});

const TYPOS: { name: string; mutate: (d: Any) => void; expect: RegExp }[] = [
  { name: 'unknown top-level field', mutate: (d) => (d.static_resource = {}), expect: /static_resource: unknown field/ },
  {
    name: 'typo in a cluster (conect_timeout)',
    mutate: (d) => (d.static_resources.clusters[0].conect_timeout = '1s'),
    expect: /clusters\[0\]\.conect_timeout: unknown field/,
  },
  {
    name: 'typo inside the HttpConnectionManager Any',
    mutate: (d) => (hcm(d).stat_prefx = 'x'),
    expect: /stat_prefx: unknown field of envoy\.extensions\.filters\.network\.http_connection_manager/,
  },
  {
    name: 'typo inside the Wasm filter PluginConfig',
    mutate: (d) => (wasmFilter(d).config.rootid = 'x'),
    expect: /config\.rootid: unknown field of envoy\.extensions\.wasm\.v3\.PluginConfig/,
  },
  {
    name: 'typo inside VmConfig',
    mutate: (d) => (wasmFilter(d).config.vm_config.runtme = 'v8'),
    expect: /vm_config\.runtme: unknown field/,
  },
  {
    name: 'bad enum value (cluster type)',
    mutate: (d) => (d.static_resources.clusters[0].type = 'STRICTDNS'),
    expect: /type: must be one of/,
  },
  {
    name: 'bad duration',
    mutate: (d) => (d.static_resources.clusters[0].connect_timeout = 'soon'),
    expect: /connect_timeout: must be a duration/,
  },
  {
    name: 'unknown @type',
    mutate: (d) => (wasmFilter(d)['@type'] = 'type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasmm'),
    expect: /unknown @type/,
  },
  {
    name: 'wrong scalar type (port_value as text)',
    mutate: (d) => (d.admin.address.socket_address.port_value = 'nine'),
    expect: /port_value: must be an integer/,
  },
  {
    name: 'typo inside HttpProtocolOptions',
    mutate: (d) =>
      (d.static_resources.clusters[1].typed_extension_protocol_options[
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions'
      ].explicit_http_config.http2_options = {}),
    expect: /http2_options: unknown field/,
  },
];
for (const t of TYPOS) {
  test(`a config typo fails validation: ${t.name}`, () => {
    const doc = envoyDoc();
    t.mutate(doc);
    const errors = validateMessage(BOOTSTRAP, doc);
    assert.ok(
      errors.some((e) => t.expect.test(e)),
      errors.join('\n') || 'no error reported',
    );
  });
}

test('the control-plane cluster named in the plugin config exists and speaks HTTP/2', () => {
  const doc = envoyDoc();
  const config = JSON.parse(wasmFilter(doc).config.configuration.value);
  const cluster = doc.static_resources.clusters.find((c: Any) => c.name === config.control_plane_cluster);
  assert.ok(cluster, `cluster ${config.control_plane_cluster} is defined`);
  const opts = cluster.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'];
  assert.deepEqual(opts.explicit_http_config.http2_protocol_options, {});
  assert.equal(
    config.allow_on_headers_stop_iteration,
    wasmFilter(doc).config.allow_on_headers_stop_iteration,
    'filter and Envoy agree on the mode',
  );
});

const palisadeWasm = 'wasm-filter/build/palisade.wasm';

async function configures(pluginConfig: string): Promise<void> {
  assert.ok(existsSync(palisadeWasm), 'palisade.wasm is built (npm run build)');
  const plugin = await createPlugin({
    wasm: palisadeWasm,
    pluginConfig,
    // An address nothing listens on: calls fail later, configure must not depend on them.
    grpcClusters: { palisade_control_plane: { address: '127.0.0.1:9' } },
    logLevel: 'warn',
  });
  assert.equal(plugin.failed, false);
  await plugin.close();
}

test('the plugin configuration in envoy.yaml is accepted by palisade.wasm (on_configure returns true)', async () => {
  await configures(wasmFilter(envoyDoc()).config.configuration.value);
});

test('a plugin configuration with an unknown field is refused by palisade.wasm', async () => {
  await assert.rejects(createPlugin({ wasm: palisadeWasm, pluginConfig: '{"mode":"enforce","batchsize":3}', logLevel: 'critical' }), {
    code: 'configure',
  });
});

test('Istio WasmPlugin: known fields only, and its pluginConfig is accepted by palisade.wasm', async () => {
  const doc = wasmPluginDoc();
  assert.deepEqual(validateWasmPlugin(doc), []);
  // Istio serializes the pluginConfig Struct to JSON for the plugin.
  await configures(JSON.stringify(doc.spec.pluginConfig));
  doc.spec.failStrategy = 'FAIL_CLOSED';
  doc.spec.pluginconfig = {};
  const errors = validateWasmPlugin(doc);
  assert.ok(errors.some((e) => /spec\.failStrategy: must be one of/.test(e)));
  assert.ok(errors.some((e) => /spec\.pluginconfig: unknown field/.test(e)));
});

test('Istio EnvoyFilter: the added cluster is a valid Envoy Cluster named as in pluginConfig', () => {
  const doc = clusterDoc();
  assert.deepEqual(validateClusterEnvoyFilter(doc), []);
  assert.equal(doc.spec.configPatches[0].patch.value.name, wasmPluginDoc().spec.pluginConfig.control_plane_cluster);
  doc.spec.configPatches[0].patch.value.lb_polcy = 'ROUND_ROBIN';
  assert.ok(validateClusterEnvoyFilter(doc).some((e) => /lb_polcy: unknown field/.test(e)));
});
