// Posture in the running control plane: the PostureService on the store, re-evaluated by the
// scheduler after traffic and periodically, stopped (after its last evaluation and alert log writes)
// before the store closes. app.ts calls `startPosture` and wires `changed` into ingestion.
import type { Logger } from 'pino';
import type { ControlPlaneConfig } from '../config/load-config.ts';
import { GeoLookup } from '../geo/geo-lookup.ts';
import { networkMatcher } from '../inventory/networks.ts';
import type { Store } from '../store/types.ts';
import { PostureScheduler } from './posture-scheduler.ts';
import { PostureService, type PostureServiceOptions } from './posture-service.ts';

export interface PostureRuntime {
  readonly service: PostureService;
  readonly scheduler: PostureScheduler;
  close(): Promise<void>;
}

export async function startPosture(args: {
  store: Store;
  config: ControlPlaneConfig;
  logger: Logger;
  /** Test overrides (clock, dispatcher timeouts). */
  overrides?: PostureServiceOptions;
}): Promise<PostureRuntime> {
  const { config, logger } = args;
  const p = config.posture;
  const internal = config.internalNetworks.length ? networkMatcher(config.internalNetworks) : undefined;
  const service = await PostureService.create(args.store, {
    ...(p.dormantAfterMs ? { dormantAfterMs: p.dormantAfterMs } : {}),
    // Opened on first use: the bundled databases are ~45 MB (city) and ~10 MB (ASN, converted at
    // build time) and many control planes never need them.
    ...(p.geo
      ? {
          geo: () =>
            new GeoLookup({
              ...(p.cityDatabase ? { cityDbPaths: [p.cityDatabase] } : {}),
              ...(p.asnDatabase ? { asnDbPaths: [p.asnDatabase] } : {}),
              onAsnUnavailable: (message) =>
                logger.warn({ reason: message }, 'ASN database unavailable: ASN and organisation lookups are off'),
              ...(internal ? { isInternal: internal } : {}),
            }),
        }
      : {}),
    onGeoUnavailable: (message) =>
      logger.warn({ reason: message }, 'geography database unavailable: client and destination geography are off'),
    allowHttpAlerts: p.allowHttpAlerts,
    enumPolicy: p.enums,
    ...args.overrides,
  });
  const scheduler = new PostureScheduler({
    evaluate: async () => {
      const { events } = await service.evaluate();
      if (events.length) logger.info({ events: events.length }, 'posture changed');
    },
    debounceMs: p.debounceMs,
    maxDelayMs: p.maxDelayMs,
    intervalMs: p.evaluateIntervalMs,
    onError: (err) => logger.warn({ err }, 'posture evaluation failed'),
  });
  service.onChange(() => scheduler.poke());
  scheduler.start();
  return {
    service,
    scheduler,
    async close() {
      await scheduler.stop();
      await service.close();
    },
  };
}
