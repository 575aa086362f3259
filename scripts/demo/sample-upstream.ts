// The demo's upstream: one HTTP server answering for the four sample APIs by Host header.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { routeRequest } from './sample-apis.ts';

export interface Upstream {
  port: number;
  requests: () => number;
  close: () => Promise<void>;
}

const MAX_BODY = 1 << 20;

export async function startSampleUpstream(port = 0, host = '127.0.0.1'): Promise<Upstream> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      count++;
      const url = new URL(req.url ?? '/', 'http://upstream');
      const vhost = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
      // A per-request seed keeps responses varied yet reproducible for the same request.
      const seed = count * 2654435761;
      const out = routeRequest(
        vhost,
        {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        },
        seed,
      );
      const payload = out.text ?? JSON.stringify(out.body ?? null);
      res.writeHead(out.status, { 'content-type': out.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
