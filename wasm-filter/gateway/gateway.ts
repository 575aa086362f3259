// The dev gateway: an HTTP/1.1 reverse proxy (node:http) that runs every exchange through the
// Proxy-Wasm host the way Envoy's HTTP connection manager runs its wasm filter: pseudo-headers in
// the maps, x-request-id and x-forwarded-proto added, the client address taken from the peer or
// from x-forwarded-for (xff_num_trusted_hops) and the peer appended to x-forwarded-for, bodies
// streamed in chunks with an empty end-of-stream frame at message end (Envoy's HTTP/1 codec),
// pauses honoured with flow control, local replies and header/body changes applied. Requests go to worker VMs round-robin.
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPlugin, type Plugin } from '../host/plugin.ts';
import type { HeaderMap } from '../host/header-map.ts';
import type { HeaderPair } from '../host/header-pairs.ts';
import type { SentLocalReply } from '../host/http-stream.ts';
import type { LogEntry } from '../host/vm.ts';
import { clientAddress, formatAddress, unmapIpv4, type ClientAddress } from './client-address.ts';
import type { GatewayConfig } from './gateway-config.ts';

export interface Gateway {
  readonly port: number;
  readonly plugin: Plugin;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** Where filter logs go; default: single-line JSON on stderr for warn and above. */
  logger?: (entry: LogEntry) => void;
}

// Hop-by-hop headers are the connection's, not the message's (RFC 9110 §7.6.1); Envoy drops them.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);
const EMPTY = new Uint8Array(0);

/** `client`: the x-forwarded-for / x-forwarded-proto Envoy passes on (client-address.ts). */
function requestPairs(req: IncomingMessage, client: ClientAddress): HeaderPair[] {
  const pairs: HeaderPair[] = [
    [':authority', req.headers.host ?? ''],
    [':path', req.url ?? '/'],
    [':method', req.method ?? 'GET'],
    [':scheme', 'http'],
  ];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    if (name === 'host' || name === 'x-forwarded-for' || name === 'x-forwarded-proto' || HOP_BY_HOP.has(name)) continue;
    pairs.push([name, req.rawHeaders[i + 1]!]);
  }
  // Envoy's connection manager sets these before any filter runs (notes §5).
  if (client.forwardedFor !== undefined) pairs.push(['x-forwarded-for', client.forwardedFor]);
  pairs.push(['x-forwarded-proto', client.forwardedProto]);
  if (!req.headers['x-request-id']) pairs.push(['x-request-id', randomUUID()]);
  return pairs;
}

/** HTTP/1.1 framing: a message has no body when it says so (no length and not chunked, or length 0). */
function requestHasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding']) return true;
  const len = req.headers['content-length'];
  return len !== undefined && len !== '0';
}

function responseHasBody(method: string, res: IncomingMessage): boolean {
  const status = res.statusCode ?? 200;
  if (method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)) return false;
  return res.headers['content-length'] !== '0';
}

function flatHeaders(map: HeaderMap | HeaderPair[]): string[] {
  const out: string[] = [];
  for (const [k, v] of Array.isArray(map) ? map : map.pairs()) if (!k.startsWith(':') && !HOP_BY_HOP.has(k)) out.push(k, v);
  return out;
}

