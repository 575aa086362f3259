// What every browser test of the dashboard needs: a real control plane serving the built app with
// traffic ingested through the real ingest path, tokens, a real gateway on WatchRules that applies
// and acks every rule set it is sent, and headless Chromium (Debian's, via playwright-core).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startControlPlane, type ControlPlane } from '../../../control-plane/app.ts';
import { EMPTY_DETECTION_ENGINE } from '../../../control-plane/rules/compile-rule-set.ts';
import { reportBatchFromJson } from '../../../control-plane/http/routes/reports.ts';
import { sampleBatch, type SampleTrafficOptions } from '../../../control-plane/insights/sample-traffic.ts';
import { loadPalisadeGrpc } from '../../../proto/load.ts';
import type { RuleSet__Output } from '../../../proto/gen/palisade/v1/RuleSet.ts';
import { needCommand } from '../../lib/tools.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const DASHBOARD_DIST = fileURLToPath(new URL('../../../control-plane/dashboard/dist/', import.meta.url));

/** Skip reason outside CI when Chromium is missing (CI installs it: .ci/run). */
export const chromiumSkip = existsSync(CHROMIUM) ? undefined : needCommand('chromium');

export interface DashboardPlane {
  cp: ControlPlane;
  tokens: { viewer: string; operator: string; admin: string };
  close(): Promise<void>;
}

/** A control plane on SQLite serving the built dashboard, with `batches` ingested. */
export async function startDashboardPlane(
  batches: Omit<SampleTrafficOptions, 'gatewayId'>[],
  options: { gatewayId?: string; extra?: Record<string, unknown> } = {},
): Promise<DashboardPlane> {
  const gatewayId = options.gatewayId ?? 'edge-1';
  assert.ok(existsSync(join(DASHBOARD_DIST, 'index.html')), 'the dashboard is not built: run node scripts/build.mjs dashboard');
  const dir = mkdtempSync(join(tmpdir(), 'palisade-browser-'));
  // The built-in detectors are not needed here (gateways report findings; the detector box
  // compiles its own), and compiling them would cost seconds per file.
  const cp = await startControlPlane(
    {
      dataDir: dir,
      grpc: { host: '127.0.0.1', port: 0 },
      http: { host: '127.0.0.1', port: 0, dashboardDir: DASHBOARD_DIST },
      log: { level: 'silent' },
    },
    { detectionEngine: EMPTY_DETECTION_ENGINE, ...(options.extra ? { extra: options.extra } : {}) },
  );
  try {
    for (const b of batches) {
      const result = await cp.ingest.ingestBatch(gatewayId, reportBatchFromJson(sampleBatch({ ...b, gatewayId })));
      assert.equal(result.status, 'ACK_STATUS_OK', result.message);
    }
    const tokens = {
      viewer: await cp.createToken('vera', 'viewer'),
      operator: await cp.createToken('otto', 'operator'),
      admin: await cp.createToken('ada', 'admin'),
    };
    return {
      cp,
      tokens,
      async close() {
        await cp.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await cp.close();
    throw err;
  }
}

/** A gateway that holds a WatchRules stream and acks every rule set it receives, as Envoy's filter does. */
export interface AckingGateway {
  readonly received: RuleSet__Output[];
  /** Resolves once a rule set of at least `version` was received (and acked). */
  waitFor(version: number, ms?: number): Promise<RuleSet__Output>;
  close(): void;
}

export async function ackingGateway(plane: DashboardPlane, id: string): Promise<AckingGateway> {
  const token = await plane.cp.createToken(id, 'gateway', id);
  const Service = loadPalisadeGrpc().palisade.v1.GatewayService;
  const client = new Service(plane.cp.grpcAddress, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  const call = client.WatchRules(md);
  const received: RuleSet__Output[] = [];
  const waiters: { version: number; resolve: (r: RuleSet__Output) => void }[] = [];
  call.on('data', (r: RuleSet__Output) => {
    received.push(r);
    call.write({ appliedVersion: Number(r.version) });
    for (const w of waiters.filter((w) => Number(r.version) >= w.version)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(r);
    }
  });
  call.on('error', () => undefined);
  call.write({ gateway: { id, kind: 'GATEWAY_KIND_ENVOY', version: '1.0.0', hostname: 'browser-test' }, heldVersion: 0 });
  return {
    received,
    waitFor(version, ms = 10_000) {
      const have = received.find((r) => Number(r.version) >= version);
      if (have) return Promise.resolve(have);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`gateway ${id} got no rule set ≥ v${version} in ${ms} ms`)), ms);
        waiters.push({ version, resolve: (r) => (clearTimeout(timer), resolve(r)) });
      });
    },
    close() {
      call.cancel();
      client.close();
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** A laptop-sized page (1280×800) with downloads enabled. */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

/** Signs in through the login form, as a person would. */
export async function signIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/**
 * Screenshots for the docs go to PALISADE_SCREENSHOTS_DIR (docs/img when regenerating them), else
 * to a temporary folder, so an ordinary test run never rewrites tracked files.
 */
const shotsDir = process.env.PALISADE_SCREENSHOTS_DIR ?? mkdtempSync(join(tmpdir(), 'palisade-shots-'));
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(shotsDir, { recursive: true });
  const path = join(shotsDir, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled' });
  return path;
}

/** Polls `check` until it holds (page callbacks would need DOM types and eval the app's CSP forbids). */
export async function until(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
