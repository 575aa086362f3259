// The demo's sample estate: four realistic APIs (telecom subscribers, payments, retail, identity)
// served as virtual hosts by one upstream. Some endpoints leak what they should not (full card
// numbers, SSNs, CPNI, stack traces) so the product has something real to find; some are missing
// from the uploaded spec (shadow); one accepts a method its spec does not document.
import {
  cardNumber,
  dob,
  email,
  fullName,
  iban,
  iccid,
  imei,
  imsi,
  int,
  ipv4,
  msisdn,
  pick,
  prng,
  ssn,
  uuid,
  type Rng,
} from './fake-data.ts';

export interface SampleRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  params: Record<string, string>;
}

export interface SampleResponse {
  status: number;
  body?: unknown;
  text?: string;
  contentType?: string;
}

export interface SampleRoute {
  host: string;
  method: string;
  /** Template with `{name}` segments. */
  template: string;
  /** Whether the demo's uploaded spec documents it. */
  documented: boolean;
  handle: (req: SampleRequest, rng: Rng) => SampleResponse;
}

export const HOSTS = {
  telco: 'telco.demo.palisade.dev',
  pay: 'pay.demo.palisade.dev',
  shop: 'shop.demo.palisade.dev',
  id: 'id.demo.palisade.dev',
} as const;

const json = (body: unknown, status = 200): SampleResponse => ({ status, body });

function subscriber(rng: Rng, id: string) {
  const name = fullName(rng);
  return {
    id,
    msisdn: msisdn(rng),
    name,
    email: email(rng, name),
    imsi: imsi(rng),
    iccid: iccid(rng),
    device: { imei: imei(rng), model: pick(rng, ['Pixel 9', 'iPhone 16', 'Galaxy S25']) },
    plan: pick(rng, ['prepaid-s', 'postpaid-m', 'family-l']),
    status: 'active',
  };
}

function stackTrace(rng: Rng): string {
  return [
    'java.lang.NullPointerException: Cannot invoke "com.acme.id.User.getProfile()" because "user" is null',
    `\tat com.acme.id.ProfileService.load(ProfileService.java:${int(rng, 40, 200)})`,
    '\tat com.acme.id.ProfileController.get(ProfileController.java:57)',
    '\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)',
    '\tat javax.servlet.http.HttpServlet.service(HttpServlet.java:750)',
  ].join('\n');
}

