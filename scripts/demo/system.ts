// Starts the whole system for the demo and the end-to-end tests: a control plane (SQLite in a temp dir,
// or PostgreSQL), the sample upstream, and dev gateways running the real palisade.wasm through the
// Proxy-Wasm host, reporting to the control plane over real gRPC.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { startControlPlane, type ControlPlane } from '../../control-plane/app.ts';
import { parseGatewayConfig } from '../../wasm-filter/gateway/gateway-config.ts';
import { startGateway, type Gateway } from '../../wasm-filter/gateway/gateway.ts';
import { startSampleUpstream, type Upstream } from './sample-upstream.ts';

export const PALISADE_WASM = fileURLToPath(new URL('../../wasm-filter/build/palisade.wasm', import.meta.url));

export interface ControlPlaneOptions {
  postgres?: { url: string; schema?: string };
  httpPort?: number;
  grpcPort?: number;
  logLevel?: string;
  /** Built dashboard served at / (default: the control plane's own default). */
  dashboardDir?: string;
}

export async function startLocalControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane & { dataDir?: string }> {
  const dataDir = opts.postgres ? undefined : mkdtempSync(join(tmpdir(), 'palisade-cp-'));
  const cp = await startControlPlane(
    {
      ...(opts.postgres ? { postgres: opts.postgres } : { dataDir }),
      grpc: { host: '127.0.0.1', port: opts.grpcPort ?? 0 },
      http: { host: '127.0.0.1', port: opts.httpPort ?? 0, ...(opts.dashboardDir ? { dashboardDir: opts.dashboardDir } : {}) },
    },
    { logger: pino({ level: opts.logLevel ?? 'warn' }) },
  );
  return Object.assign(Object.create(cp) as ControlPlane, cp, {
    dataDir,
    close: async () => {
      await cp.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

export interface GatewayOptions {
  gatewayId: string;
  token: string;
  grpcAddress: string;
  upstreamPort: number;
  workers?: number;
  port?: number;
  mode?: 'monitor' | 'enforce';
  flushIntervalMs?: number;
  /** Trust one proxy hop of x-forwarded-for for the client address (Envoy's xff_num_trusted_hops). */
  xffNumTrustedHops?: number;
  /** The filter's hash_key (32 hex digits): value hashes for enums from runtime need one. */
  hashKey?: string;
}

export function startDevGateway(o: GatewayOptions): Promise<Gateway> {
  const config = parseGatewayConfig({
    listen: { host: '127.0.0.1', port: o.port ?? 0 },
    upstream: `127.0.0.1:${o.upstreamPort}`,
    filter: {
      wasm: PALISADE_WASM,
      name: 'palisade',
      workers: o.workers ?? 2,
      fail_open: false,
      allow_on_headers_stop_iteration: true,
      log_level: 'warn',
      config: {
        control_plane_cluster: 'control_plane',
        gateway_id: o.gatewayId,
        token: o.token,
        gateway_kind: 'dev',
        mode: o.mode ?? 'enforce',
        flush_interval_ms: o.flushIntervalMs ?? 250,
        allow_on_headers_stop_iteration: true,
        ...(o.hashKey ? { hash_key: o.hashKey } : {}),
      },
    },
    grpc_clusters: { control_plane: { address: o.grpcAddress } },
    ...(o.xffNumTrustedHops ? { xff_num_trusted_hops: o.xffNumTrustedHops } : {}),
  });
  return startGateway(config, { logger: () => undefined });
}

export { startSampleUpstream, type Upstream };

/** Authenticated JSON call to the REST API. */
export async function apiCall<T = unknown>(
  cp: { httpUrl: string },
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(cp.httpUrl + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/**
 * Publishes one enforced block policy (403) as the next rules version, on top of the newest
 * published version (`expectedVersion`); answers the API's reply (201 with the new version).
 */
export async function publishBlock(
  cp: { httpUrl: string },
  token: string,
  rule: { id: string; name: string; comment: string; match: Record<string, unknown> },
): Promise<{ status: number; body: { version: string } }> {
  const versions = await apiCall<{ items: { version: string }[] }>(cp, token, 'GET', '/v1/rules/versions');
  const expectedVersion = Math.max(0, ...versions.body.items.map((v) => Number(v.version)));
  return apiCall<{ version: string }>(cp, token, 'POST', '/v1/rules/publish', {
    comment: rule.comment,
    expectedVersion: String(expectedVersion),
    source: {
      policies: [{ id: rule.id, name: rule.name, mode: 'MODE_ENFORCE', action: 'ACTION_BLOCK', match: rule.match, block: { status: 403 } }],
    },
  });
}

/** Polls `check` until it returns a value or the deadline passes. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
