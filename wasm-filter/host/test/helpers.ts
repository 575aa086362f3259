// Shared helpers for the host's tests: fixture paths (compiled on demand) and a stream recorder.
import { buildFixtures } from '../fixtures/build-fixtures.mjs';
import type { HttpStream } from '../http-stream.ts';
import type { HeaderMap } from '../header-map.ts';
import type { Plugin } from '../plugin.ts';

/** Path of a compiled fixture; compiles it when missing or older than its sources. */
export function fixture(name: string): string {
  return buildFixtures([name])[0]!;
}

export interface Recorded {
  events: string[];
  requestHeaders?: Record<string, string>;
  requestBody: string;
  responseHeaders?: Record<string, string>;
  responseBody: string;
  localReply?: { status: number; headers: Record<string, string>; body: string; details: string };
}

/** Records what the stream passes on, as strings, for assertions. */
export function record(stream: HttpStream): Recorded {
  const r: Recorded = { events: [], requestBody: '', responseBody: '' };
  stream.on('request-headers', (h: HeaderMap, eos: boolean) => {
    r.events.push(`request-headers${eos ? ' eos' : ''}`);
    r.requestHeaders = h.toObject();
  });
  stream.on('request-data', (d: Uint8Array, eos: boolean) => {
    r.events.push(`request-data ${d.length}${eos ? ' eos' : ''}`);
    r.requestBody += Buffer.from(d).toString();
  });
  stream.on('request-trailers', () => r.events.push('request-trailers'));
  stream.on('response-headers', (h: HeaderMap, eos: boolean) => {
    r.events.push(`response-headers${eos ? ' eos' : ''}`);
    r.responseHeaders = h.toObject();
  });
  stream.on('response-data', (d: Uint8Array, eos: boolean) => {
    r.events.push(`response-data ${d.length}${eos ? ' eos' : ''}`);
    r.responseBody += Buffer.from(d).toString();
  });
  stream.on('local-reply', (l) => {
    r.events.push(`local-reply ${l.status}`);
    r.localReply = { status: l.status, headers: Object.fromEntries(l.headers), body: Buffer.from(l.body).toString(), details: l.details };
  });
  stream.on('reset', (reason: string) => r.events.push(`reset ${reason}`));
  return r;
}

/** "cb <name> <ctx> ..." lines the conformance fixture logged, in order. */
export function callbacks(plugin: Plugin): string[] {
  return plugin.logs.filter((l) => l.message.startsWith('cb ')).map((l) => l.message.slice(3));
}

export const GET = (path = '/', extra: [string, string][] = []): [string, string][] => [
  [':method', 'GET'],
  [':path', path],
  [':authority', 'example.test'],
  [':scheme', 'http'],
  ...extra,
];
export const POST = (path = '/', extra: [string, string][] = []): [string, string][] => [
  [':method', 'POST'],
  [':path', path],
  [':authority', 'example.test'],
  [':scheme', 'http'],
  ...extra,
];
