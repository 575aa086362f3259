// The demo's traffic generator: a weighted mix of normal, leaky and abusive calls to the sample
// APIs through the gateway, from several client networks (sent as x-forwarded-for, which the dev
// gateway is configured to trust for the demo only). Bounded by rate and duration; stops by itself.
import { request, Agent } from 'node:http';
import { cardNumber, int, pick, prng, uuid, type Rng } from './fake-data.ts';
import { HOSTS } from './sample-apis.ts';

export interface Call {
  host: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  client: string;
}

/** Public addresses of well-known networks (labels for the flow graph; no traffic goes to them) and internal ones. */
export const CLIENTS = [
  '8.8.8.8',
  '1.1.1.1',
  '9.9.9.9',
  '81.2.69.142',
  '193.0.6.139',
  '200.160.2.3',
  '202.12.27.33',
  '10.20.0.15',
  '10.20.3.7',
];
/** The abusive client: brute-forces the login endpoint. */
export const ABUSER = '185.220.101.4';

type Maker = (rng: Rng, client: string) => Call;
const get =
  (host: string, path: string): Maker =>
  (_rng, client) => ({ host, method: 'GET', path, client });

const MIX: [number, Maker][] = [
  [8, (rng, client) => ({ host: HOSTS.shop, method: 'GET', path: '/v1/products', client: client || pick(rng, CLIENTS) })],
  [8, (rng, client) => get(HOSTS.shop, `/v1/products/SKU-${int(rng, 10000, 10200)}`)(rng, client)],
  [4, (rng, client) => get(HOSTS.shop, `/v1/search?q=${pick(rng, ['kettle', 'lamp', 'desk'])}&page=${int(rng, 1, 3)}`)(rng, client)],
  [6, (rng, client) => get(HOSTS.shop, `/v1/orders/${int(rng, 100000, 999999)}`)(rng, client)],
  [
    3,
    (rng, client) => ({
      host: HOSTS.shop,
      method: 'POST',
      path: `/v1/carts/${uuid(rng)}/items`,
      body: { sku: `SKU-${int(rng, 10000, 10200)}`, qty: int(rng, 1, 3) },
      client,
    }),
  ],
  [1, (rng, client) => ({ host: HOSTS.shop, method: 'POST', path: '/v1/products', body: { name: 'Injected product', price: 1 }, client })],
  [
    5,
    (rng, client) => ({
      host: HOSTS.pay,
      method: 'POST',
      path: '/v1/payments',
      body: { card: { number: cardNumber(rng), expiry: '12/29', cvv: String(int(rng, 100, 999)) }, amount: int(rng, 100, 9999) / 100 },
      client,
    }),
  ],
  [5, (rng, client) => get(HOSTS.pay, `/v1/payments/${uuid(rng)}`)(rng, client)],
  [3, (rng, client) => get(HOSTS.pay, `/v1/customers/${int(rng, 1000, 1300)}/cards`)(rng, client)],
  [3, (rng, client) => get(HOSTS.pay, `/v1/accounts/${int(rng, 50000, 50300)}`)(rng, client)],
  [1, (rng, client) => ({ host: HOSTS.pay, method: 'POST', path: '/v1/refunds', body: { paymentId: uuid(rng) }, client })],
  [5, (rng, client) => get(HOSTS.telco, `/v1/subscribers/${int(rng, 2000000, 2000400)}`)(rng, client)],
  [3, (rng, client) => get(HOSTS.telco, `/v1/subscribers/${int(rng, 2000000, 2000400)}/cdrs`)(rng, client)],
  [2, (rng, client) => get(HOSTS.telco, `/v1/devices/35${int(rng, 1000000, 9999999)}${int(rng, 100000, 999999)}`)(rng, client)],
  [
    1,
    (rng, client) => ({
      host: HOSTS.telco,
      method: 'POST',
      path: `/v1/subscribers/${int(rng, 2000000, 2000400)}/sim-swap`,
      body: { reason: 'lost' },
      client,
    }),
  ],
  [1, get(HOSTS.telco, '/v1/internal/export')],
  [
    4,
    (rng, client) => ({
      host: HOSTS.id,
      method: 'POST',
      path: '/v1/login',
      body: { username: `user${int(rng, 1, 300)}`, password: `pw-${uuid(rng).slice(0, 8)}` },
      client,
    }),
  ],
  [4, (rng, client) => ({ ...get(HOSTS.id, '/v1/users/me')(rng, client), headers: { authorization: `Bearer ${uuid(rng)}` } })],
  [3, (rng, client) => get(HOSTS.id, `/v1/users/${uuid(rng)}`)(rng, client)],
  [1, get(HOSTS.id, '/v1/debug/profile')],
];
const TOTAL = MIX.reduce((s, [w]) => s + w, 0);

