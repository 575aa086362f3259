// A small stand-in for the control plane's GET /v1/rules (strong ETag, If-None-Match → 304) and
// POST /v1/reports (ReportBatch JSON), with the gateway token checked like the real API. The real
// control plane is exercised in control-plane.test.ts.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class FakeControlPlane {
  rules = '{"version":"1","policies":[]}';
  readonly ruleRequests: { ifNoneMatch: string | undefined; authorization: string | undefined }[] = [];
  readonly reports: unknown[] = [];
  private server: Server | null = null;
  url = '';

  constructor(readonly token: string) {}

  etag(): string {
    return `"${createHash('sha256').update(this.rules).digest('hex').slice(0, 16)}"`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      // One connection per request: a kept-alive socket left idle past the server's keep-alive
      // timeout (a slow test on a loaded machine) is closed under fetch's feet (ECONNRESET).
      res.shouldKeepAlive = false;
      const authorized = req.headers.authorization === `Bearer ${this.token}`;
      if (req.method === 'GET' && req.url === '/v1/rules') {
        this.ruleRequests.push({ ifNoneMatch: req.headers['if-none-match'], authorization: req.headers.authorization });
        if (!authorized) return void res.writeHead(401).end();
        if (req.headers['if-none-match'] === this.etag()) return void res.writeHead(304, { etag: this.etag() }).end();
        return void res.writeHead(200, { 'content-type': 'application/json', etag: this.etag() }).end(this.rules);
      }
      if (req.method === 'POST' && req.url === '/v1/reports') {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          if (!authorized) return void res.writeHead(401).end();
          this.reports.push(JSON.parse(body));
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"sequence":"1","status":"ACK_STATUS_OK","accepted":1}');
        });
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
