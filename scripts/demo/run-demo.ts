// The demo scenario (started by scripts/demo.mjs): a control plane on SQLite in a temporary data
// dir (or PostgreSQL with --postgres URL), the sample upstream with four realistic APIs, a dev
// gateway running the real palisade.wasm in two worker VMs, the sample specs uploaded, and a
// traffic generator sending normal, leaky and abusive calls. Runs until Ctrl-C; with --check it
// runs headless for a fixed time, verifies the outcome through the API and exits 0 or 1.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkDemo } from './check.ts';
import { createProgress } from './progress.ts';
import { sampleSpecs } from './sample-apis.ts';
import { apiCall, startDevGateway, startLocalControlPlane, startSampleUpstream } from './system.ts';
import { runTraffic, type TrafficStats } from './traffic.ts';

const USAGE = `usage: npm run demo -- [options]
  --postgres URL      store on PostgreSQL (a fresh schema, dropped on exit) instead of SQLite
  --check             run headless for --duration seconds, verify through the API, exit 0/1
  --duration S        traffic duration in seconds (default: until Ctrl-C; 20 with --check)
  --rate N            requests per second sent through the gateway (default 40)
  --port N            control plane HTTP port: API + dashboard (default 8080, 0 = any free port)
  --gateway-port N    dev gateway port (default 8000, 0 = any free port)
  --seed N            traffic generator seed (default 42)`;

const DASHBOARD_DIR = fileURLToPath(new URL('../../control-plane/dashboard/dist', import.meta.url));

