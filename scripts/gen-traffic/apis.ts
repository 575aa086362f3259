// Four realistic APIs — a shop, a bank, a code host, a telecom operator — chosen for what makes
// templating hard: numeric, UUID, hex, prefixed and date ids; human-chosen names (usernames, repo
// names, category slugs) that only cardinality reveals; literal routes beside parameters
// (`/users/me`); versions side by side (`/v1/orders`, `/v2/orders`).
import type { ApiDef } from './api-model.ts';
import { chance, digits, email, fullName, hex, int, isoDate, isoDateTime, pick, slug, username, uuid, type Rng } from './random.ts';

const errorBody = (r: Rng, status: number) => ({
  error: { code: `E${status}`, message: pick(r, ['not found', 'invalid input', 'unauthorized', 'internal error']) },
});
const page = { name: 'page', in: 'query' as const, required: false, p: 0.4, gen: (r: Rng) => String(int(r, 1, 40)) };
const limit = { name: 'limit', in: 'query' as const, required: false, p: 0.5, gen: (r: Rng) => String(pick(r, [10, 20, 50, 100])) };

const product = (r: Rng) => ({
  id: int(r, 1, 99999),
  name: slug(r),
  price: int(r, 100, 99999) / 100,
  currency: pick(r, ['EUR', 'USD', 'GBP']),
  inStock: chance(r, 0.8),
  tags: [slug(r)],
  updatedAt: isoDateTime(r),
});
const order = (r: Rng) => ({
  id: `ORD-${digits(r, 6)}`,
  status: pick(r, ['pending', 'paid', 'shipped', 'delivered', 'cancelled']),
  total: int(r, 100, 99999) / 100,
  createdAt: isoDateTime(r),
  items: Array.from({ length: int(r, 1, 3) }, () => ({ productId: int(r, 1, 99999), quantity: int(r, 1, 5) })),
  customer: { email: email(r), name: fullName(r) },
});

export const SHOP: ApiDef = {
  host: 'shop.example.com',
  error: errorBody,
  pathParams: {
    productId: (r) => String(int(r, 1, 99999)),
    categorySlug: (r) => slug(r),
    itemId: uuid,
    orderId: (r) => `ORD-${digits(r, 6)}`,
  },
  endpoints: [
    {
      method: 'GET',
      path: '/v1/products',
      weight: 12,
      auth: 'none',
      params: [page, limit, { name: 'category', in: 'query', required: false, p: 0.3, gen: slug }],
      statuses: [
        [200, 97],
        [400, 3],
      ],
      response: (r) => ({ items: Array.from({ length: int(r, 1, 3) }, () => product(r)), total: int(r, 0, 5000) }),
    },
    {
      method: 'GET',
      path: '/v1/products/{productId}',
      weight: 20,
      auth: 'none',
      statuses: [
        [200, 90],
        [404, 10],
      ],
      response: (r) => product(r),
    },
    {
      method: 'GET',
      path: '/v1/products/{productId}/reviews',
      weight: 6,
      auth: 'none',
      params: [page],
      statuses: [
        [200, 95],
        [404, 5],
      ],
      response: (r) => ({ reviews: [{ rating: int(r, 1, 5), text: slug(r), author: username(r), createdAt: isoDateTime(r) }] }),
    },
    {
      method: 'POST',
      path: '/v1/products/{productId}/reviews',
      weight: 2,
      auth: 'jwt',
      statuses: [
        [201, 85],
        [400, 10],
        [401, 5],
      ],
      request: (r) => ({ rating: int(r, 1, 5), text: slug(r) }),
      response: (r) => ({ id: uuid(r), createdAt: isoDateTime(r) }),
    },
    {
      method: 'GET',
      path: '/v1/categories',
      weight: 4,
      auth: 'none',
      statuses: [[200, 100]],
      response: (r) => ({ categories: [{ slug: slug(r), name: slug(r) }] }),
    },
    {
      method: 'GET',
      path: '/v1/categories/{categorySlug}/products',
      weight: 8,
      auth: 'none',
      params: [page, limit],
      statuses: [
        [200, 96],
        [404, 4],
      ],
      response: (r) => ({ items: [product(r)], total: int(r, 0, 500) }),
    },
    {
      method: 'GET',
      path: '/v1/cart',
      weight: 6,
      auth: 'jwt',
      statuses: [
        [200, 95],
        [401, 5],
      ],
      response: (r) => ({ id: uuid(r), items: [{ itemId: uuid(r), productId: int(r, 1, 99999), quantity: int(r, 1, 4) }] }),
    },
    {
      method: 'POST',
      path: '/v1/cart/items',
      weight: 5,
      auth: 'jwt',
      statuses: [
        [201, 90],
        [400, 6],
        [401, 4],
      ],
      request: (r) => ({ productId: int(r, 1, 99999), quantity: int(r, 1, 4) }),
      response: (r) => ({ itemId: uuid(r), quantity: int(r, 1, 4) }),
    },
    {
      method: 'DELETE',
      path: '/v1/cart/items/{itemId}',
      weight: 2,
      auth: 'jwt',
      statuses: [
        [204, 90],
        [404, 10],
      ],
    },
    {
      method: 'GET',
      path: '/v1/orders',
      weight: 3,
      auth: 'jwt',
      params: [page, { name: 'status', in: 'query', required: false, p: 0.5, gen: (r) => pick(r, ['pending', 'paid', 'shipped']) }],
      statuses: [[200, 100]],
      response: (r) => ({ orders: [order(r)] }),
      deprecated: true,
    },
    {
      method: 'GET',
      path: '/v1/orders/{orderId}',
      weight: 3,
      auth: 'jwt',
      statuses: [
        [200, 90],
        [404, 10],
      ],
      response: (r) => order(r),
      deprecated: true,
    },
    {
      method: 'GET',
      path: '/v2/orders/{orderId}',
      weight: 7,
      auth: 'jwt',
      statuses: [
        [200, 90],
        [404, 10],
      ],
      response: (r) => order(r),
    },
    {
      method: 'POST',
      path: '/v2/orders',
      weight: 4,
      auth: 'jwt',
      params: [{ name: 'idempotency-key', in: 'header', required: true, gen: uuid }],
      statuses: [
        [201, 88],
        [400, 8],
        [409, 4],
      ],
      request: (r) => ({
        items: [{ productId: int(r, 1, 99999), quantity: int(r, 1, 5) }],
        shippingAddress: {
          line1: slug(r),
          city: pick(r, ['Paris', 'Berlin', 'Lisbon', 'Oslo']),
          country: pick(r, ['FR', 'DE', 'PT', 'NO']),
        },
      }),
      response: (r) => order(r),
    },
    { method: 'GET', path: '/health', weight: 2, auth: 'none', statuses: [[200, 100]], response: () => ({ status: 'ok' }) },
  ],
};

