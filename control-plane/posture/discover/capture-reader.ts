// Reads a capture: a HAR 1.2 file or JSON Lines with one exchange per line. Both become the same
// `Exchange`. Bad lines or entries are counted and skipped, never fatal: one broken record must not
// lose a 20,000-exchange capture.
import { createReadStream, openSync, readSync, closeSync, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface Exchange {
  ts: number;
  method: string;
  host: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Lower-case names. */
  requestHeaders: Record<string, string>;
  requestBody?: string | object;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody?: string | object;
}

export interface CaptureStats {
  read: number;
  skipped: number;
  /** The first few reasons, for the CLI to print. */
  errors: string[];
}

/** HAR files are parsed whole; refuse ones that would not fit comfortably in memory. */
export const MAX_HAR_BYTES = 512 * 1024 * 1024;

function headersOf(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(h)) {
    for (const x of h) {
      const o = x as { name?: unknown; value?: unknown };
      if (typeof o?.name === 'string') out[o.name.toLowerCase()] = String(o.value ?? '');
    }
  } else if (h && typeof h === 'object') {
    for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

function timeOf(ts: unknown): number {
  if (typeof ts === 'number' && Number.isFinite(ts)) return ts < 1e11 ? ts * 1000 : ts; // seconds or ms
  if (typeof ts === 'string') {
    const t = Date.parse(ts);
    if (!Number.isNaN(t)) return t;
  }
  return 0;
}

/** Splits `url` (absolute, or path + query) into host (when absolute), path and query. */
function splitUrl(url: string): { host?: string; path: string; query: URLSearchParams } | null {
  try {
    const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
    const u = new URL(url, 'http://capture.invalid');
    return { ...(absolute ? { host: u.hostname.toLowerCase() } : {}), path: u.pathname, query: u.searchParams };
  } catch {
    return null;
  }
}

function hostOnly(h: string): string {
  return h.replace(/:\d+$/, '').toLowerCase();
}

/** One JSON Lines record → Exchange, or an error message. */
export function exchangeFromJson(o: Record<string, unknown>): Exchange | string {
  if (typeof o.method !== 'string' || typeof o.url !== 'string') return 'missing "method" or "url"';
  const u = splitUrl(o.url);
  if (!u) return `bad url ${JSON.stringify(o.url).slice(0, 80)}`;
  const requestHeaders = headersOf(o.requestHeaders);
  const host = hostOnly(typeof o.host === 'string' && o.host ? o.host : (u.host ?? requestHeaders.host ?? ''));
  if (!host) return 'no host';
  const status = Number(o.status ?? 0);
  const ex: Exchange = {
    ts: timeOf(o.ts),
    method: o.method.toUpperCase(),
    host,
    path: u.path,
    query: u.query,
    requestHeaders,
    status: Number.isInteger(status) && status >= 0 && status < 1000 ? status : 0,
    responseHeaders: headersOf(o.responseHeaders),
  };
  if (o.requestBody !== undefined && o.requestBody !== null && o.requestBody !== '') ex.requestBody = o.requestBody as string | object;
  if (o.responseBody !== undefined && o.responseBody !== null && o.responseBody !== '') ex.responseBody = o.responseBody as string | object;
  return ex;
}

/** One HAR entry → Exchange, or an error message. */
export function exchangeFromHar(entry: Record<string, unknown>): Exchange | string {
  const req = entry.request as Record<string, unknown> | undefined;
  const res = (entry.response as Record<string, unknown> | undefined) ?? {};
  if (!req || typeof req.method !== 'string' || typeof req.url !== 'string') return 'entry without request.method/url';
  const content = res.content as { text?: unknown; encoding?: unknown } | undefined;
  let responseBody: string | undefined;
  if (typeof content?.text === 'string') {
    responseBody = content.encoding === 'base64' ? Buffer.from(content.text, 'base64').toString('utf8') : content.text;
  }
  const postData = req.postData as { text?: unknown } | undefined;
  return exchangeFromJson({
    ts: entry.startedDateTime,
    method: req.method,
    url: req.url,
    requestHeaders: req.headers,
    requestBody: typeof postData?.text === 'string' ? postData.text : undefined,
    status: res.status,
    responseHeaders: res.headers,
    responseBody,
  });
}

function sniff(file: string): 'har' | 'jsonl' {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n).toString('utf8').trimStart();
    // A HAR document is one object whose first key is "log"; a JSONL file's first line is a whole
    // exchange and ends with a newline.
    return /^\{\s*"log"\s*:/.test(head) ? 'har' : 'jsonl';
  } finally {
    closeSync(fd);
  }
}

/** Iterates the exchanges of a capture file. `onBytes` reports progress (bytes read so far). */
export async function* readCapture(
  file: string,
  stats: CaptureStats,
  onBytes?: (read: number, total: number) => void,
): AsyncGenerator<Exchange> {
  const total = statSync(file).size;
  const fail = (msg: string): void => {
    stats.skipped++;
    if (stats.errors.length < 10) stats.errors.push(msg);
  };
  if (sniff(file) === 'har') {
    if (total > MAX_HAR_BYTES) throw new Error(`HAR file is larger than ${MAX_HAR_BYTES} bytes; convert it to JSON Lines`);
    let doc: { log?: { entries?: unknown } };
    try {
      doc = JSON.parse(readFileSync(file, 'utf8')) as typeof doc;
    } catch (e) {
      throw new Error(`not a valid HAR file: ${(e as Error).message}`, { cause: e });
    }
    const entries = doc.log?.entries;
    if (!Array.isArray(entries)) throw new Error('not a valid HAR file: log.entries is not an array');
    let i = 0;
    for (const entry of entries) {
      i++;
      const ex = entry && typeof entry === 'object' ? exchangeFromHar(entry as Record<string, unknown>) : 'entry is not an object';
      if (typeof ex === 'string') fail(`entry ${i}: ${ex}`);
      else {
        stats.read++;
        yield ex;
      }
      if (onBytes && i % 1000 === 0) onBytes(Math.round((total * i) / entries.length), total);
    }
    onBytes?.(total, total);
    return;
  }
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  let bytes = 0;
  for await (const line of lines) {
    lineNo++;
    bytes += Buffer.byteLength(line) + 1;
    if (onBytes && lineNo % 1000 === 0) onBytes(Math.min(bytes, total), total);
    if (!line.trim()) continue;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      fail(`line ${lineNo}: not JSON`);
      continue;
    }
    const ex = o && typeof o === 'object' && !Array.isArray(o) ? exchangeFromJson(o as Record<string, unknown>) : 'not an object';
    if (typeof ex === 'string') fail(`line ${lineNo}: ${ex}`);
    else {
      stats.read++;
      yield ex;
    }
  }
  onBytes?.(total, total);
}