function parse() {
  try {
    const { values } = parseArgs({
      options: {
        postgres: { type: 'string' },
        check: { type: 'boolean', default: false },
        duration: { type: 'string' },
        rate: { type: 'string', default: '40' },
        port: { type: 'string', default: '8080' },
        'gateway-port': { type: 'string', default: '8000' },
        seed: { type: 'string', default: '42' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    });
    const num = (name: string, v: string | undefined, min: number, max: number) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max} (got ${v})`);
      return n;
    };
    if (values.postgres !== undefined && !/^postgres(ql)?:\/\//.test(values.postgres))
      throw new Error('--postgres must be a postgres:// URL');
    return {
      help: values.help,
      postgres: values.postgres,
      check: values.check,
      durationS: values.duration !== undefined ? num('duration', values.duration, 1, 86_400) : values.check ? 20 : undefined,
      rate: num('rate', values.rate, 1, 5000),
      port: num('port', values.port, 0, 65535),
      gatewayPort: num('gateway-port', values['gateway-port'], 0, 65535),
      seed: num('seed', values.seed, 0, 2 ** 31),
    };
  } catch (err) {
    process.stderr.write(`demo: ${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
}

/** Tries `port`, then any free port, so a busy 8080 does not stop the demo. */
async function onPortOrAny<T>(port: number, start: (p: number) => Promise<T>): Promise<T> {
  try {
    return await start(port);
  } catch (err) {
    if (port !== 0 && (err as NodeJS.ErrnoException).code === 'EADDRINUSE') return start(0);
    throw err;
  }
}

async function main(): Promise<number> {
  const opts = parse();
  if (opts.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const progress = createProgress();
  const closers: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch((e) => progress.line(`  (shutdown: ${(e as Error).message})`));
  };
  const traffic = new AbortController();
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    progress.endLive();
    progress.line('demo: stopping …');
    traffic.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  progress.line(`Palisade demo${opts.check ? ' (check mode)' : ''}`);
  try {
    const schema = opts.postgres ? `palisade_demo_${randomBytes(4).toString('hex')}` : undefined;
    const cp = await progress.step(
      `control plane on ${opts.postgres ? `PostgreSQL (schema ${schema})` : 'SQLite in a temporary data dir'}`,
      () =>
        onPortOrAny(opts.port, (httpPort) =>
          startLocalControlPlane({
            ...(opts.postgres ? { postgres: { url: opts.postgres, schema: schema! } } : {}),
            httpPort,
            ...(existsSync(DASHBOARD_DIR) ? { dashboardDir: DASHBOARD_DIR } : {}),
          }),
        ),
      (c) => `API ${c.httpUrl}, gRPC ${c.grpcAddress}`,
    );
    closers.push(() => cp.close());
    if (opts.postgres) closers.push(() => dropSchema(opts.postgres!, schema!));

    const adminToken = await cp.createToken('demo-admin', 'admin');
    const gatewayId = 'demo-gateway-1';
    const gatewayToken = await cp.createToken('demo-gateway', 'gateway', gatewayId);

    const upstream = await progress.step(
      'sample upstream (telecom, payments, retail, identity APIs)',
      () => startSampleUpstream(),
      (u) => `127.0.0.1:${u.port}`,
    );
    closers.push(() => upstream.close());

    const gateway = await progress.step(
      'dev gateway running palisade.wasm (2 worker VMs)',
      () =>
        onPortOrAny(opts.gatewayPort, (port) =>
          startDevGateway({
            gatewayId,
            token: gatewayToken,
            grpcAddress: cp.grpcAddress,
            upstreamPort: upstream.port,
            workers: 2,
            port,
            xffNumTrustedHops: 1,
          }),
        ),
      (g) => `http://127.0.0.1:${g.port}`,
    );
    closers.push(() => gateway.close());

    await progress.step(
      'upload the sample OpenAPI specs',
      async () => {
        for (const spec of sampleSpecs()) {
          const res = await apiCall(
            cp,
            adminToken,
            'POST',
            `/v1/specs?name=${encodeURIComponent(spec.name)}&host=${encodeURIComponent(spec.host)}`,
            spec.document,
          );
          if (res.status !== 201) throw new Error(`spec ${spec.name}: ${res.status} ${JSON.stringify(res.body)}`);
        }
        return sampleSpecs().length;
      },
      (n) => `${n} specs`,
    );

    progress.line('');
    progress.line(`  Dashboard:    ${cp.httpUrl}/`);
    progress.line(`  Admin token:  ${adminToken}`);
    progress.line(`  Gateway:      curl -H 'host: shop.demo.palisade.dev' http://127.0.0.1:${gateway.port}/v1/products`);
    progress.line(opts.check ? `  Sending traffic for ${opts.durationS} s, then checking.` : '  Press Ctrl-C to stop.');
    progress.line('');

    const stats: TrafficStats = { sent: 0, byStatus: {}, errors: 0, lastSecondRate: 0 };
    const ticker = setInterval(async () => {
      const summary = await apiCall<{ items: unknown[]; total?: string }>(cp, adminToken, 'GET', '/v1/endpoints?limit=1').catch(
        () => undefined,
      );
      const blocked = (stats.byStatus[403] ?? 0) + (stats.byStatus[429] ?? 0);
      progress.live(
        `  traffic: ${stats.lastSecondRate} req/s, ${stats.sent} sent, ${blocked} blocked/limited, ${stats.errors} errors | endpoints discovered: ${summary?.body?.total ?? '?'}`,
      );
    }, 1000);
    closers.push(async () => clearInterval(ticker));
    await runTraffic(
      {
        gatewayPort: gateway.port,
        ratePerSecond: opts.rate,
        seed: opts.seed,
        signal: traffic.signal,
        ...(opts.durationS ? { durationMs: opts.durationS * 1000 } : {}),
      },
      stats,
    );
    clearInterval(ticker);
    progress.endLive();
    progress.line(
      `  traffic done: ${stats.sent} requests (${Object.entries(stats.byStatus)
        .map(([s, n]) => `${s}: ${n}`)
        .join(', ')}), ${stats.errors} errors`,
    );

    if (opts.check && !stopping) {
      // Events are flushed every 250 ms and acked once durable; give the last batch a moment.
      await new Promise((r) => setTimeout(r, 1500));
      progress.line('');
      progress.line('Checks:');
      const results = await checkDemo({ cp, adminToken, gatewayPort: gateway.port, gatewayId });
      for (const r of results) progress.line(`  ${r.ok ? '✔' : '✖'} ${r.name}: ${r.detail}`);
      const failed = results.filter((r) => !r.ok).length;
      progress.line(
        failed === 0 ? `demo check: PASS (${results.length} checks)` : `demo check: FAIL (${failed} of ${results.length} checks failed)`,
      );
      return failed === 0 ? 0 : 1;
    }
    if (!stopping) {
      // A fixed --duration without --check: keep serving the dashboard until Ctrl-C.
      progress.line('  traffic stopped; the dashboard stays up until Ctrl-C.');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
    }
    return 0;
  } catch (err) {
    progress.line(`demo: ${(err as Error).message}`);
    return 1;
  } finally {
    await stopAll();
    progress.line('demo: stopped.');
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

process.exit(await main());