const account = (r: Rng) => ({
  id: uuid(r),
  iban: `DE${digits(r, 20)}`,
  type: pick(r, ['checking', 'savings']),
  balance: int(r, -1000, 1e6) / 100,
  currency: 'EUR',
  openedOn: isoDate(r),
  owner: { name: fullName(r), email: email(r) },
});
const txn = (r: Rng) => ({
  id: hex(r, 24),
  amount: int(r, -50000, 50000) / 100,
  bookedAt: isoDateTime(r),
  counterparty: fullName(r),
  category: pick(r, ['groceries', 'rent', 'salary', 'travel', 'utilities']),
  reference: chance(r, 0.7) ? slug(r) : null,
});

export const BANK: ApiDef = {
  host: 'api.bank.example',
  error: (r, status) => ({ type: 'about:blank', title: pick(r, ['Bad Request', 'Not Found', 'Unauthorized']), status }),
  pathParams: {
    accountId: uuid,
    transactionId: (r) => hex(r, 24),
    transferId: (r) => `tr_${hex(r, 12)}`,
    customerId: (r) => digits(r, 8),
    date: isoDate,
  },
  endpoints: [
    {
      method: 'GET',
      path: '/api/accounts',
      weight: 8,
      auth: 'jwt',
      statuses: [
        [200, 95],
        [401, 5],
      ],
      response: (r) => ({ accounts: [account(r)] }),
    },
    {
      method: 'GET',
      path: '/api/accounts/{accountId}',
      weight: 10,
      auth: 'jwt',
      statuses: [
        [200, 90],
        [404, 6],
        [401, 4],
      ],
      response: (r) => account(r),
    },
    {
      method: 'GET',
      path: '/api/accounts/{accountId}/transactions',
      weight: 14,
      auth: 'jwt',
      params: [
        { name: 'from', in: 'query', required: true, gen: isoDate },
        { name: 'to', in: 'query', required: false, p: 0.6, gen: isoDate },
        limit,
      ],
      statuses: [
        [200, 93],
        [400, 4],
        [404, 3],
      ],
      response: (r) => ({ transactions: Array.from({ length: int(r, 1, 4) }, () => txn(r)), next: chance(r, 0.5) ? hex(r, 16) : null }),
    },
    {
      method: 'GET',
      path: '/api/accounts/{accountId}/transactions/{transactionId}',
      weight: 6,
      auth: 'jwt',
      statuses: [
        [200, 92],
        [404, 8],
      ],
      response: (r) => txn(r),
    },
    {
      method: 'POST',
      path: '/api/transfers',
      weight: 4,
      auth: 'jwt',
      params: [{ name: 'x-idempotency-key', in: 'header', required: true, gen: uuid }],
      statuses: [
        [201, 85],
        [400, 10],
        [422, 5],
      ],
      request: (r) => ({
        fromAccount: uuid(r),
        toIban: `FR${digits(r, 25)}`,
        amount: int(r, 1, 500000) / 100,
        currency: 'EUR',
        executeOn: isoDate(r),
      }),
      response: (r) => ({ id: `tr_${hex(r, 12)}`, status: pick(r, ['scheduled', 'executed']), createdAt: isoDateTime(r) }),
    },
    {
      method: 'GET',
      path: '/api/transfers/{transferId}',
      weight: 4,
      auth: 'jwt',
      statuses: [
        [200, 92],
        [404, 8],
      ],
      response: (r) => ({ id: `tr_${hex(r, 12)}`, status: pick(r, ['scheduled', 'executed', 'failed']), amount: int(r, 1, 500000) / 100 }),
    },
    {
      method: 'GET',
      path: '/api/customers/{customerId}/cards',
      weight: 3,
      auth: 'jwt',
      statuses: [
        [200, 95],
        [404, 5],
      ],
      response: (r) => ({
        cards: [{ last4: digits(r, 4), brand: pick(r, ['visa', 'mastercard']), expires: `${int(r, 1, 12)}/${int(r, 26, 31)}` }],
      }),
    },
    {
      method: 'GET',
      path: '/api/fx/rates/{date}',
      weight: 3,
      auth: 'none',
      statuses: [[200, 100]],
      response: (r) => ({ base: 'EUR', date: isoDate(r), rates: { USD: 1 + r() / 5, GBP: 0.8 + r() / 10 } }),
    },
    {
      method: 'GET',
      path: '/api/users/me',
      weight: 6,
      auth: 'jwt',
      statuses: [
        [200, 97],
        [401, 3],
      ],
      response: (r) => ({
        id: digits(r, 8),
        email: email(r),
        name: fullName(r),
        lastLoginIp: `${int(r, 1, 223)}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`,
      }),
    },
    {
      method: 'PATCH',
      path: '/api/users/me',
      weight: 1,
      auth: 'jwt',
      statuses: [
        [200, 90],
        [400, 10],
      ],
      request: (r) => ({ name: fullName(r) }),
      response: (r) => ({ id: digits(r, 8), name: fullName(r) }),
    },
  ],
};

