// Field-level checks of the Istio resources we ship. Istio's CRD protos are not vendored in any
// npm package we use, so the accepted fields and enum values are listed here from Istio's
// reference docs (extensions.istio.io/v1alpha1 WasmPlugin, networking.istio.io/v1alpha3
// EnvoyFilter); the Envoy parts inside an EnvoyFilter patch are checked against Envoy's protos.
import { validateMessage } from './envoy-schema.ts';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const WASM_PLUGIN_SPEC: Record<string, ((v: unknown) => string | undefined) | undefined> = {
  selector: (v) => (isObj(v) && isObj(v.matchLabels) ? undefined : 'must be { matchLabels: {...} }'),
  targetRef: (v) => (isObj(v) ? undefined : 'must be an object'),
  targetRefs: (v) => (Array.isArray(v) ? undefined : 'must be a list'),
  url: (v) => (typeof v === 'string' && /^(oci|file|https?):\/\//.test(v) ? undefined : 'must be an oci://, file:// or http(s):// URL'),
  sha256: (v) => (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? undefined : 'must be 64 hex characters'),
  imagePullPolicy: oneOf('UNSPECIFIED_POLICY', 'IfNotPresent', 'Always'),
  imagePullSecret: (v) => (typeof v === 'string' ? undefined : 'must be a string'),
  pluginConfig: (v) => (isObj(v) ? undefined : 'must be an object'),
  pluginName: (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'must be a non-empty string'),
  phase: oneOf('UNSPECIFIED_PHASE', 'AUTHN', 'AUTHZ', 'STATS'),
  priority: (v) => (Number.isInteger(v) ? undefined : 'must be an integer'),
  failStrategy: oneOf('FAIL_CLOSE', 'FAIL_OPEN'),
  vmConfig: (v) => (isObj(v) ? undefined : 'must be an object'),
  match: (v) => (Array.isArray(v) ? undefined : 'must be a list'),
  type: oneOf('UNSPECIFIED_PLUGIN_TYPE', 'HTTP', 'NETWORK'),
};

function oneOf(...values: string[]) {
  return (v: unknown) => (typeof v === 'string' && values.includes(v) ? undefined : `must be one of ${values.join(', ')}`);
}

function checkHeader(doc: unknown, apiVersion: string, kind: string, errors: string[]): Record<string, unknown> | undefined {
  if (!isObj(doc)) return void errors.push('(root): must be an object');
  if (doc.apiVersion !== apiVersion) errors.push(`apiVersion: must be ${apiVersion}`);
  if (doc.kind !== kind) errors.push(`kind: must be ${kind}`);
  if (!isObj(doc.metadata) || typeof doc.metadata.name !== 'string') errors.push('metadata.name: is required');
  for (const k of Object.keys(doc)) if (!['apiVersion', 'kind', 'metadata', 'spec'].includes(k)) errors.push(`${k}: unknown field`);
  if (!isObj(doc.spec)) return void errors.push('spec: is required');
  return doc.spec;
}

export function validateWasmPlugin(doc: unknown): string[] {
  const errors: string[] = [];
  const spec = checkHeader(doc, 'extensions.istio.io/v1alpha1', 'WasmPlugin', errors);
  if (!spec) return errors;
  if (spec.url === undefined) errors.push('spec.url: is required');
  for (const [k, v] of Object.entries(spec)) {
    const check = WASM_PLUGIN_SPEC[k];
    if (!check) errors.push(`spec.${k}: unknown field of WasmPlugin`);
    else {
      const problem = check(v);
      if (problem) errors.push(`spec.${k}: ${problem}`);
    }
  }
  return errors;
}

/** EnvoyFilter with CLUSTER patches: the patch value is checked as envoy.config.cluster.v3.Cluster. */
export function validateClusterEnvoyFilter(doc: unknown): string[] {
  const errors: string[] = [];
  const spec = checkHeader(doc, 'networking.istio.io/v1alpha3', 'EnvoyFilter', errors);
  if (!spec) return errors;
  for (const k of Object.keys(spec))
    if (!['workloadSelector', 'configPatches', 'priority', 'targetRefs'].includes(k))
      errors.push(`spec.${k}: unknown field of EnvoyFilter`);
  const patches = spec.configPatches;
  if (!Array.isArray(patches)) return [...errors, 'spec.configPatches: must be a list'];
  patches.forEach((p, i) => {
    const at = `spec.configPatches[${i}]`;
    if (!isObj(p)) return void errors.push(`${at}: must be an object`);
    if (p.applyTo !== 'CLUSTER') errors.push(`${at}.applyTo: only CLUSTER patches are shipped`);
    const match = isObj(p.match) ? p.match : {};
    if (!['ANY', 'SIDECAR_INBOUND', 'SIDECAR_OUTBOUND', 'GATEWAY', undefined].includes(match.context as string))
      errors.push(`${at}.match.context: unknown context`);
    const patch = isObj(p.patch) ? p.patch : undefined;
    if (
      !patch ||
      !['ADD', 'MERGE', 'REMOVE', 'INSERT_BEFORE', 'INSERT_AFTER', 'INSERT_FIRST', 'REPLACE'].includes(patch.operation as string)
    )
      return void errors.push(`${at}.patch.operation: unknown operation`);
    errors.push(
      ...validateMessage('envoy.config.cluster.v3.Cluster', patch.value).map(
        (e) => `${at}.patch.value${e.slice('envoy.config.cluster.v3.Cluster'.length)}`,
      ),
    );
  });
  return errors;
}
