// Drives one exchange through the filter in the Proxy-Wasm host and collects what the client and
// the upstream would see.
import type { Plugin, SentLocalReply } from '../../../wasm-filter/host/index.ts';

export interface ExchangeSpec {
  method?: string;
  path?: string;
  host?: string;
  headers?: [string, string][];
  body?: Uint8Array | string;
  /** Body chunks instead of one `body`. */
  chunks?: (Uint8Array | string)[];
  clientAddress?: string;
  /** "ip:port" the (simulated) upstream connection has, reported before the response arrives. */
  upstreamAddress?: string;
  worker?: number;
  response?: { status?: number; headers?: [string, string][]; body?: Uint8Array | string };
}

export interface ExchangeResult {
  localReply?: SentLocalReply;
  /** Request headers as passed on to the upstream (undefined when they never were). */
  upstreamHeaders?: Map<string, string>;
  upstreamBody: Buffer;
  clientStatus?: number;
  clientHeaders?: Map<string, string>;
  clientBody: Buffer;
}

const bytes = (b: Uint8Array | string) => (typeof b === 'string' ? Buffer.from(b, 'utf8') : b);

export function exchange(plugin: Plugin, spec: ExchangeSpec = {}): ExchangeResult {
  const s = plugin.newHttpStream({ worker: spec.worker, sourceAddress: spec.clientAddress ?? '203.0.113.7:40000' });
  const out: ExchangeResult = { upstreamBody: Buffer.alloc(0), clientBody: Buffer.alloc(0) };
  const upstream: Buffer[] = [];
  const client: Buffer[] = [];
  s.on('local-reply', (r: SentLocalReply) => (out.localReply = r));
  s.on('request-headers', (h: { pairs(): [string, string][] }) => (out.upstreamHeaders = new Map(h.pairs())));
  s.on('request-data', (c: Uint8Array) => upstream.push(Buffer.from(c)));
  s.on('response-headers', (h: { pairs(): [string, string][] }) => {
    out.clientHeaders = new Map(h.pairs());
    out.clientStatus = Number(out.clientHeaders.get(':status'));
  });
  s.on('response-data', (c: Uint8Array) => client.push(Buffer.from(c)));
  const chunks = spec.chunks ?? (spec.body !== undefined ? [spec.body] : []);
  const headers: [string, string][] = [
    [':method', spec.method ?? (chunks.length ? 'POST' : 'GET')],
    [':path', spec.path ?? '/v1/items'],
    [':authority', spec.host ?? 'api.example.com'],
    [':scheme', 'http'],
    ...(spec.headers ?? []),
  ];
  let r = s.requestHeaders(headers, chunks.length === 0);
  for (let i = 0; i < chunks.length && !out.localReply && r.action !== 'reset'; i++)
    r = s.requestBody(bytes(chunks[i]!), i === chunks.length - 1);
  if (!out.localReply) {
    const res = spec.response ?? {};
    const body = res.body !== undefined ? bytes(res.body) : undefined;
    if (spec.upstreamAddress !== undefined) s.upstreamConnected(spec.upstreamAddress);
    s.responseHeaders([[':status', String(res.status ?? 200)], ...(res.headers ?? [])], body === undefined);
    if (body !== undefined && !out.localReply) s.responseBody(body, true);
  }
  s.done();
  out.upstreamBody = Buffer.concat(upstream);
  out.clientBody = Buffer.concat(client);
  return out;
}