const repo = (r: Rng) => ({
  id: int(r, 1, 9e6),
  name: slug(r),
  fullName: `${username(r)}/${slug(r)}`,
  private: chance(r, 0.2),
  stars: int(r, 0, 5000),
  language: pick(r, ['go', 'rust', 'typescript', 'python', null]),
  updatedAt: isoDateTime(r),
});

export const CODE: ApiDef = {
  host: 'code.example.dev',
  error: errorBody,
  pathParams: {
    owner: username,
    repo: slug,
    number: (r) => String(int(r, 1, 4000)),
    username,
    org: (r) => `${slug(r)}-labs`,
    sha: (r) => hex(r, 40),
  },
  endpoints: [
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}',
      weight: 14,
      auth: 'api-key-header',
      statuses: [
        [200, 90],
        [404, 10],
      ],
      response: (r) => repo(r),
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/issues',
      weight: 9,
      auth: 'api-key-header',
      params: [{ name: 'state', in: 'query', required: false, p: 0.6, gen: (r) => pick(r, ['open', 'closed', 'all']) }, page],
      statuses: [
        [200, 95],
        [404, 5],
      ],
      response: (r) => [
        {
          number: int(r, 1, 4000),
          title: slug(r),
          state: pick(r, ['open', 'closed']),
          user: { login: username(r) },
          createdAt: isoDateTime(r),
        },
      ],
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/issues/{number}',
      weight: 7,
      auth: 'api-key-header',
      statuses: [
        [200, 92],
        [404, 8],
      ],
      response: (r) => ({ number: int(r, 1, 4000), title: slug(r), body: slug(r), state: pick(r, ['open', 'closed']), labels: [slug(r)] }),
    },
    {
      method: 'POST',
      path: '/repos/{owner}/{repo}/issues',
      weight: 2,
      auth: 'basic',
      statuses: [
        [201, 90],
        [422, 10],
      ],
      request: (r) => ({ title: slug(r), body: slug(r), labels: [pick(r, ['bug', 'feature', 'docs'])] }),
      response: (r) => ({ number: int(r, 1, 4000), url: `https://code.example.dev/issues/${int(r, 1, 4000)}` }),
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/commits/{sha}',
      weight: 4,
      auth: 'api-key-header',
      statuses: [
        [200, 95],
        [404, 5],
      ],
      response: (r) => ({ sha: hex(r, 40), message: slug(r), author: { name: fullName(r), email: email(r), date: isoDateTime(r) } }),
    },
    {
      method: 'GET',
      path: '/users/{username}',
      weight: 8,
      auth: 'none',
      statuses: [
        [200, 92],
        [404, 8],
      ],
      response: (r) => ({ login: username(r), id: int(r, 1, 9e6), name: fullName(r), createdAt: isoDateTime(r) }),
    },
    {
      method: 'GET',
      path: '/users/{username}/repos',
      weight: 5,
      auth: 'none',
      params: [page],
      statuses: [[200, 100]],
      response: (r) => [repo(r)],
    },
    {
      method: 'GET',
      path: '/user',
      weight: 4,
      auth: 'api-key-header',
      statuses: [
        [200, 96],
        [401, 4],
      ],
      response: (r) => ({ login: username(r), email: email(r), plan: pick(r, ['free', 'pro', 'team']) }),
    },
    {
      method: 'GET',
      path: '/search/repositories',
      weight: 5,
      auth: 'none',
      params: [
        { name: 'q', in: 'query', required: true, gen: slug },
        { name: 'sort', in: 'query', required: false, p: 0.3, gen: (r) => pick(r, ['stars', 'updated']) },
        page,
      ],
      statuses: [
        [200, 95],
        [422, 5],
      ],
      response: (r) => ({ totalCount: int(r, 0, 9999), items: [repo(r)] }),
    },
    {
      method: 'GET',
      path: '/orgs/{org}/members',
      weight: 3,
      auth: 'api-key-header',
      statuses: [
        [200, 90],
        [403, 10],
      ],
      response: (r) => [{ login: username(r), role: pick(r, ['member', 'admin']) }],
    },
  ],
};