export const ROUTES: SampleRoute[] = [
  // Telecom: subscriber data is CPNI; call detail records list numbers called.
  {
    host: HOSTS.telco,
    method: 'GET',
    template: '/v1/subscribers/{subscriberId}',
    documented: true,
    handle: (r, rng) => json(subscriber(rng, r.params.subscriberId!)),
  },
  {
    host: HOSTS.telco,
    method: 'GET',
    template: '/v1/subscribers/{subscriberId}/cdrs',
    documented: true,
    handle: (r, rng) =>
      json({
        subscriberId: r.params.subscriberId,
        records: Array.from({ length: int(rng, 2, 6) }, () => ({
          callee: msisdn(rng),
          startedAt: new Date(Date.now() - int(rng, 0, 9e8)).toISOString(),
          seconds: int(rng, 3, 1800),
          cellId: `310-260-${int(rng, 1000, 9999)}`,
        })),
      }),
  },
  {
    host: HOSTS.telco,
    method: 'GET',
    template: '/v1/devices/{imei}',
    documented: true,
    handle: (r, rng) => json({ imei: r.params.imei, model: pick(rng, ['Pixel 9', 'iPhone 16']), blacklisted: rng() < 0.05 }),
  },
  {
    host: HOSTS.telco,
    method: 'POST',
    template: '/v1/subscribers/{subscriberId}/sim-swap',
    documented: true,
    handle: (r, rng) => json({ subscriberId: r.params.subscriberId, newIccid: iccid(rng), status: 'pending' }, 202),
  },
  {
    host: HOSTS.telco,
    method: 'GET',
    template: '/v1/internal/export',
    documented: false,
    handle: (_r, rng) => json({ subscribers: Array.from({ length: 3 }, (_, i) => subscriber(rng, String(1000 + i))) }),
  },
  // Payments: one endpoint returns full PANs (a leak), refunds are undocumented.
  {
    host: HOSTS.pay,
    method: 'POST',
    template: '/v1/payments',
    documented: true,
    handle: (_r, rng) =>
      json(
        {
          id: uuid(rng),
          status: pick(rng, ['authorized', 'authorized', 'declined']),
          amount: int(rng, 100, 99_999) / 100,
          currency: 'EUR',
        },
        201,
      ),
  },
  {
    host: HOSTS.pay,
    method: 'GET',
    template: '/v1/payments/{paymentId}',
    documented: true,
    handle: (r, rng) =>
      json({
        id: r.params.paymentId,
        status: 'settled',
        card: { last4: String(int(rng, 1000, 9999)), brand: 'visa' },
        amount: int(rng, 100, 99_999) / 100,
      }),
  },
  {
    host: HOSTS.pay,
    method: 'GET',
    template: '/v1/customers/{customerId}/cards',
    documented: true,
    handle: (r, rng) =>
      json({
        customerId: r.params.customerId,
        cards: [{ number: cardNumber(rng), expiry: `${int(rng, 1, 12)}/${int(rng, 27, 31)}`, holder: fullName(rng) }],
      }),
  },
  {
    host: HOSTS.pay,
    method: 'GET',
    template: '/v1/accounts/{accountId}',
    documented: true,
    handle: (r, rng) => json({ id: r.params.accountId, iban: iban(rng), owner: fullName(rng), balance: int(rng, 0, 1e6) / 100 }),
  },
  {
    host: HOSTS.pay,
    method: 'POST',
    template: '/v1/refunds',
    documented: false,
    handle: (_r, rng) => json({ id: uuid(rng), status: 'queued' }, 202),
  },
  // Retail: order numbers look like card numbers but are not (a hard negative).
  {
    host: HOSTS.shop,
    method: 'GET',
    template: '/v1/products',
    documented: true,
    handle: (_r, rng) =>
      json({
        items: Array.from({ length: 5 }, () => ({
          sku: `SKU-${int(rng, 10000, 99999)}`,
          name: pick(rng, ['Kettle', 'Lamp', 'Desk', 'Chair']),
          price: int(rng, 500, 50000) / 100,
        })),
      }),
  },
  // The spec documents GET /v1/products only; the service also accepts POST (undocumented method).
  {
    host: HOSTS.shop,
    method: 'POST',
    template: '/v1/products',
    documented: false,
    handle: (_r, rng) => json({ sku: `SKU-${int(rng, 10000, 99999)}`, created: true }, 201),
  },
  {
    host: HOSTS.shop,
    method: 'GET',
    template: '/v1/products/{sku}',
    documented: true,
    handle: (r, rng) => json({ sku: r.params.sku, name: 'Kettle', price: int(rng, 500, 5000) / 100, stock: int(rng, 0, 40) }),
  },
  {
    host: HOSTS.shop,
    method: 'GET',
    template: '/v1/orders/{orderId}',
    documented: true,
    handle: (r, rng) =>
      json({
        orderId: r.params.orderId,
        orderNumber: `${int(rng, 1000, 9999)}-${int(rng, 1000, 9999)}-${int(rng, 1000, 9999)}`,
        tracking: `1Z${int(rng, 100000, 999999)}${int(rng, 1000000000, 1999999999)}`,
        total: int(rng, 500, 90000) / 100,
      }),
  },
  {
    host: HOSTS.shop,
    method: 'POST',
    template: '/v1/carts/{cartId}/items',
    documented: true,
    handle: (r) => json({ cartId: r.params.cartId, added: true }, 201),
  },
  {
    host: HOSTS.shop,
    method: 'GET',
    template: '/v1/search',
    documented: true,
    handle: (r) => json({ q: r.query.get('q') ?? '', results: [] }),
  },
  // Identity: login, profile with SSN and date of birth, a debug endpoint leaking stack traces.
  {
    host: HOSTS.id,
    method: 'POST',
    template: '/v1/login',
    documented: true,
    handle: (r, rng) =>
      r.body.includes('"password":"wrong')
        ? json({ error: 'invalid credentials' }, 401)
        : json({
            token: `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify({ sub: uuid(rng) })).toString('base64url')}.c2lnbmF0dXJl`,
          }),
  },
  {
    host: HOSTS.id,
    method: 'GET',
    template: '/v1/users/me',
    documented: true,
    handle: (_r, rng) => {
      const n = fullName(rng);
      return json({ name: n, email: email(rng, n) });
    },
  },
  {
    host: HOSTS.id,
    method: 'GET',
    template: '/v1/users/{userId}',
    documented: true,
    handle: (r, rng) => {
      const n = fullName(rng);
      return json({ id: r.params.userId, name: n, email: email(rng, n), ssn: ssn(rng), dateOfBirth: dob(rng), lastLoginIp: ipv4(rng) });
    },
  },
  {
    host: HOSTS.id,
    method: 'GET',
    template: '/v1/debug/profile',
    documented: false,
    handle: (_r, rng) => ({ status: 500, text: stackTrace(rng), contentType: 'text/plain' }),
  },
];

/** Routes a request to its handler; unknown paths get 404 like any real service. */
export function routeRequest(host: string, req: Omit<SampleRequest, 'params'>, seed: number): SampleResponse {
  const segments = req.path.split('/');
  for (const route of ROUTES) {
    if (route.host !== host || route.method !== req.method) continue;
    const parts = route.template.split('/');
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    if (
      parts.every((p, i) => (p.startsWith('{') ? ((params[p.slice(1, -1)] = decodeURIComponent(segments[i]!)), true) : p === segments[i]))
    ) {
      return route.handle({ ...req, params }, prng(seed));
    }
  }
  return json({ error: 'not found' }, 404);
}

/** The specs the demo uploads: one OpenAPI 3.1 document per API, listing the documented routes. */
export function sampleSpecs(): { name: string; host: string; document: Record<string, unknown> }[] {
  return Object.entries(HOSTS).map(([name, host]) => {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of ROUTES.filter((x) => x.host === host && x.documented)) {
      const params = [...r.template.matchAll(/\{(\w+)\}/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      }));
      paths[r.template] ??= {};
      paths[r.template]![r.method.toLowerCase()] = {
        operationId: `${r.method.toLowerCase()}${r.template.replace(/[^a-zA-Z]+(\w)/g, (_m, c: string) => c.toUpperCase())}`,
        ...(params.length ? { parameters: params } : {}),
        responses: { [r.method === 'POST' ? (r.template.endsWith('sim-swap') ? '202' : '201') : '200']: { description: 'OK' } },
      };
    }
    return {
      name,
      host,
      document: { openapi: '3.1.0', info: { title: `${name} API`, version: '1.0.0' }, servers: [{ url: `https://${host}` }], paths },
    };
  });
}