const defaultLogger = (entry: LogEntry) => {
  if (entry.level === 'warn' || entry.level === 'error' || entry.level === 'critical')
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), component: 'gateway', ...entry })}\n`);
};

export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const plugin = await createPlugin({
    wasm: config.filter.wasm,
    name: config.filter.name,
    rootId: config.filter.rootId,
    vmId: config.filter.vmId,
    pluginConfig: config.filter.config,
    vmConfig: config.filter.vmConfig,
    workers: config.filter.workers,
    failOpen: config.filter.failOpen,
    allowOnHeadersStopIteration: config.filter.allowOnHeadersStopIteration,
    bufferLimitBytes: config.filter.bufferLimitBytes,
    ...(config.filter.callbackDeadlineMs === undefined ? {} : { callbackDeadlineMs: config.filter.callbackDeadlineMs }),
    ...(config.filter.loopBudget === undefined ? {} : { loopBudget: config.filter.loopBudget }),
    grpcClusters: config.grpcClusters,
    httpClusters: config.httpClusters,
    logLevel: config.filter.logLevel,
    logger: options.logger ?? defaultLogger,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  let connectionIds = 0;
  const server = createServer((req, res) => proxy(config, plugin, agent, req, res));
  server.on('connection', (socket) => {
    (socket as unknown as { palisadeId: number }).palisadeId = ++connectionIds;
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    plugin,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
      await plugin.close();
    },
  };
}

function proxy(config: GatewayConfig, plugin: Plugin, agent: Agent, req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket;
  // Node joins repeated x-forwarded-for headers with ", " as Envoy coalesces them.
  const xff = req.headers['x-forwarded-for'];
  const xfp = req.headers['x-forwarded-proto'];
  const client = clientAddress({ ip: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 }, Array.isArray(xff) ? xff.join(',') : xff, {
    forwardedProto: Array.isArray(xfp) ? xfp[0] : xfp,
    xffNumTrustedHops: config.xffNumTrustedHops,
    skipXffAppend: config.skipXffAppend,
  });
  const stream = plugin.newHttpStream({
    sourceAddress: client.sourceAddress,
    destinationAddress: formatAddress(unmapIpv4(socket.localAddress ?? ''), socket.localPort ?? 0),
    connectionId: (socket as unknown as { palisadeId?: number }).palisadeId,
    protocol: `HTTP/${req.httpVersion}`,
  });
  const method = req.method ?? 'GET';
  let upstreamReq: ReturnType<typeof httpRequest> | undefined;
  let upstreamDone = false;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    // A completed exchange leaves its socket to the keep-alive pool; only abandoned ones are cut.
    if (!upstreamDone) upstreamReq?.destroy();
    stream.done();
  };
  res.on('close', finish);

  const writeLocalReply = (reply: SentLocalReply) => {
    upstreamReq?.destroy();
    req.resume();
    if (res.headersSent) return res.destroy();
    res.writeHead(reply.status, flatHeaders(reply.headers));
    res.end(Buffer.from(reply.body));
  };

  stream.on('local-reply', writeLocalReply);
  stream.on('reset', () => {
    upstreamReq?.destroy();
    res.destroy();
  });

  // ---- request path: client → filter → upstream
  stream.on('request-headers', (headers: HeaderMap, endOfStream: boolean) => {
    if (req.isPaused()) req.resume();
    const outgoing = flatHeaders(headers);
    const authority = headers.get(':authority');
    if (authority) outgoing.push('host', authority);
    upstreamReq = httpRequest({
      host: config.upstream.host,
      port: config.upstream.port,
      method: headers.get(':method') ?? method,
      path: headers.get(':path') ?? '/',
      headers: outgoing,
      agent,
    });
    upstreamReq.on('response', (upstreamRes) => onUpstreamResponse(upstreamRes));
    upstreamReq.on('error', () => onUpstreamFailure());
    if (endOfStream) upstreamReq.end();
  });
  stream.on('request-data', (chunk: Uint8Array, endOfStream: boolean) => {
    if (req.isPaused() && !stream.requestWatermarked) req.resume();
    if (chunk.length > 0) upstreamReq?.write(chunk);
    if (endOfStream) upstreamReq?.end();
  });
  stream.on('request-trailers', () => upstreamReq?.end());

  // ---- response path: upstream → filter → client
  stream.on('response-headers', (headers: HeaderMap, endOfStream: boolean) => {
    if (res.headersSent) return;
    res.writeHead(Number(headers.get(':status')) || 502, flatHeaders(headers));
    if (endOfStream) res.end();
  });
  stream.on('response-data', (chunk: Uint8Array, endOfStream: boolean) => {
    if (chunk.length > 0) res.write(chunk);
    if (endOfStream) res.end();
  });
  stream.on('response-trailers', (trailers: HeaderMap) => {
    res.addTrailers(flatHeaders(trailers).reduce<Record<string, string>>((o, v, i, a) => (i % 2 ? o : ((o[v] = a[i + 1]!), o)), {}));
    res.end();
  });

  const onUpstreamResponse = (upstreamRes: IncomingMessage) => {
    const pairs: HeaderPair[] = [[':status', String(upstreamRes.statusCode ?? 502)]];
    for (let i = 0; i < upstreamRes.rawHeaders.length; i += 2) {
      const name = upstreamRes.rawHeaders[i]!.toLowerCase();
      if (!HOP_BY_HOP.has(name)) pairs.push([name, upstreamRes.rawHeaders[i + 1]!]);
    }
    // The socket the response came on is the upstream the filter reports as the destination.
    const upstreamSocket = upstreamRes.socket;
    if (upstreamSocket?.remoteAddress)
      stream.upstreamConnected(formatAddress(unmapIpv4(upstreamSocket.remoteAddress), upstreamSocket.remotePort ?? 0));
    const hasBody = responseHasBody(method, upstreamRes);
    if (!hasBody) upstreamDone = true;
    stream.responseHeaders(pairs, !hasBody);
    if (!hasBody) return void upstreamRes.resume();
    upstreamRes.on('data', (chunk: Buffer) => {
      stream.responseBody(chunk, false);
    });
    upstreamRes.on('end', () => {
      upstreamDone = true;
      const trailers: HeaderPair[] = [];
      for (let i = 0; i < upstreamRes.rawTrailers.length; i += 2)
        trailers.push([upstreamRes.rawTrailers[i]!.toLowerCase(), upstreamRes.rawTrailers[i + 1]!]);
      if (trailers.length > 0) stream.responseTrailers(trailers);
      else stream.responseBody(EMPTY, true);
    });
    upstreamRes.on('error', () => res.destroy());
  };

  // Envoy's router answers 503 when the upstream cannot be reached; that reply goes back through
  // the filter's response callbacks like any response.
  const onUpstreamFailure = () => {
    if (finished || res.headersSent) return res.destroy();
    const body = Buffer.from('upstream connect error or disconnect/reset before headers');
    stream.responseHeaders(
      [
        [':status', '503'],
        ['content-length', String(body.length)],
        ['content-type', 'text/plain'],
      ],
      false,
    );
    stream.responseBody(body, true);
  };

  const hasBody = requestHasBody(req);
  stream.requestHeaders(requestPairs(req, client), !hasBody);
  if (!hasBody) return void req.resume();
  req.on('data', (chunk: Buffer) => {
    stream.requestBody(chunk, false);
    if (stream.requestWatermarked) req.pause();
  });
  req.on('end', () => {
    stream.requestBody(EMPTY, true);
  });
}
