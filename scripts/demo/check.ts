// `npm run demo -- --check`: after the scenario has run, verifies the outcome through the public
// REST API only (what a user would see), then proves enforcement by publishing a block rule and
// watching the next request get blocked. Each check is independent and reports its evidence.
import { HOSTS, sampleSpecs } from './sample-apis.ts';
import { send } from './traffic.ts';
import { apiCall, publishBlock, waitFor } from './system.ts';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

export interface CheckContext {
  cp: { httpUrl: string };
  adminToken: string;
  gatewayPort: number;
  gatewayId: string;
}

interface Page<T> {
  items: T[];
  nextCursor?: string;
  total?: string | number;
}
interface EndpointJson {
  id: string;
  key: { host: string; method: string; pathTemplate: string };
}

async function allPages<T>(ctx: CheckContext, path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor = '';
  for (let i = 0; i < 50; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const { status, body } = await apiCall<Page<T>>(
      ctx.cp,
      ctx.adminToken,
      'GET',
      `${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (status !== 200) throw new Error(`GET ${path} answered ${status}`);
    out.push(...body.items);
    if (!body.nextCursor) break;
    cursor = body.nextCursor;
  }
  return out;
}

async function check(name: string, run: () => Promise<string>): Promise<CheckResult> {
  try {
    return { name, ok: true, detail: await run() };
  } catch (err) {
    return { name, ok: false, detail: (err as Error).message };
  }
}

function must(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

export async function checkDemo(ctx: CheckContext): Promise<CheckResult[]> {
  const results: CheckResult[] = [];

  results.push(
    await check('endpoints discovered on every sample API, with path templates', async () => {
      const endpoints = await allPages<EndpointJson>(ctx, '/v1/endpoints');
      const hosts = new Set(endpoints.map((e) => e.key.host));
      const missing = Object.values(HOSTS).filter((h) => !hosts.has(h));
      must(missing.length === 0, `no endpoints for ${missing.join(', ')} (${endpoints.length} endpoints)`);
      const templated = endpoints.filter((e) => /\{[A-Za-z]+\}/.test(e.key.pathTemplate));
      must(templated.length >= 5, `only ${templated.length} templated paths`);
      must(
        endpoints.some(
          (e) => e.key.host === HOSTS.telco && e.key.pathTemplate.startsWith('/v1/subscribers/{') && !e.key.pathTemplate.includes('/cdrs'),
        ),
        'no /v1/subscribers/{id} template on the telecom API',
      );
      return `${endpoints.length} endpoints on ${hosts.size} hosts, ${templated.length} templated`;
    }),
  );

  results.push(
    await check('sensitive data flagged (cards, telecom identifiers, stack traces), masked', async () => {
      const findings = await allPages<{ type: string; endpointId: string }>(ctx, '/v1/findings');
      const types = new Set(findings.map((f) => f.type));
      const wanted = ['credit_card', 'imei', 'stack_trace'];
      const missing = wanted.filter((t) => !types.has(t));
      must(missing.length === 0, `no ${missing.join(', ')} findings (types seen: ${[...types].join(', ') || 'none'})`);
      must(!/\b4[0-9]{15}\b|\b5[1-5][0-9]{14}\b/.test(JSON.stringify(findings)), 'a raw card number reached the control plane');
      return `${findings.length} finding groups, types: ${[...types].sort().join(', ')}`;
    }),
  );

  results.push(
    await check('uploaded specs compared with traffic: shadow endpoints and the POST on a GET-only path', async () => {
      const specs = await apiCall<Page<unknown>>(ctx.cp, ctx.adminToken, 'GET', '/v1/specs');
      must(
        specs.status === 200 && specs.body.items.length === sampleSpecs().length,
        `expected ${sampleSpecs().length} specs, got ${specs.body?.items?.length}`,
      );
      const evaluated = await apiCall(ctx.cp, ctx.adminToken, 'POST', '/v1/posture/evaluate');
      must(evaluated.status === 200, `posture evaluation answered ${evaluated.status}`);
      const shadow = await apiCall<Page<{ method: string; path: string; host: string }>>(
        ctx.cp,
        ctx.adminToken,
        'GET',
        '/v1/posture/classes?class=shadow',
      );
      must(shadow.status === 200 && shadow.body.items.length > 0, 'no shadow endpoint found');
      const violations = await allPages<{ kind: string; method: string; host: string; path: string }>(ctx, '/v1/conformance');
      const postOnGet = violations.find(
        (v) => v.kind === 'undocumented-method' && v.method === 'POST' && v.host === HOSTS.shop && v.path === '/v1/products',
      );
      must(
        postOnGet !== undefined,
        `no undocumented-method violation for POST ${HOSTS.shop}/v1/products (${violations.length} violations)`,
      );
      const listed = await apiCall<Page<{ riskScore?: number; postureClass?: unknown }>>(
        ctx.cp,
        ctx.adminToken,
        'GET',
        '/v1/endpoints?class=shadow&sort=risk&order=desc&limit=5',
      );
      must(
        listed.status === 200 && listed.body.items.length > 0,
        `the inventory list filtered by class=shadow is empty (${listed.status})`,
      );
      must(
        listed.body.items.some((e) => Number(e.riskScore) > 0),
        'no risk score on the inventory list after evaluation',
      );
      return `${shadow.body.items.length} shadow endpoints (e.g. ${shadow.body.items[0]!.method} ${shadow.body.items[0]!.host}${shadow.body.items[0]!.path}), ${violations.length} violations`;
    }),
  );

  results.push(
    await check('a block rule published through the API is enforced by the gateway and acked', async () => {
      const path = '/v1/internal/export';
      const before = await send({ host: HOSTS.telco, method: 'GET', path, client: '81.2.69.142' }, ctx.gatewayPort);
      must(before.status === 200, `before the rule the upstream answered ${before.status}`);
      const published = Date.now();
      const res = await publishBlock(ctx.cp, ctx.adminToken, {
        id: 'demo-block-export',
        name: 'Block the internal export',
        comment: 'demo check: block the internal export',
        match: { hosts: [HOSTS.telco], methods: ['GET'], paths: [path] },
      });
      must(res.status === 201, `publish answered ${res.status}: ${JSON.stringify(res.body)}`);
      await waitFor(
        'the next request to be blocked',
        async () => (await send({ host: HOSTS.telco, method: 'GET', path, client: '81.2.69.142' }, ctx.gatewayPort)).status === 403,
        5000,
        20,
      );
      const blockedAfter = Date.now() - published;
      await waitFor('the gateway to ack the version', async () => {
        const { body } = await apiCall<Page<{ info: { id: string }; rulesVersionAcked: string }>>(
          ctx.cp,
          ctx.adminToken,
          'GET',
          '/v1/gateways',
        );
        return body.items.some((g) => g.info.id === ctx.gatewayId && Number(g.rulesVersionAcked) >= Number(res.body.version));
      });
      const other = await send(
        { host: HOSTS.telco, method: 'GET', path: '/v1/subscribers/2000001', client: '81.2.69.142' },
        ctx.gatewayPort,
      );
      must(other.status === 200, `an unrelated request answered ${other.status}`);
      return `rules v${res.body.version} blocked the next request ${blockedAfter} ms after publishing; acked by ${ctx.gatewayId}`;
    }),
  );

  return results;
}
