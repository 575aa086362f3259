// The composition root: config → store (migrations) → audit, tokens, rules, push hub → inventory,
// ingest, gateways → gRPC server and HTTP server. `startControlPlane(config)` is what the CLI, the
// demo and every end-to-end test run; `close()` stops everything it started, in reverse order.
import { loadReleaseSet } from './rules/value-releases.ts';
import { readFileSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import { resolveConfig, type ControlPlaneConfig, type ControlPlaneConfigInput, type Role } from './config/load-config.ts';
import { openStore, type StoreConfig } from './store/database.ts';
import type { Store } from './store/types.ts';
import { AuditLog, SYSTEM_ACTOR } from './audit/audit-log.ts';
import { TokenStore } from './auth/token-store.ts';
import { RulesService } from './rules/rules-service.ts';
import { PushHub } from './rules/push-hub.ts';
import { createWatchRulesHandler, enablePreserializedRuleSets } from './rules/watch-rules.ts';
import { createDetectionEngine } from './rules/detection-engine.ts';
import type { DetectionEngine } from './rules/compile-rule-set.ts';
import { listenForRules, rulesChannel, type RulesListener } from './rules/pg-rules-listener.ts';
import { createInventory } from './inventory/inventory.ts';
import { createIngest, type Ingest } from './ingest/ingest.ts';
import { createGatewayRegistry } from './gateways/gateway-registry.ts';
import { createGrpcServer, type GrpcServer } from './grpc/server.ts';
import { createHttpServer } from './http/server.ts';
import { controlPlaneMetrics } from './http/control-plane-metrics.ts';
import { startPosture } from './posture/posture-runtime.ts';
import { notifyOnIngest } from './posture/posture-scheduler.ts';
import type { PostureServiceOptions } from './posture/posture-service.ts';

export interface StartOptions {
  /** Logger (default: pino to stdout at config.log.level). */
  logger?: Logger;
  /** Detector compiler (default: the built-in detection engine). Tests of policies may pass
   * EMPTY_DETECTION_ENGINE to skip compiling the built-ins. */
  detectionEngine?: DetectionEngine;
  /** Route modules for the HTTP server (default: every module in http/routes/). */
  routes?: import('./http/server.ts').RoutePlugin[];
  /** Services other parts give their routes (HttpDeps.extra). */
  extra?: Record<string, unknown>;
}

export interface ControlPlane {
  readonly config: ControlPlaneConfig;
  readonly grpcPort: number;
  readonly httpPort: number;
  /** `http://127.0.0.1:<httpPort>` */
  readonly httpUrl: string;
  /** `127.0.0.1:<grpcPort>` */
  readonly grpcAddress: string;
  readonly store: Store;
  readonly rules: RulesService;
  readonly hub: PushHub;
  readonly tokens: TokenStore;
  readonly ingest: Ingest;
  readonly logger: Logger;
  /** Creates a token (as `system`) and returns it in clear: for tests, the demo and the CLI. */
  createToken(name: string, role: Role, gatewayId?: string): Promise<string>;
  close(): Promise<void>;
}

function storeConfig(config: ControlPlaneConfig): StoreConfig {
  const retention = config.retention;
  return config.store.kind === 'sqlite'
    ? { kind: 'sqlite', dataDir: config.store.dataDir, synchronous: config.store.synchronous, retention }
    : { kind: 'postgres', url: config.store.url, schema: config.store.schema, poolSize: config.store.poolSize, retention };
}

const PRUNE_INTERVAL_MS = 10 * 60_000;

/** Starts a control plane. `input` is validated like a config file (ConfigError names the field). */
export async function startControlPlane(
  input: ControlPlaneConfigInput | ControlPlaneConfig,
  options: StartOptions = {},
): Promise<ControlPlane> {
  const config =
    Object.isFrozen(input) && 'store' in input ? (input as ControlPlaneConfig) : resolveConfig(input as ControlPlaneConfigInput);
  const logger = options.logger ?? pino({ level: config.log.level, base: { service: 'palisade-control-plane' } });
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) {
      await c().catch((err) => logger.error({ err }, 'shutdown step failed'));
    }
  };
  try {
    const store = await openStore(storeConfig(config));
    closers.push(() => store.close());

    const audit = new AuditLog(store.sql);
    const tokens = new TokenStore(store.sql, audit, config.auth.cacheTtlMs);
    for (const t of config.auth.bootstrapTokens) await tokens.ensure(SYSTEM_ACTOR, t);

    const rules = new RulesService({
      sql: store.sql,
      audit,
      engine: options.detectionEngine ?? createDetectionEngine(),
      ...(store.dialect === 'postgres' ? { notifyChannel: rulesChannel(store.schema ?? 'public') } : {}),
    });
    await rules.init();
    const hub = new PushHub(rules);
    if (store.dialect === 'postgres') {
      const listener: RulesListener = await listenForRules(
        store.pg!,
        rulesChannel(store.schema ?? 'public'),
        () => rules.refresh(),
        (err) => logger.warn({ err }, 'rules listener error'),
      );
      closers.push(() => listener.close());
    }

    // Value releases (docs/posture.md, "Enums from runtime"): recomputed from the store on a timer
    // and served with the rules in force; ingest keeps a reported value only for a released hash.
    const enums = config.posture.enums;
    const refreshReleases = async () => rules.setReleases(await loadReleaseSet(store.sql, enums));
    await refreshReleases();
    const releaseTimer = setInterval(() => {
      refreshReleases().catch((err) => logger.warn({ err }, 'value release refresh failed'));
    }, enums.refreshMs);
    releaseTimer.unref();
    closers.push(async () => clearInterval(releaseTimer));
    const inventory = createInventory({
      store,
      isReleased: (endpointId, hash) => rules.releases.released.get(endpointId)?.has(hash) ?? false,
      ...(config.internalNetworks.length ? { internalNetworks: config.internalNetworks } : {}),
    });
    await inventory.load();
    // Posture re-evaluates (debounced) after every batch that stored events, and periodically.
    const posture = await startPosture({
      store,
      config,
      logger,
      ...(options.extra?.postureOptions ? { overrides: options.extra.postureOptions as PostureServiceOptions } : {}),
    });
    closers.push(() => posture.close());
    const ingest = notifyOnIngest(createIngest({ store, inventory }), () => posture.service.changed());
    closers.push(() => ingest.drain());
    const gateways = createGatewayRegistry({ store });

    enablePreserializedRuleSets();
    const tls = config.grpc.tls;
    const grpc: GrpcServer = await createGrpcServer({
      ingest,
      gateways,
      authenticateGateway: (token) => tokens.authenticateGateway(token),
      watchRules: createWatchRulesHandler({ hub, gateways, onError: (err, context) => logger.warn({ err, context }, 'WatchRules error') }),
      address: `${config.grpc.host.includes(':') ? `[${config.grpc.host}]` : config.grpc.host}:${config.grpc.port}`,
      maxBatchBytes: config.grpc.maxMessageBytes,
      ...(tls
        ? {
            tls: {
              cert: readFileSync(tls.certFile),
              key: readFileSync(tls.keyFile),
              ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
              requireClientCert: tls.requireClientCert,
            },
          }
        : {}),
    });
    closers.push(() => grpc.close(1000));
    // Runs before the gRPC server closes: open streams are recorded as closed while the store is
    // still open, and streams ending during shutdown touch nothing.
    closers.push(async () => {
      await Promise.all(hub.close().map((w) => gateways.watchStream(w.gatewayId, -1).catch(() => undefined)));
    });

    const { app } = await createHttpServer(
      {
        store,
        rules,
        hub,
        tokens,
        audit,
        ingestBatch: (id, batch) => ingest.ingestBatch(id, batch),
        // http.dashboardDir: the built dashboard served at / (routes/dashboard-files.ts).
        extra: {
          posture: posture.service,
          ...(config.http.dashboardDir ? { dashboardDir: config.http.dashboardDir } : {}),
          ...options.extra,
        },
        metrics: () => controlPlaneMetrics({ grpc, ingest, inventory, hub, rules }),
      },
      {
        logger,
        bodyLimitBytes: config.http.bodyLimitBytes,
        trustProxy: config.http.trustProxy,
        ...(options.routes ? { routes: options.routes } : {}),
      },
    );
    await app.listen({ host: config.http.host, port: config.http.port });
    closers.push(() => app.close());
    const httpPort = (app.server.address() as { port: number }).port;

    const prune = setInterval(() => {
      store.prune(Date.now()).catch((err) => logger.warn({ err }, 'retention prune failed'));
    }, PRUNE_INTERVAL_MS);
    prune.unref();
    closers.push(async () => clearInterval(prune));

    logger.info({ grpcPort: grpc.port, httpPort, store: store.dialect, rulesVersion: rules.current().version }, 'control plane started');
    return {
      config,
      grpcPort: grpc.port,
      httpPort,
      httpUrl: `http://127.0.0.1:${httpPort}`,
      grpcAddress: `127.0.0.1:${grpc.port}`,
      store,
      rules,
      hub,
      tokens,
      ingest,
      logger,
      async createToken(name, role, gatewayId) {
        return (await tokens.create(SYSTEM_ACTOR, { name, role, ...(gatewayId ? { gatewayId } : {}) })).token;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
