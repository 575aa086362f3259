// Deploys the Palisade shared flow to Apigee through the management API: import the bundle as a
// new revision, deploy it to an environment (override), store the gateway token in the
// environment's KVM, attach the flow hooks with `continueOnError` set explicitly from the
// operator's fail-open / fail-closed choice (Apigee X defaults it to true: notes/apigee.md §5).
// Apigee X / hybrid (apigee.googleapis.com, OAuth bearer token) and Edge (api.enterprise.apigee.com,
// OAuth or Basic). `--dry-run` prints every request it would send and sends none.
// Usage: scripts/deploy-apigee --org ORG --env ENV --control-plane-url URL [options] (see --help).
import { fileURLToPath } from 'node:url';
import { bundleZip, pathsFrom, type BundleOptions } from '../apigee-sharedflow/tools/bundle.ts';

export type Flavor = 'x' | 'edge';
export const HOOK_POINTS = ['PreProxyFlowHook', 'PreTargetFlowHook', 'PostTargetFlowHook', 'PostProxyFlowHook'] as const;
export type HookPoint = (typeof HOOK_POINTS)[number];
export const DEFAULT_BASE_URL: Record<Flavor, string> = {
  x: 'https://apigee.googleapis.com/v1',
  edge: 'https://api.enterprise.apigee.com/v1',
};

export interface DeployOptions {
  flavor: Flavor;
  baseUrl: string;
  org: string;
  env: string;
  /** `Authorization` header value: `Bearer <token>` (X, Edge OAuth) or `Basic <b64>` (Edge). */
  authorization: string;
  name: string;
  failureMode: 'open' | 'closed';
  hooks: HookPoint[];
  /** Detach a flow hook that holds another shared flow instead of stopping with a conflict. */
  replaceHooks: boolean;
  /** Stored in the environment KVM `palisade` as `gateway-token` (read by KVM-GatewayToken). */
  gatewayToken: string | null;
  /** Stored in the same KVM as `hash-key`: the value-hash key of enums from runtime (docs/posture.md). */
  hashKey: string | null;
  dryRun: boolean;
  bundle: BundleOptions;
  /** X deploys asynchronously: how long to wait for READY. */
  deployTimeoutMs: number;
  pollIntervalMs: number;
}

export interface PlannedRequest {
  method: string;
  url: string;
  contentType: string | null;
  body: string | null;
  bytes: number;
}

export interface DeployResult {
  revision: string | null;
  requests: PlannedRequest[];
  hooks: { point: HookPoint; continueOnError: boolean }[];
}

/** A management API answer that stops the deployment; `message` says what to do. */
export class DeployError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'DeployError';
  }
}

function apiMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: { message?: string }; message?: string };
    return j.error?.message ?? j.message ?? text.slice(0, 300);
  } catch {
    return text.slice(0, 300);
  }
}

function explain(status: number, what: string, path: string, o: DeployOptions, text: string): DeployError {
  const detail = apiMessage(text);
  const step = `${what} (${path})`;
  if (status === 401) {
    const how =
      o.flavor === 'x' ? 'use a fresh OAuth token (gcloud auth print-access-token)' : 'check the Edge OAuth token or Basic credentials';
    return new DeployError(`${step}: Apigee refused the credentials (401): ${detail}; ${how}`, status);
  }
  if (status === 403) return new DeployError(`${step}: not allowed (403): ${detail}`, status);
  if (status === 404 && /environments\//.test(path)) {
    return new DeployError(`${step}: environment "${o.env}" or organization "${o.org}" not found (404): ${detail}`, status);
  }
  if (status === 409) {
    const hint = what.startsWith('attach ') ? '; --replace-hooks detaches the shared flow that holds it' : '';
    return new DeployError(`${step}: conflict (409): ${detail}${hint}`, status);
  }
  return new DeployError(`${step}: HTTP ${status}: ${detail}`, status);
}

