// 10,000 endpoints in real Chromium: the inventory table stays virtualized (a bounded number of
// rows in the DOM however far one scrolls), pages are fetched from the server as the user scrolls,
// and search and sort are answered server-side across the whole inventory.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
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

const ENDPOINTS = 10_000;
/** Rows in the DOM: the visible ones plus the overscan (virtual-table.tsx), never the inventory. */
const MAX_DOM_ROWS = 60;

let plane: DashboardPlane;
let browser: Browser;
let page: Page;

before(async () => {
  if (chromiumSkip) return;
  // One event per endpoint of the wide layout (25 hosts × 20 × 20 paths), in batches of 1000.
  plane = await startDashboardPlane(
    Array.from({ length: ENDPOINTS / 1000 }, (_, i) => ({
      sequence: i + 1,
      events: 1000,
      layout: 'wide' as const,
      firstEventId: i * 1000,
    })),
  );
  assert.equal(await plane.cp.store.endpoints.count(), ENDPOINTS);
  browser = await launchChromium();
  page = await newPage(browser);
  await signIn(page, plane.cp.httpUrl, plane.tokens.viewer);
});

after(async () => {
  await browser?.close();
  await plane?.close();
});

const table = () => page.getByRole('table', { name: 'API endpoints' });
const domRows = () => table().locator('[role=rowgroup] [role=row]').count();
const footer = () => page.locator('.vfoot');

test('the overview counts 10,000 endpoints', { skip: chromiumSkip }, async () => {
  await page.getByTestId('endpoint-total').filter({ hasText: '10,000' }).waitFor();
});

test('the inventory of 10,000 endpoints keeps a bounded DOM while scrolling through server pages', { skip: chromiumSkip }, async () => {
  await page.getByRole('link', { name: 'Inventory' }).click();
  await footer()
    .filter({ hasText: /of 10,000 shown$/ })
    .waitFor();
  assert.equal(await table().getAttribute('aria-rowcount'), String(ENDPOINTS));
  assert.ok((await domRows()) <= MAX_DOM_ROWS, `${await domRows()} rows in the DOM`);
  const body = table().locator('.vbody');
  const loaded = async () => Number((/^([\d,]+) of/.exec(await footer().innerText())?.[1] ?? '0').replace(/,/g, ''));
  // Scroll to the end of what is loaded a few times: each time the next page is fetched.
  for (let i = 0; i < 3; i++) {
    const before = await loaded();
    await body.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await until(async () => (await loaded()) > before, `more than ${before} rows`);
    const n = await domRows();
    assert.ok(n > 0 && n <= MAX_DOM_ROWS, `${n} rows in the DOM after scrolling to ${await loaded()}`);
  }
  assert.ok((await loaded()) >= 800, `${await loaded()} rows loaded`);
  await screenshot(page, 'inventory-10k');
});

test('search and sort are server-side across all 10,000 endpoints', { skip: chromiumSkip }, async () => {
  await page.getByLabel('Search').fill('op7');
  // op7 is one of 20 last segments: 25 hosts × 20 resources = 500 endpoints.
  await footer()
    .filter({ hasText: /of 500 shown$/ })
    .waitFor();
  const firstPath = () => table().locator('[role=rowgroup] [role=row]').first().locator('[role=cell]').nth(1).innerText();
  assert.match(await firstPath(), /\/op7$/);
  await table()
    .getByRole('button', { name: /^Endpoint/ })
    .click();
  await table().locator('[role=columnheader][aria-sort=descending]').filter({ hasText: 'Endpoint' }).waitFor();
  const desc = await firstPath();
  await table()
    .getByRole('button', { name: /^Endpoint/ })
    .click();
  await table().locator('[role=columnheader][aria-sort=ascending]').filter({ hasText: 'Endpoint' }).waitFor();
  await until(async () => (await firstPath()) !== desc, 'the ascending order');
  const asc = await firstPath();
  assert.equal(asc, '/v1/res0/op7');
  assert.equal(desc, '/v1/res9/op7');
  assert.ok((await domRows()) <= MAX_DOM_ROWS);
});