export const TELCO: ApiDef = {
  host: 'api.telco.example',
  error: errorBody,
  pathParams: {
    msisdn: (r) => `33${digits(r, 9)}`,
    iccid: (r) => `8933${digits(r, 15)}`,
    planCode: (r) => `plan${digits(r, 5)}`,
    ticketId: uuid,
  },
  endpoints: [
    {
      method: 'GET',
      path: '/subscribers/{msisdn}',
      weight: 10,
      auth: 'api-key-query',
      statuses: [
        [200, 90],
        [404, 10],
      ],
      response: (r) => ({
        msisdn: `33${digits(r, 9)}`,
        imsi: `208${digits(r, 12)}`,
        plan: `plan${digits(r, 5)}`,
        status: pick(r, ['active', 'suspended']),
        activatedAt: isoDateTime(r),
      }),
    },
    {
      method: 'GET',
      path: '/subscribers/{msisdn}/usage',
      weight: 8,
      auth: 'api-key-query',
      params: [{ name: 'month', in: 'query', required: true, gen: (r) => `2025-${String(int(r, 1, 12)).padStart(2, '0')}` }],
      statuses: [
        [200, 95],
        [404, 5],
      ],
      response: (r) => ({ dataMb: int(r, 0, 50000), voiceMinutes: int(r, 0, 3000), sms: int(r, 0, 500), roaming: chance(r, 0.1) }),
    },
    {
      method: 'POST',
      path: '/sims/{iccid}/activate',
      weight: 3,
      auth: 'api-key-query',
      statuses: [
        [202, 85],
        [409, 10],
        [500, 5],
      ],
      request: (r) => ({ msisdn: `33${digits(r, 9)}`, plan: `plan${digits(r, 5)}` }),
      response: (r) => ({ requestId: uuid(r), status: 'accepted' }),
    },
    {
      method: 'GET',
      path: '/plans',
      weight: 4,
      auth: 'none',
      statuses: [[200, 100]],
      response: (r) => ({ plans: [{ code: `plan${digits(r, 5)}`, name: slug(r), monthlyPrice: int(r, 500, 6000) / 100 }] }),
    },
    {
      method: 'GET',
      path: '/plans/{planCode}',
      weight: 3,
      auth: 'none',
      statuses: [
        [200, 90],
        [404, 10],
      ],
      response: (r) => ({ code: `plan${digits(r, 5)}`, name: slug(r), dataGb: int(r, 1, 200) }),
    },
    {
      method: 'POST',
      path: '/support/tickets',
      weight: 2,
      auth: 'cookie',
      statuses: [
        [201, 95],
        [400, 5],
      ],
      request: (r) => ({ subject: slug(r), msisdn: `33${digits(r, 9)}`, priority: pick(r, ['low', 'normal', 'high']) }),
      response: (r) => ({ id: uuid(r), createdAt: isoDateTime(r) }),
    },
    {
      method: 'GET',
      path: '/support/tickets/{ticketId}',
      weight: 2,
      auth: 'cookie',
      statuses: [
        [200, 95],
        [404, 5],
      ],
      response: (r) => ({ id: uuid(r), subject: slug(r), status: pick(r, ['open', 'closed']) }),
    },
  ],
};

export const APIS: readonly ApiDef[] = [SHOP, BANK, CODE, TELCO];
