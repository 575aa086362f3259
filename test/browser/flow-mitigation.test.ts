// One-click mitigation in real Chromium: an operator finds an endpoint in the flow graph, blocks
// it, sees the new rules version and the gateway's ack (a real WatchRules client), then undoes it
// with one click — a rollback to the version before, which the gateway also receives and acks.
// Log and Rate limit (rate, period, key) publish the policy the gateway then holds, also for the
// clients of one organisation (the flow graph grouped by ASN).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../../control-plane/audit/audit-log.ts';
import {
  ackingGateway,
  chromiumSkip,
  launchChromium,
  newPage,
  screenshot,
  signIn,
  startDashboardPlane,
  type AckingGateway,
  type DashboardPlane,
} from './lib/dashboard-harness.ts';
import { assertContrast } from './lib/contrast.ts';

let plane: DashboardPlane;
let gateway: AckingGateway;
let browser: Browser;
let page: Page;

const LOG_POLICY = {
  id: 'log-admin',
  name: 'Log admin calls',
  action: 'ACTION_LOG',
  mode: 'MODE_MONITOR',
  match: { paths: ['/admin/**'] },
};

before(async () => {
  if (chromiumSkip) return;
  plane = await startDashboardPlane([
    { sequence: 1, events: 300 },
    { sequence: 2, events: 300 },
  ]);
  // Version 1 exists before the click, so undo is a real rollback and the block must keep it.
  await plane.cp.rules.publish(SYSTEM_ACTOR, { source: { policies: [LOG_POLICY] }, comment: 'baseline' });
  gateway = await ackingGateway(plane, 'edge-1');
  await gateway.waitFor(1);
  browser = await launchChromium();
  page = await newPage(browser);
});

after(async () => {
  gateway?.close();
  await browser?.close();
  await plane?.close();
});

test('block an endpoint from the flow graph, see the gateway ack, undo with a rollback', { skip: chromiumSkip }, async () => {
  await signIn(page, plane.cp.httpUrl, plane.tokens.operator);
  await page.getByRole('link', { name: 'Flows' }).click();
  const endpoint = page.locator('g.node-endpoint').first();
  await endpoint.waitFor();
  const nodeId = (await endpoint.getAttribute('data-node'))!;
  const endpointId = nodeId.slice('endpoint:'.length);
  const stored = (await plane.cp.store.endpoints.get(endpointId))!;
  assert.ok(stored, `${nodeId} is a stored endpoint`);
  await screenshot(page, 'flows');

  // Keyboard works as well as the mouse: focus the node and press Enter.
  await endpoint.focus();
  await page.keyboard.press('Enter');
  const panel = page.getByRole('region', { name: `Mitigate ${stored.method} ${stored.pathTemplate}` });
  await panel.waitFor();
  await assertContrast(page);
  await panel.getByRole('button', { name: 'Block' }).click();
  await assertPublished(panel, 2);

  const blocking = await gateway.waitFor(2);
  const block = blocking.policies.find((p) => p.action === 'ACTION_BLOCK')!;
  assert.ok(block, 'the gateway received a BLOCK policy');
  assert.deepEqual(block.match?.hosts, [stored.host]);
  assert.deepEqual(block.match?.methods, [stored.method]);
  assert.deepEqual(block.match?.paths, [stored.pathTemplate]);
  assert.ok(
    blocking.policies.some((p) => p.id === 'log-admin'),
    'the policy already published is kept',
  );
  await screenshot(page, 'flows-blocked');

  await panel.getByRole('button', { name: 'Undo' }).click();
  await assertPublished(panel, 3);
  const undone = await gateway.waitFor(3);
  assert.deepEqual(
    undone.policies.map((p) => p.id),
    ['log-admin'],
  );
  const v3 = await plane.cp.rules.versions.get(3);
  assert.equal(v3?.rolledBackFrom, 1, 'undo is a rollback to the version before the block');
});

test('Log an endpoint from the flow graph: the gateway holds a LOG policy for it', { skip: chromiumSkip }, async () => {
  const endpoint = page.locator('g.node-endpoint').nth(1);
  const endpointId = (await endpoint.getAttribute('data-node'))!.slice('endpoint:'.length);
  const stored = (await plane.cp.store.endpoints.get(endpointId))!;
  await endpoint.click();
  const panel = page.getByRole('region', { name: `Mitigate ${stored.method} ${stored.pathTemplate}` });
  await panel.getByRole('button', { name: 'Log' }).click();
  await assertPublished(panel, 4);
  const rules = await gateway.waitFor(4);
  const log = rules.policies.find((p) => p.action === 'ACTION_LOG' && p.id.startsWith('dashboard-log-'));
  assert.ok(log, JSON.stringify(rules.policies.map((p) => p.id)));
  assert.equal(log.mode, 'MODE_ENFORCE');
  assert.deepEqual(log.match?.hosts, [stored.host]);
  assert.deepEqual(log.match?.methods, [stored.method]);
  assert.deepEqual(log.match?.paths, [stored.pathTemplate]);
});

test('Rate limit the clients of one organisation with the chosen rate, period and key', { skip: chromiumSkip }, async () => {
  await page.getByLabel('Group clients by').selectOption('organisation');
  const org = page.locator('g[data-node="client:AS15169"]');
  await org.click();
  const panel = page.getByRole('region', { name: 'Mitigate clients in AS15169 Google LLC' });
  await panel.getByRole('spinbutton', { name: 'Rate' }).fill('5');
  await panel.locator('select:has(option[value="60"])').selectOption('60');
  await panel.locator('select:has(option[value="RATE_LIMIT_KEY_API_KEY"])').selectOption('RATE_LIMIT_KEY_API_KEY');
  await panel.getByRole('button', { name: 'Rate limit' }).click();
  await assertPublished(panel, 5);
  const rules = await gateway.waitFor(5);
  const limit = rules.policies.find((p) => p.action === 'ACTION_RATE_LIMIT');
  assert.ok(limit, JSON.stringify(rules.policies.map((p) => p.id)));
  assert.deepEqual(limit.match?.clientCidrs, ['8.8.8.0/24'], 'every network of the organisation, nothing else');
  assert.deepEqual(limit.match?.hosts ?? [], [], 'a client group alone matches all its traffic');
  const r = limit.rateLimit!;
  assert.deepEqual([Number(r.rate), Number(r.periodSeconds), Number(r.burst), r.key], [5, 60, 5, 'RATE_LIMIT_KEY_API_KEY']);
  assert.ok(
    rules.policies.some((p) => p.action === 'ACTION_LOG' && p.id.startsWith('dashboard-log-')),
    'the Log policy published before is kept',
  );
  await assertContrast(page);
  await screenshot(page, 'flows-by-organisation');
});

/** The panel names the version and, once the gateway acked it, says so. */
async function assertPublished(panel: ReturnType<Page['getByRole']>, version: number): Promise<void> {
  await panel
    .getByTestId('published-version')
    .filter({ hasText: String(version) })
    .waitFor();
  await panel.getByTestId('ack-status').filter({ hasText: 'Acked by 1 of 1 connected gateway.' }).waitFor();
}
