// WCAG 2.1 contrast (success criterion 1.4.3) measured in the page: every visible element that
// holds text directly is compared with the background it is actually drawn on — its own and its
// ancestors' background colours composited (alpha included) over the page's canvas — and must reach
// 4.5:1, or 3:1 for large text (≥ 24 px, or ≥ 18.66 px bold). SVG text is measured by its fill over
// the shape drawn under it in the same group. Disabled controls are exempt, as in WCAG.
//
// A string, not a function: tsx would wrap a function's inner helpers in its own `__name`, unknown in
// the page (see dashboard-pages.test.ts).
import type { Page } from 'playwright-core';

export interface ContrastFailure {
  text: string;
  ratio: number;
  needed: number;
  fg: string;
  bg: string;
}

const CONTRAST_FAILURES = `(() => {
  const parse = (c) => {
    // color-mix() and other CSS Color 4 values compute to color(srgb r g b / a), channels 0-1.
    const srgb = /^color\\(srgb ([\\d.e-]+) ([\\d.e-]+) ([\\d.e-]+)(?: \\/ ([\\d.]+))?\\)$/.exec(c || '');
    if (srgb) return [srgb[1] * 255, srgb[2] * 255, srgb[3] * 255, srgb[4] === undefined ? 1 : Number(srgb[4])];
    const m = /rgba?\\(([\\d.]+),?\\s*([\\d.]+),?\\s*([\\d.]+)(?:,?\\s*\\/?\\s*([\\d.]+%?))?\\)/.exec(c || '');
    if (!m) return null;
    let a = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
    return [Number(m[1]), Number(m[2]), Number(m[3]), a];
  };
  const over = (top, under) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat(1);
  };
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const canvas = () => {
    const c = parse(getComputedStyle(document.documentElement).backgroundColor);
    const b = parse(getComputedStyle(document.body).backgroundColor);
    let base = [255, 255, 255, 1];
    if (c && c[3] > 0) base = over(c, base);
    else if (b && b[3] > 0) base = over(b, base);
    return base;
  };
  /** Background an element is drawn on: the stack of ancestor backgrounds, bottom up. */
  const backgroundOf = (el) => {
    const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) layers.push(c);
      if (c && c[3] === 1) break;
    }
    let bg = canvas();
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && Number(s.opacity) > 0 && !el.closest('.sr-only, [aria-hidden=true]');
  };
  const failures = [];
  const seen = new Set();
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join(' ').trim();
    if (!own || !visible(el) || el.closest('[disabled], option, script, style, title')) continue;
    const s = getComputedStyle(el);
    let fg, bg;
    if (el instanceof SVGElement) {
      fg = parse(s.fill);
      const shape = el.parentElement && el.parentElement.querySelector('rect, circle, path');
      const under = shape ? parse(getComputedStyle(shape).fill) : null;
      bg = under && under[3] > 0 ? over(under, backgroundOf(el.closest('svg'))) : backgroundOf(el.closest('svg'));
    } else {
      fg = parse(s.color);
      bg = backgroundOf(el);
    }
    if (!fg) continue;
    fg = over(fg, bg);
    const size = parseFloat(s.fontSize);
    const bold = Number(s.fontWeight) >= 700 || s.fontWeight === 'bold';
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const r = ratio(fg, bg);
    const key = own.slice(0, 40) + '|' + s.color + '|' + bg.join(',');
    if (r + 1e-9 < needed && !seen.has(key)) {
      seen.add(key);
      failures.push({ text: el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ': ' + own.slice(0, 40), ratio: Math.round(r * 100) / 100, needed, fg: 'rgb(' + fg.slice(0, 3).map(Math.round).join(',') + ')', bg: 'rgb(' + bg.slice(0, 3).map(Math.round).join(',') + ')' });
    }
  }
  return failures;
})()`;

/** Text on the current page below its WCAG 2.1 AA contrast minimum (empty when all pass). */
export async function contrastFailures(page: Page): Promise<ContrastFailure[]> {
  return page.evaluate<ContrastFailure[]>(CONTRAST_FAILURES);
}

/** Both colour schemes the stylesheet defines (prefers-color-scheme), each checked separately. */
export async function contrastFailuresInBothSchemes(page: Page): Promise<Record<'light' | 'dark', ContrastFailure[]>> {
  const out = { light: [] as ContrastFailure[], dark: [] as ContrastFailure[] };
  for (const scheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    out[scheme] = await contrastFailures(page);
  }
  return out;
}

/** Fails with the offending texts when any text of the page misses its minimum, in either scheme. */
export async function assertContrast(page: Page): Promise<void> {
  const failures = await contrastFailuresInBothSchemes(page);
  if (failures.light.length || failures.dark.length) {
    throw new Error(`text below WCAG 2.1 AA contrast on ${page.url()}: ${JSON.stringify(failures, null, 1)}`);
  }
}
