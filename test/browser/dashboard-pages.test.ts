// The dashboard's pages in real Chromium against a real control plane with ingested traffic: sign
// in with a token, the overview's numbers, inventory search → endpoint page, exposure with masked
// examples only, posture changes exported as CSV, the "test this pattern" box, OpenAPI download and
// spec upload, and keyboard, label and WCAG contrast checks. Screenshots of each page are what docs/img holds (PALISADE_SCREENSHOTS_DIR).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import {
  chromiumSkip,
  launchChromium,
  newPage,
  screenshot,
  signIn,
  startDashboardPlane,
  until,
  type DashboardPlane,
} from './lib/dashboard-harness.ts';
import { assertContrast, contrastFailures } from './lib/contrast.ts';

let plane: DashboardPlane;
let browser: Browser;
let page: Page;
/** A local Slack-style webhook: what the control plane sends to the alert route. */
let hook: Server;
const hookBodies: string[] = [];

before(async () => {
  if (chromiumSkip) return;
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      hookBodies.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  plane = await startDashboardPlane(
    [
      { sequence: 1, events: 300 },
      { sequence: 2, events: 300 },
    ],
    // The webhook is plain http on this machine; real routes must use https.
    { extra: { postureOptions: { allowHttpAlerts: true } } },
  );
  // Posture evaluates by itself after traffic (debounced); evaluate now so changes exist.
  const res = await fetch(`${plane.cp.httpUrl}/v1/posture/evaluate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${plane.tokens.operator}` },
  });
  assert.equal(res.status, 200, await res.text());
  browser = await launchChromium();
  page = await newPage(browser);
});

after(async () => {
  await browser?.close();
  await plane?.close();
  hook?.close();
});

/**
 * Every form control has a label and every button a name (what axe's label rules check). A string,
 * not a function: tsx would wrap a function's inner helpers in its own `__name`, unknown in the page.
 */
const UNLABELLED_CONTROLS = `(() => {
  const bad = [];
  const named = (el) => Boolean(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el.labels && el.labels.length));
  for (const el of document.querySelectorAll('input, select, textarea')) if (!named(el)) bad.push(el.outerHTML.slice(0, 80));
  for (const el of document.querySelectorAll('button, [role=button]'))
    if (!el.getAttribute('aria-label') && !(el.textContent || '').trim()) bad.push(el.outerHTML.slice(0, 80));
  return bad;
})()`;

async function unlabelledControls(p: Page): Promise<string[]> {
  return p.evaluate<string[]>(UNLABELLED_CONTROLS);
}