/** Runs the deployment; every request goes through `fetchImpl` (nock intercepts global fetch in tests). */
export async function deploySharedFlow(o: DeployOptions, zip: Buffer, fetchImpl: typeof fetch = fetch): Promise<DeployResult> {
  const result: DeployResult = { revision: null, requests: [], hooks: [] };
  const org = `${o.baseUrl.replace(/\/+$/, '')}/organizations/${encodeURIComponent(o.org)}`;
  const env = `${org}/environments/${encodeURIComponent(o.env)}`;

  async function call(
    method: string,
    url: string,
    body: Buffer | string | null,
    contentType: string | null,
    step: string,
    ok: number[] = [],
  ) {
    let text = body === null ? null : Buffer.isBuffer(body) ? `<${body.length} bytes>` : body;
    // The gateway token and the hash key are secrets: never in the printed plan.
    for (const secret of [o.gatewayToken, o.hashKey]) if (text !== null && secret) text = text.split(secret).join('***');
    result.requests.push({ method, url, contentType, body: text, bytes: body === null ? 0 : Buffer.byteLength(body) });
    if (o.dryRun) return { status: 0, json: null as unknown, text: '' };
    const headers: Record<string, string> = { authorization: o.authorization, accept: 'application/json' };
    if (contentType) headers['content-type'] = contentType;
    const res = await fetchImpl(url, {
      method,
      headers,
      ...(body !== null ? { body: typeof body === 'string' ? body : new Uint8Array(body) } : {}),
    });
    const responseText = await res.text();
    if (!res.ok && !ok.includes(res.status)) throw explain(res.status, step, `${method} ${url.slice(o.baseUrl.length)}`, o, responseText);
    let json: unknown;
    try {
      json = responseText ? JSON.parse(responseText) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json, text: responseText };
  }

  // 1. Import the bundle as a new revision.
  const imported = await call(
    'POST',
    `${org}/sharedflows?action=import&name=${encodeURIComponent(o.name)}${o.flavor === 'edge' ? '&validate=true' : ''}`,
    zip,
    'application/octet-stream',
    'import',
  );
  const revision = o.dryRun ? '<new>' : String((imported.json as { revision?: string | number } | null)?.revision ?? '');
  if (!o.dryRun && !/^\d+$/.test(revision))
    throw new DeployError(`import: the answer has no revision: ${imported.text.slice(0, 200)}`, imported.status);
  result.revision = o.dryRun ? null : revision;

  // 2. Deploy it, replacing whatever revision is deployed (override).
  const deployments = `${env}/sharedflows/${encodeURIComponent(o.name)}/revisions/${revision}/deployments`;
  if (o.flavor === 'x') {
    await call('POST', `${deployments}?override=true`, null, null, 'deploy');
    // X deploys asynchronously; the flow hook may only point at a deployed shared flow.
    if (!o.dryRun) {
      const deadline = Date.now() + o.deployTimeoutMs;
      for (;;) {
        const status = await call('GET', deployments, null, null, 'deployment status');
        const state = (status.json as { state?: string } | null)?.state;
        if (state === 'READY' || state === undefined) break;
        if (state === 'ERROR')
          throw new DeployError(`deploy: revision ${revision} failed to deploy: ${status.text.slice(0, 300)}`, status.status);
        if (Date.now() > deadline)
          throw new DeployError(`deploy: revision ${revision} not READY after ${o.deployTimeoutMs} ms (state ${state})`, 0);
        await new Promise((r) => setTimeout(r, o.pollIntervalMs));
      }
    }
  } else {
    await call('POST', deployments, 'override=true&delay=5', 'application/x-www-form-urlencoded', 'deploy');
  }

  // 3. The secrets, encrypted, in the environment KVM the bundle reads (KVM-GatewayToken).
  const entries: { name: string; value: string; what: string }[] = [];
  if (o.gatewayToken !== null) entries.push({ name: 'gateway-token', value: o.gatewayToken, what: 'gateway token' });
  if (o.hashKey !== null) entries.push({ name: 'hash-key', value: o.hashKey, what: 'hash key' });
  if (entries.length > 0) {
    const maps = `${env}/keyvaluemaps`;
    const entryJson = (e: (typeof entries)[number]) => JSON.stringify({ name: e.name, value: e.value });
    if (o.flavor === 'x') {
      await call('POST', maps, JSON.stringify({ name: 'palisade', encrypted: true }), 'application/json', 'create KVM', [409]);
      for (const e of entries) {
        const created = await call('POST', `${maps}/palisade/entries`, entryJson(e), 'application/json', `store ${e.what}`, [409]);
        if (created.status === 409)
          await call('PUT', `${maps}/palisade/entries/${e.name}`, entryJson(e), 'application/json', `update ${e.what}`);
      }
    } else {
      const map = JSON.stringify({ name: 'palisade', encrypted: true, entry: entries.map((e) => ({ name: e.name, value: e.value })) });
      const created = await call('POST', maps, map, 'application/json', 'create KVM', [409]);
      if (created.status === 409) {
        for (const e of entries)
          await call('POST', `${maps}/palisade/entries/${e.name}`, entryJson(e), 'application/json', `update ${e.what}`);
      }
    }
  }

  // 4. Flow hooks, continueOnError explicit: fail-open → true, fail-closed → false.
  const continueOnError = o.failureMode === 'open';
  for (const point of o.hooks) {
    const url = `${env}/flowhooks/${point}`;
    const body = JSON.stringify({
      sharedFlow: o.name,
      continueOnError,
      description: `Palisade inspection (${o.failureMode === 'open' ? 'fail-open' : 'fail-closed'})`,
    });
    const method = o.flavor === 'x' ? 'PUT' : 'POST';
    const attached = await call(method, url, body, 'application/json', `attach ${point}`, o.replaceHooks ? [409] : []);
    if (attached.status === 409) {
      await call('DELETE', url, null, null, `detach ${point}`);
      await call(method, url, body, 'application/json', `attach ${point}`);
    }
    result.hooks.push({ point, continueOnError });
  }
  return result;
}

