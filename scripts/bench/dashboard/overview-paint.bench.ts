// First meaningful paint of the dashboard's overview with 10,000 endpoints (issue 10, "Speed":
// target < 1 s on a local control plane). Measured in headless Chromium from navigation start to
// the frame where the endpoint count is on screen, with a fresh browser context (cold cache) per
// run. Baseline, same run and same browser: the app shell with no data (the sign-in form), i.e.
// what loading the static bundle alone costs. Input: the wide sample estate (25 hosts × 20 × 20
// paths, one event each), the same on every run.
//   npm run bench -- dashboard        (RUNS=7 ENDPOINTS=10000 to change the defaults)
import type { Browser } from 'playwright-core';
import { launchChromium, startDashboardPlane } from '../../../test/browser/lib/dashboard-harness.ts';

const ENDPOINTS = Number(process.env.ENDPOINTS ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 7);
const TARGET_MS = 1000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** ms from navigation start to the first frame where `selector` shows `text`. */
async function paint(browser: Browser, url: string, token: string | undefined, selector: string, text: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    if (token) await context.addInitScript(`sessionStorage.setItem('palisade.token', ${JSON.stringify(token)})`);
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    const at = await page.waitForFunction(
      ([sel, want]) => {
        // Runs in the page (the Node typings here have no DOM).
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document;
        const el = doc.querySelector(sel!);
        return el && (el.textContent ?? '').includes(want!) ? performance.now() : false;
      },
      [selector, text],
      { polling: 'raf', timeout: 30_000 },
    );
    return Math.round((await at.jsonValue()) as number);
  } finally {
    await context.close();
  }
}

const plane = await startDashboardPlane(
  Array.from({ length: Math.ceil(ENDPOINTS / 1000) }, (_, i) => ({
    sequence: i + 1,
    events: Math.min(1000, ENDPOINTS - i * 1000),
    layout: 'wide' as const,
    firstEventId: i * 1000,
  })),
);
const browser = await launchChromium();
try {
  const count = (await plane.cp.store.endpoints.count()).toLocaleString('en-US');
  // One unmeasured load of each warms the control plane (first queries, geo database, posture).
  await paint(browser, `${plane.cp.httpUrl}/`, plane.tokens.viewer, '[data-testid=endpoint-total]', count);
  await paint(browser, `${plane.cp.httpUrl}/`, undefined, 'main.login', 'API token');
  const overview: number[] = [];
  const shell: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    overview.push(await paint(browser, `${plane.cp.httpUrl}/`, plane.tokens.viewer, '[data-testid=endpoint-total]', count));
    shell.push(await paint(browser, `${plane.cp.httpUrl}/`, undefined, 'main.login', 'API token'));
  }
  const figure = median(overview);
  const baseline = median(shell);
  console.log(`overview first meaningful paint, ${count} endpoints: ${figure} ms (median of ${RUNS}; runs ${overview.join(', ')})`);
  console.log(`baseline, app shell without data:           ${baseline} ms (runs ${shell.join(', ')})`);
  console.log(`ratio: ${(figure / baseline).toFixed(2)}x the shell; target < ${TARGET_MS} ms: ${figure < TARGET_MS ? 'met' : 'NOT met'}`);
} finally {
  await browser.close();
  await plane.close();
}
