// The posture part of the control plane, wired to the store: specs, OpenAPI, conformance, classes,
// risk, posture events and alerts. Evaluations are serialised (one at a time per process); each
// compares with the last stored snapshot, records the changes as posture events and hands them to
// the alert dispatcher, which never makes the evaluation wait.
import { AlertDispatcher } from '../alerts/alert-dispatcher.ts';
import { AlertRepository } from '../alerts/alert-repository.ts';
import type { AlertRoute } from '../alerts/alert-route.ts';
import type { GeoLookup } from '../geo/geo-lookup.ts';
import type { Store } from '../store/types.ts';
import { loadInventory } from './inventory-loader.ts';
import type { InventoryEndpoint } from './model.ts';
import { generateOpenApi, generateOpenApiPerHost, type OpenApiDocument } from './openapi-generate.ts';
import { diffPosture, type PostureEvent } from './posture-changes.ts';
import { evaluatePosture, type EndpointPosture, type PostureSnapshot } from './posture-evaluate.ts';
import { PostureRepository, type EndpointMeta, type StoredSpec } from './posture-repository.ts';
import { applyRiskModelChange, RiskModelError, type RiskModel, type RiskModelChange } from './risk-model.ts';
import { parseSpec, type NormalizedSpec } from './spec-parse.ts';

export interface PostureServiceOptions {
  now?: () => number;
  dormantAfterMs?: number;
  geo?: GeoLookup;
  /** Admit plain-http alert URLs (tests, a local relay). */
  allowHttpAlerts?: boolean;
  /** Alert dispatcher options (timeouts, retries) for tests. */
  dispatcher?: Partial<ConstructorParameters<typeof AlertDispatcher>[1]>;
}

export interface Evaluation {
  snapshot: PostureSnapshot;
  events: PostureEvent[];
}

/** What is kept of an endpoint's posture between evaluations (enough to diff). */
function compact(p: EndpointPosture): EndpointPosture {
  return { ...p, violations: p.violations.map((v) => ({ ...v, example: undefined })), risk: { ...p.risk } };
}

export class PostureService {
  readonly repo: PostureRepository;
  readonly alerts: AlertRepository;
  readonly dispatcher: AlertDispatcher;
  private readonly now: () => number;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly parsed = new Map<string, NormalizedSpec>();
  private last: PostureSnapshot | undefined;

  private constructor(
    private readonly store: Store,
    private readonly opts: PostureServiceOptions,
    routes: AlertRoute[],
  ) {
    this.repo = new PostureRepository(store.sql);
    this.alerts = new AlertRepository(store.sql);
    this.now = opts.now ?? Date.now;
    this.dispatcher = new AlertDispatcher(routes, { log: this.alerts.deliveryLog(), ...(opts.dispatcher ?? {}) });
  }

  static async create(store: Store, opts: PostureServiceOptions = {}): Promise<PostureService> {
    const routes = await new AlertRepository(store.sql).listRoutes({ allowHttp: opts.allowHttpAlerts === true });
    return new PostureService(store, opts, routes);
  }