const HELP = `scripts/deploy-apigee: import, deploy and attach the Palisade shared flow.

Required:
  --org ORG                 Apigee organization
  --env ENV                 environment to deploy to and attach the flow hooks in
  --control-plane-url URL   Palisade control plane base URL (GET /v1/rules, POST /v1/reports)
Credentials (not needed with --dry-run):
  APIGEE_TOKEN=...          OAuth access token (X: gcloud auth print-access-token; Edge: login.apigee.com)
  APIGEE_USER / APIGEE_PASSWORD   Edge Basic credentials instead of a token
Options:
  --flavor x|edge           Apigee X / hybrid (default) or Edge
  --base-url URL            management API base (default per flavor; hybrid/OPDK: your host + /v1)
  --name NAME               shared flow name (default palisade)
  --gateway-id ID           gateway id reported in every event (default apigee-ENV)
  --gateway-token-env VAR   environment variable holding the gateway token to store in the KVM
  --hash-key-env VAR        environment variable holding the value-hash key (32 hex digits, the
                            filter's hash_key) to store in the KVM: enums from runtime
  --fail-closed             refuse traffic when inspection fails (flow hook continueOnError=false)
  --fail-open               let traffic through when inspection fails (default; continueOnError=true)
  --hooks LIST              comma-separated hook points (default PreProxyFlowHook,PostProxyFlowHook)
  --replace-hooks           detach hooks that hold another shared flow instead of stopping
  --time-limit-ms N         inspection policies' timeLimit (default 250, at least 150; JS-AcceptRules keeps its own)
  --dry-run                 print the requests, send nothing
`;