test('a wrong token is refused with a message; a valid one signs in and shows the role', { skip: chromiumSkip }, async () => {
  await page.goto(`${plane.cp.httpUrl}/`);
  await page.getByLabel('API token').fill('pal_not_a_token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  assert.deepEqual(await unlabelledControls(page), []);
  await assertContrast(page);
  await screenshot(page, 'login');
  await signIn(page, plane.cp.httpUrl, plane.tokens.operator);
  assert.match(await page.locator('.me').innerText(), /otto\s+operator/);
});

test('the overview shows the estate: endpoints, internal/external, last hour, gateways', { skip: chromiumSkip }, async () => {
  await page.getByRole('link', { name: 'Overview' }).click();
  await page.getByTestId('endpoint-total').filter({ hasText: '12' }).waitFor();
  const blocked = Number(await page.getByTestId('blocked').innerText());
  const expected = (await plane.cp.store.events.list({ limit: 1000 })).items.filter((e) => e.action === 'ACTION_BLOCK').length;
  assert.equal(blocked, expected);
  await page.getByRole('cell', { name: 'edge-1' }).waitFor();
  assert.match(await page.locator('.card').first().innerText(), /internal \d+ · external \d+/);
  assert.deepEqual(await unlabelledControls(page), []);
  await assertContrast(page);
  await screenshot(page, 'overview');
});

test('inventory search finds an endpoint and its page shows traffic, risk and generated OpenAPI', { skip: chromiumSkip }, async () => {
  await page.getByRole('link', { name: 'Inventory' }).click();
  const table = page.getByRole('table', { name: 'API endpoints' });
  await table.getByRole('row').nth(1).waitFor();
  await page.getByLabel('Search').fill('items3');
  await page
    .locator('.vfoot')
    .filter({ hasText: /^1 of 1 shown$/ })
    .waitFor();
  assert.deepEqual(await unlabelledControls(page), []);
  await assertContrast(page);
  await screenshot(page, 'inventory');
  await table.getByRole('row').filter({ hasText: '/v1/items3/' }).click();
  await page.getByRole('heading', { level: 1 }).filter({ hasText: '/v1/items3/' }).waitFor();
  await page.getByRole('img', { name: 'Requests over time' }).waitFor();
  await page.locator('pre.code').filter({ hasText: '"openapi"' }).waitFor();
  await page.getByRole('heading', { name: /^Risk \d+/ }).waitFor();
  await screenshot(page, 'endpoint');
});

test('inventory: download the OpenAPI of one API, and upload a spec as an operator', { skip: chromiumSkip }, async () => {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inventory' }).click();
  // The API picker: its label's name also holds the chosen option's text, so find it by its options.
  const apiSelect = page.locator('select:has(option[value="shop.example.com"])');
  await apiSelect.waitFor();
  await apiSelect.selectOption('shop.example.com');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download OpenAPI' }).click()]);
  assert.equal(download.suggestedFilename(), 'shop.example.com.openapi.yaml');
  const yaml = readFileSync((await download.path())!, 'utf8');
  assert.match(yaml, /^openapi: 3\.1\.\d/m);
  assert.match(yaml, /shop\.example\.com/);
  assert.doesNotMatch(yaml, /api\.example\.com|internal\.example\.net/, 'only the chosen API');
  assert.match(yaml, /^ {2}\/v1\/items\d+\/\{[A-Za-z0-9]+\}:$/m, 'paths generated from traffic');

  const spec = [
    'openapi: 3.0.3',
    'info: { title: Shop, version: "1.0" }',
    'servers: [{ url: "https://shop.example.com" }]',
    'paths:',
    '  /v1/items1/{id}:',
    '    get:',
    '      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]',
    '      responses: { "200": { description: ok } }',
  ].join('\n');
  await page.getByLabel('API name').fill('shop-api');
  await page.getByLabel('Upload spec').setInputFiles({ name: 'shop.yaml', mimeType: 'application/yaml', buffer: Buffer.from(spec) });
  await page.getByText('Uploaded shop.yaml').waitFor();
  const specs = (await (
    await fetch(`${plane.cp.httpUrl}/v1/specs`, { headers: { authorization: `Bearer ${plane.tokens.viewer}` } })
  ).json()) as {
    items: { name: string; title: string; specVersion: string }[];
  };
  assert.deepEqual(
    specs.items.map((x) => [x.name, x.title]),
    [['shop-api', 'Shop']],
  );
});

test('exposure shows findings by type and masked examples, never a raw value', { skip: chromiumSkip }, async () => {
  await page.getByRole('link', { name: 'Exposure' }).click();
  await page.getByRole('cell', { name: '4111********1111' }).first().waitFor();
  const text = await page.locator('main').innerText();
  assert.match(text, /credit_card/);
  assert.doesNotMatch(text, /4111111111111111/);
  assert.deepEqual(await unlabelledControls(page), []);
  await assertContrast(page);
  await screenshot(page, 'exposure');
});

test('posture changes are listed and exported as CSV', { skip: chromiumSkip }, async () => {
  await page.getByRole('link', { name: 'Posture changes' }).click();
  await page.getByRole('table', { name: 'Posture changes' }).getByRole('row').filter({ hasText: 'endpoint-new' }).first().waitFor();
  assert.deepEqual(await unlabelledControls(page), []);
  await assertContrast(page);
  await screenshot(page, 'changes');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  assert.equal(download.suggestedFilename(), 'posture-changes.csv');
  const csv = readFileSync((await download.path())!, 'utf8')
    .trim()
    .split(/\r?\n/);
  assert.equal(csv[0], 'id,at,kind,severity,host,method,path,summary,dedupKey,resolves');
  assert.ok(csv.filter((l) => l.includes(',endpoint-new,')).length >= 12, `${csv.length} lines`);
});

test('the custom detector box tests a pattern live and shows masked matches', { skip: chromiumSkip }, async () => {
  await page.getByRole('link', { name: 'Rules' }).click();
  const box = page.getByRole('region', { name: 'Custom detector editor' });
  await box.getByLabel('Pattern (JavaScript regex, DFA subset)').fill('ORD-\\d{5}');
  await box.getByLabel('Sample text').fill('{"order":"ORD-12345","again":"ORD-67890","short":"ORD-1"}');
  await box.getByTestId('pattern-result').filter({ hasText: '2 matches' }).waitFor();
  assert.doesNotMatch(await box.getByTestId('pattern-result').innerText(), /ORD-12345/);
  await box.getByLabel('Pattern (JavaScript regex, DFA subset)').fill('ORD-(\\d');
  await box.getByTestId('pattern-result').filter({ hasText: '$.pattern' }).waitFor();
  assert.deepEqual(await unlabelledControls(page), []);
  await assertContrast(page);
  await screenshot(page, 'rules');
});

test('risk: an operator adds a custom category with a JSON condition and it is listed', { skip: chromiumSkip }, async () => {
  await page.getByRole('link', { name: 'Risk' }).click();
  await page.getByRole('heading', { name: 'Add a custom factor' }).waitFor();
  await page.getByLabel('Name').fill('Card data on external APIs');
  await page.getByLabel('Category').fill('data');
  await page
    .getByLabel('Condition')
    .fill('{"all": [{"attr": "external", "op": "eq", "value": true}, {"attr": "findingTypes", "op": "contains", "value": "credit_card"}]}');
  await page.getByLabel('Weight').fill('30');
  await page.getByRole('button', { name: 'Save factor' }).click();
  await page.getByRole('cell', { name: /^Card data on external APIs/ }).waitFor();
  const model = (await (
    await fetch(`${plane.cp.httpUrl}/v1/risk/factors`, { headers: { authorization: `Bearer ${plane.tokens.viewer}` } })
  ).json()) as { items: { id: string; weight: number }[] };
  assert.equal(model.items.find((f) => f.id === 'custom-card-data-on-external-apis')?.weight, 30);
});

test('exposure: notify sends what is shown to an alert route', { skip: chromiumSkip }, async () => {
  const webhookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  const created = await fetch(`${plane.cp.httpUrl}/v1/alerts/routes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${plane.tokens.operator}`, 'content-type': 'application/json' },
    // Only critical auth-weakened events would go there on their own: the test message is the notify.
    body: JSON.stringify({
      id: 'sec-team',
      name: 'Security team',
      channel: { type: 'slack', webhookUrl },
      kinds: ['auth-weakened'],
      minSeverity: 'critical',
    }),
  });
  assert.equal(created.status, 201, await created.text());
  await page.getByRole('link', { name: 'Exposure' }).click();
  await page.getByLabel('Alert route').locator('option', { hasText: 'Security team' }).waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Notify' }).click();
  await page.getByText('Sent to alert route sec-team').waitFor();
  await until(async () => hookBodies.some((b) => b.includes('Sensitive data exposure') && b.includes('credit_card')), 'the webhook call');
});