  close(): void {
    this.dispatcher.close();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  // --- specs ---------------------------------------------------------------------------------

  /** Parses and validates first: an invalid spec is refused whole and nothing is stored. */
  async uploadSpec(source: string, opts: { name: string; host?: string }): Promise<StoredSpec> {
    const parsed = await parseSpec(source, { name: opts.name, ...(opts.host ? { hosts: [opts.host.toLowerCase()] } : { hosts: [] }) });
    const stored = await this.repo.putSpec({ name: opts.name, host: (opts.host ?? '').toLowerCase(), specVersion: parsed.version, title: parsed.title, source, uploadedMs: this.now() });
    this.parsed.set(stored.digest + stored.host, parsed);
    return stored;
  }

  async specs(): Promise<NormalizedSpec[]> {
    const out: NormalizedSpec[] = [];
    for (const s of await this.repo.listSpecs(true)) {
      const key = s.digest + s.host;
      let p = this.parsed.get(key);
      if (!p) {
        p = await parseSpec(s.source, { name: s.name, hosts: s.host ? [s.host] : [] });
        this.parsed.set(key, p);
      }
      out.push(p);
    }
    return out;
  }

  // --- inventory, OpenAPI ----------------------------------------------------------------------

  async inventory(): Promise<InventoryEndpoint[]> {
    return loadInventory(this.store, await this.repo.listMeta(), this.opts.geo ? { geo: this.opts.geo } : {});
  }

  /** One document for `host`, or all hosts merged; null when the host has no endpoints. */
  async openapi(host?: string): Promise<OpenApiDocument | null> {
    const inv = await this.inventory();
    if (!host) return generateOpenApi(inv);
    return generateOpenApiPerHost(inv.filter((e) => e.host === host.toLowerCase())).get(host.toLowerCase()) ?? null;
  }

  async hosts(): Promise<{ host: string; endpoints: number }[]> {
    const rows = await this.store.sql.query('SELECT host, COUNT(*) AS c FROM endpoints GROUP BY host ORDER BY host');
    return rows.map((r) => ({ host: String(r.host), endpoints: Number(r.c) }));
  }

  // --- evaluation ------------------------------------------------------------------------------

  /** Re-evaluates everything now; records and alerts the changes since the last evaluation. */
  evaluate(): Promise<Evaluation> {
    return this.serial(async () => {
      const now = this.now();
      const [inv, specs, model] = await Promise.all([this.inventory(), this.specs(), this.repo.currentRiskModel()]);
      const snapshot = evaluatePosture(inv, specs, model, { now, ownersTracked: true, ...(this.opts.dormantAfterMs ? { dormantAfterMs: this.opts.dormantAfterMs } : {}) });
      const stored = await this.repo.loadSnapshot();
      const prev: PostureSnapshot | null = stored.size
        ? { ...snapshot, endpoints: new Map([...stored].map(([k, v]) => [k, v as EndpointPosture])) }
        : null;
      const events = diffPosture(prev, snapshot, model.thresholds);
      await this.repo.appendEvents(events);
      await this.repo.saveSnapshot(new Map([...snapshot.endpoints].map(([k, v]) => [k, compact(v)])), now);
      this.last = snapshot;
      this.dispatcher.publish(events);
      return { snapshot, events };
    });
  }

  /** The latest evaluation (evaluating once if none ran in this process). */
  async snapshot(): Promise<PostureSnapshot> {
    return this.last ?? (await this.evaluate()).snapshot;
  }

  // --- risk model, owners ----------------------------------------------------------------------

  async changeRiskModel(change: RiskModelChange, actor: string): Promise<{ model: RiskModel; evaluation: Evaluation }> {
    const model = await this.serial(async () => {
      const current = await this.repo.currentRiskModel();
      const next = applyRiskModelChange(current, change, this.now());
      if (!(await this.repo.saveRiskModel(next, actor))) throw new RiskModelError('version', 'the risk model changed concurrently; retry');
      return next;
    });
    // Applied at once: scores are recomputed with the new version before the call returns.
    return { model, evaluation: await this.evaluate() };
  }

  async setMeta(meta: EndpointMeta): Promise<void> {
    await this.repo.setMeta(meta, this.now());
  }

  // --- alert routes ----------------------------------------------------------------------------

  async putRoute(raw: unknown): Promise<AlertRoute> {
    const route = await this.alerts.putRoute(raw, this.now(), { allowHttp: this.opts.allowHttpAlerts === true });
    this.dispatcher.setRoutes(await this.alerts.listRoutes({ allowHttp: this.opts.allowHttpAlerts === true }));
    return route;
  }

  async deleteRoute(id: string): Promise<boolean> {
    const gone = await this.alerts.deleteRoute(id);
    this.dispatcher.setRoutes(await this.alerts.listRoutes({ allowHttp: this.opts.allowHttpAlerts === true }));
    return gone;
  }
}

const services = new WeakMap<Store, Promise<PostureService>>();

/**
 * The posture service of a control plane: the one wired in by app.ts (`deps.extra.posture`) when
 * present, else one created on first use for the store, shared by every posture and alert route.
 */
export function postureServiceFor(store: Store, extra?: Record<string, unknown>): Promise<PostureService> {
  const given = extra?.posture;
  if (given instanceof PostureService) return Promise.resolve(given);
  let p = services.get(store);
  if (!p) {
    p = PostureService.create(store, (extra?.postureOptions as PostureServiceOptions | undefined) ?? {});
    services.set(store, p);
  }
  return p;
}