/** Parses the command line (and environment) into options; throws with a message naming the flag. */
export function parseArgs(argv: string[], environ: NodeJS.ProcessEnv): DeployOptions | 'help' {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const [k, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (['dry-run', 'fail-closed', 'fail-open', 'replace-hooks', 'help'].includes(k)) flags.set(k, true);
    else {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`--${k} needs a value`);
      flags.set(k, value);
    }
  }
  if (flags.has('help')) return 'help';
  const str = (k: string) => (typeof flags.get(k) === 'string' ? (flags.get(k) as string) : undefined);
  const flavor = (str('flavor') ?? 'x') as Flavor;
  if (flavor !== 'x' && flavor !== 'edge') throw new Error('--flavor must be x or edge');
  const org = str('org');
  const envName = str('env');
  const cp = str('control-plane-url');
  if (!org) throw new Error('--org is required');
  if (!envName) throw new Error('--env is required');
  if (!cp) throw new Error('--control-plane-url is required');
  if (flags.has('fail-closed') && flags.has('fail-open')) throw new Error('--fail-closed and --fail-open exclude each other');
  const dryRun = flags.has('dry-run');
  let authorization = '';
  if (environ.APIGEE_TOKEN) authorization = `Bearer ${environ.APIGEE_TOKEN}`;
  else if (flavor === 'edge' && environ.APIGEE_USER && environ.APIGEE_PASSWORD) {
    authorization = `Basic ${Buffer.from(`${environ.APIGEE_USER}:${environ.APIGEE_PASSWORD}`).toString('base64')}`;
  } else if (!dryRun) throw new Error('set APIGEE_TOKEN (or APIGEE_USER and APIGEE_PASSWORD for Edge)');
  const hooks = (str('hooks') ?? 'PreProxyFlowHook,PostProxyFlowHook').split(',').map((h) => h.trim()) as HookPoint[];
  for (const h of hooks) if (!HOOK_POINTS.includes(h)) throw new Error(`--hooks: unknown hook point ${h} (${HOOK_POINTS.join(', ')})`);
  const tokenVar = str('gateway-token-env');
  if (tokenVar && !environ[tokenVar]) throw new Error(`--gateway-token-env: ${tokenVar} is not set`);
  const keyVar = str('hash-key-env');
  const hashKey = keyVar ? (environ[keyVar] ?? '') : null;
  if (hashKey !== null && !/^[0-9a-fA-F]{32}$/.test(hashKey)) throw new Error(`--hash-key-env: ${keyVar} must hold 32 hex digits`);
  if (hashKey !== null && /^0+$/.test(hashKey)) throw new Error(`--hash-key-env: ${keyVar} is the all-zero key, which anyone could use`);
  const failureMode = flags.has('fail-closed') ? 'closed' : 'open';
  const timeLimit = str('time-limit-ms');
  return {
    flavor,
    baseUrl: str('base-url') ?? DEFAULT_BASE_URL[flavor],
    org,
    env: envName,
    authorization,
    name: str('name') ?? 'palisade',
    failureMode,
    hooks,
    replaceHooks: flags.has('replace-hooks'),
    gatewayToken: tokenVar ? environ[tokenVar]! : null,
    hashKey,
    dryRun,
    bundle: {
      controlPlaneUrl: cp,
      gatewayId: str('gateway-id') ?? `apigee-${envName}`,
      failureMode,
      flavor,
      ...(timeLimit ? { timeLimitMs: Number(timeLimit) } : {}),
    },
    deployTimeoutMs: 300_000,
    pollIntervalMs: 3000,
  };
}

export async function main(argv: string[], environ: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  let o: DeployOptions | 'help';
  try {
    o = parseArgs(argv, environ);
  } catch (e) {
    out(`deploy-apigee: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (o === 'help') {
    out(HELP);
    return 0;
  }
  try {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const { zip, warnings } = bundleZip(pathsFrom(root), o.bundle);
    for (const w of warnings) out(`warning: ${w}`);
    const r = await deploySharedFlow(o, zip);
    for (const q of r.requests) out(`${o.dryRun ? 'would send' : 'sent'}: ${q.method} ${q.url}${q.body !== null ? ` ${q.body}` : ''}`);
    if (!o.dryRun)
      out(
        `deployed ${o.name} revision ${r.revision} to ${o.env}; hooks ${r.hooks.map((h) => `${h.point} (continueOnError=${h.continueOnError})`).join(', ')}`,
      );
    return 0;
  } catch (e) {
    out(`deploy-apigee: ${(e as Error).message}`);
    return 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2), process.env, (l) => console.log(l));
}