test('keyboard: skip link first, every nav link reachable by Tab, Enter opens a page', { skip: chromiumSkip }, async () => {
  await page.getByRole('link', { name: 'Risk' }).click();
  await page.getByRole('heading', { name: 'Risk', level: 1 }).waitFor();
  await page.getByRole('heading', { name: 'Add a custom factor' }).waitFor();
  await assertContrast(page);
  await screenshot(page, 'risk');
  await page.reload();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate<string>('document.activeElement.textContent.trim()'), 'Skip to content');
  const reached: string[] = [];
  for (let i = 0; i < 12 && reached.length < 7; i++) {
    await page.keyboard.press('Tab');
    const t = await page.evaluate<string | null>(
      "document.activeElement.closest('nav') ? document.activeElement.textContent.trim() : null",
    );
    if (t) reached.push(t);
  }
  assert.deepEqual(reached, ['Overview', 'Flows', 'Exposure', 'Inventory', 'Risk', 'Posture changes', 'Rules']);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Rules', level: 1 }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Rules' }).getAttribute('aria-current'), 'page');
});

test('the contrast check itself catches grey text on white and passes black on white', { skip: chromiumSkip }, async () => {
  // Set through the CSSOM: the app's CSP refuses inline style attributes.
  await page.evaluate(`(() => {
    const make = (color, text) => {
      const p = document.createElement('p');
      p.className = 'contrast-probe';
      p.textContent = text;
      p.style.color = color;
      p.style.background = '#ffffff';
      document.querySelector('main').append(p);
    };
    make('#777777', 'grey probe');
    make('#000000', 'black probe');
  })()`);
  const failures = (await contrastFailures(page)).filter((f) => f.text.startsWith('p.contrast-probe'));
  assert.deepEqual(
    failures.map((f) => [f.text, f.ratio, f.needed]),
    [['p.contrast-probe: grey probe', 4.48, 4.5]],
  );
});