/** The next call of the mix; every 10th is the abuser trying a password. */
export function nextCall(rng: Rng, n: number): Call {
  if (n % 10 === 9)
    return { host: HOSTS.id, method: 'POST', path: '/v1/login', body: { username: 'admin', password: `wrong-${n}` }, client: ABUSER };
  // The first calls go through the mix in order, so even a short or slow run shows every kind of
  // call (rare ones like the stack-trace endpoint included); then the weighted random mix.
  const k = n - Math.floor(n / 10);
  if (k < MIX.length) return MIX[k]![1](rng, pick(rng, CLIENTS));
  let roll = rng() * TOTAL;
  for (const [w, make] of MIX) {
    roll -= w;
    if (roll < 0) return make(rng, pick(rng, CLIENTS));
  }
  return MIX[0]![1](rng, pick(rng, CLIENTS));
}

export interface TrafficStats {
  sent: number;
  byStatus: Record<number, number>;
  errors: number;
  lastSecondRate: number;
}

export interface TrafficOptions {
  gatewayPort: number;
  gatewayHost?: string;
  ratePerSecond: number;
  durationMs?: number;
  seed?: number;
  signal?: AbortSignal;
  onCall?: (call: Call, status: number) => void;
}

export function send(call: Call, port: number, host = '127.0.0.1', agent?: Agent): Promise<{ status: number; body: string }> {
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        method: call.method,
        path: call.path,
        agent,
        headers: {
          host: call.host,
          'x-forwarded-for': call.client,
          'user-agent': 'palisade-demo/1.0',
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...(call.headers ?? {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Sends the mix at `ratePerSecond` until the duration passes or the signal aborts. */
export async function runTraffic(
  opts: TrafficOptions,
  stats: TrafficStats = { sent: 0, byStatus: {}, errors: 0, lastSecondRate: 0 },
): Promise<TrafficStats> {
  const rng = prng(opts.seed ?? 42);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const started = Date.now();
  const interval = 1000 / opts.ratePerSecond;
  let n = 0;
  let windowStart = Date.now();
  let windowCount = 0;
  const inflight = new Set<Promise<void>>();
  while (!opts.signal?.aborted && (opts.durationMs === undefined || Date.now() - started < opts.durationMs)) {
    const call = nextCall(rng, n++);
    const p: Promise<void> = send(call, opts.gatewayPort, opts.gatewayHost, agent)
      .then(
        ({ status }) => {
          stats.sent++;
          stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
          windowCount++;
          opts.onCall?.(call, status);
        },
        () => void stats.errors++,
      )
      .finally(() => inflight.delete(p));
    inflight.add(p);
    if (Date.now() - windowStart >= 1000) {
      stats.lastSecondRate = Math.round((windowCount * 1000) / (Date.now() - windowStart));
      windowStart = Date.now();
      windowCount = 0;
    }
    const due = started + n * interval;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (inflight.size > 64) await Promise.race(inflight);
  }
  await Promise.allSettled(inflight);
  agent.destroy();
  return stats;
}
