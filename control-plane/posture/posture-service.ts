// The posture part of the control plane, wired to the store: specs, OpenAPI, conformance, classes,
// risk, posture events and alerts. Evaluations are serialised (one at a time per process); each
// compares with the last stored snapshot, records the changes as posture events and hands them to
// the alert dispatcher, which never makes the evaluation wait.
import type { ReleasePolicy } from '../inventory/value-sketch.ts';
import { AlertDispatcher } from '../alerts/alert-dispatcher.ts';
import { AlertRepository } from '../alerts/alert-repository.ts';
import type { AlertRoute } from '../alerts/alert-route.ts';
import type { GeoLookup } from '../geo/geo-lookup.ts';
import type { InTransaction } from '../store/sql-client.ts';
import type { Store } from '../store/types.ts';
import { withEvaluationLock } from './evaluation-lock.ts';
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
  /** Client geography for the unusual-geography factor; a function is called once, on first use. */
  geo?: GeoLookup | (() => GeoLookup);
  /**
   * Told once when the geography databases cannot be opened (a broken install): geography is then
   * left out, as if it were off, instead of failing every evaluation and every view that asks.
   */
  onGeoUnavailable?: (message: string) => void;
  /** Admit plain-http alert URLs (tests, a local relay). */
  allowHttpAlerts?: boolean;
  /** When released value hashes make a field an enum (inventory/value-sketch.ts). */
  enumPolicy?: ReleasePolicy;
  /** Alert dispatcher options (timeouts, retries) for tests. */
  dispatcher?: Partial<ConstructorParameters<typeof AlertDispatcher>[1]>;
}

export interface Evaluation {
  snapshot: PostureSnapshot;
  events: PostureEvent[];
  /** The inventory evaluated (documents can be generated from it without reading the store again). */
  inventory: InventoryEndpoint[];
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
  /** Data changed since the last evaluation began (traffic, specs, owners, risk model). */
  private dirty = true;
  /** The evaluation most recently asked for, until it settles. */
  private latest: Promise<Evaluation> | null = null;
  private geoLookup: GeoLookup | undefined;
  /** Why geography could not be opened; set once, never retried (the files do not appear by themselves). */
  private geoFailure: string | undefined;
  private readonly changeListeners: (() => void)[] = [];
  private readonly log: ReturnType<AlertRepository['deliveryLog']>;

  private constructor(
    private readonly store: Store,
    private readonly opts: PostureServiceOptions,
    routes: AlertRoute[],
  ) {
    this.repo = new PostureRepository(store.sql);
    this.alerts = new AlertRepository(store.sql);
    this.now = opts.now ?? Date.now;
    this.log = this.alerts.deliveryLog();
    this.dispatcher = new AlertDispatcher(routes, { log: this.log, ...(opts.dispatcher ?? {}) });
  }

  static async create(store: Store, opts: PostureServiceOptions = {}): Promise<PostureService> {
    const routes = await new AlertRepository(store.sql).listRoutes({ allowHttp: opts.allowHttpAlerts === true });
    return new PostureService(store, opts, routes);
  }

  /** Stops alerting; waits for the delivery log writes already queued (the store is still open). */
  async close(): Promise<void> {
    this.dispatcher.close();
    await this.serial(async () => undefined);
    await this.log.flush();
  }

  /** Every queued alert delivered or given up, and its log entries written (tests, shutdown). */
  async drainAlerts(): Promise<void> {
    await this.dispatcher.drain();
    await this.log.flush();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Client geography database, opened on first use (tens of MB: not every start needs it). */
  geo(): GeoLookup | undefined {
    const g = this.opts.geo;
    if (!g || this.geoFailure !== undefined) return undefined;
    if (this.geoLookup) return this.geoLookup;
    if (typeof g !== 'function') return (this.geoLookup = g);
    try {
      return (this.geoLookup = g());
    } catch (err) {
      this.geoFailure = (err as Error).message;
      (this.opts.onGeoUnavailable ?? ((m) => process.emitWarning(m, 'PalisadeGeo')))(this.geoFailure);
      return undefined;
    }
  }

  /** Why geography is missing when it was configured on (undefined: it is on and open, or off by configuration). */
  geoUnavailableReason(): string | undefined {
    return this.geoFailure;
  }

  /** Something posture depends on changed: the next read re-evaluates, and listeners (the scheduler) hear of it. */
  changed(): void {
    this.dirty = true;
    for (const l of this.changeListeners) l();
  }

  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  // --- specs ---------------------------------------------------------------------------------

  /** Parses and validates first: an invalid spec is refused whole and nothing is stored. */
  async uploadSpec(source: string, opts: { name: string; host?: string }, also?: InTransaction<StoredSpec>): Promise<StoredSpec> {
    const host = (opts.host ?? '').toLowerCase();
    const parsed = await parseSpec(source, { ...(opts.name ? { name: opts.name } : {}), ...hostsOption(host) });
    const stored = await this.repo.putSpec(
      { name: parsed.name, host, specVersion: parsed.version, title: parsed.title, source, uploadedMs: this.now() },
      also,
    );
    this.parsed.set(parsedKey(stored), parsed);
    this.changed();
    return stored;
  }

  async deleteSpec(id: string, also?: InTransaction): Promise<boolean> {
    const gone = await this.repo.deleteSpec(id, also);
    if (gone) this.changed();
    return gone;
  }

  async specs(): Promise<NormalizedSpec[]> {
    const out: NormalizedSpec[] = [];
    for (const s of await this.repo.listSpecs(true)) {
      const key = parsedKey(s);
      let p = this.parsed.get(key);
      if (!p) {
        p = await parseSpec(s.source, { name: s.name, ...hostsOption(s.host) });
        this.parsed.set(key, p);
      }
      out.push(p);
    }
    return out;
  }

  // --- inventory, OpenAPI ----------------------------------------------------------------------

  /** `withGeo`: client countries per endpoint (an extra query and the geo database; only the unusual-geography factor needs them). */
  async inventory(opts: { withGeo?: boolean } = {}): Promise<InventoryEndpoint[]> {
    const geo = opts.withGeo ? this.geo() : undefined;
    return loadInventory(this.store, await this.repo.listMeta(), {
      ...(geo ? { geo } : {}),
      ...(this.opts.enumPolicy ? { enumPolicy: this.opts.enumPolicy } : {}),
    });
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
    const run = this.serial(() =>
      withEvaluationLock(this.store, async () => {
        // Cleared before reading: a change landing during the evaluation leaves it dirty again.
        this.dirty = false;
        const now = this.now();
        const model = await this.repo.currentRiskModel();
        const [inv, specs] = await Promise.all([this.inventory({ withGeo: model.expectedCountries.length > 0 }), this.specs()]);
        const snapshot = evaluatePosture(inv, specs, model, {
          now,
          ownersTracked: true,
          ...(this.opts.dormantAfterMs ? { dormantAfterMs: this.opts.dormantAfterMs } : {}),
        });
        const stored = await this.repo.loadSnapshot();
        const prev: PostureSnapshot | null = stored.size
          ? { ...snapshot, endpoints: new Map([...stored].map(([k, v]) => [k, v as EndpointPosture])) }
          : null;
        const events = diffPosture(prev, snapshot, model.thresholds);
        await this.repo.appendEvents(events);
        await this.repo.saveSnapshot(new Map([...snapshot.endpoints].map(([k, v]) => [k, compact(v)])), now);
        // The inventory list sorts by risk and filters by class from these columns.
        await this.store.endpoints.recordPosture(
          [...snapshot.endpoints.values()].map((p) => ({
            key: { host: p.host, method: p.method, pathTemplate: p.path },
            riskScore: p.risk.score,
            classes: p.classes.map((c) => c.class),
          })),
        );
        this.last = snapshot;
        this.dispatcher.publish(events);
        return { snapshot, events, inventory: inv };
      }),
    );
    this.latest = run;
    void run
      .catch(() => undefined)
      .finally(() => {
        if (this.latest === run) this.latest = null;
      });
    return run;
  }

  /**
   * The posture as of now: the latest evaluation, or a new one when anything changed since it began
   * (so an API read after an upload or a report sees its effect).
   */
  async snapshot(): Promise<PostureSnapshot> {
    if (this.dirty || !this.last) return (await this.evaluate()).snapshot;
    // An evaluation that began after the last change is under way: its result is the current one.
    if (this.latest) return (await this.latest).snapshot;
    return this.last;
  }

  // --- risk model, owners ----------------------------------------------------------------------

  /**
   * Applies one change, or several as one new version (all or nothing). `expectedVersion`, when
   * given, must be the version in force (optimistic concurrency for editors).
   */
  async changeRiskModel(
    change: RiskModelChange | readonly RiskModelChange[],
    actor: string,
    expectedVersion?: number,
    also?: InTransaction<RiskModel>,
  ): Promise<{ model: RiskModel; evaluation: Evaluation }> {
    const model = await this.serial(async () => {
      const current = await this.repo.currentRiskModel();
      if (expectedVersion !== undefined && expectedVersion !== current.version)
        throw new RiskModelError('expectedVersion', `the risk model is at version ${current.version}, not ${expectedVersion}`);
      let next = current;
      for (const c of Array.isArray(change) ? change : [change as RiskModelChange]) next = applyRiskModelChange(next, c, this.now());
      next = Object.freeze({ ...next, version: current.version + 1 });
      if (!(await this.repo.saveRiskModel(next, actor, also)))
        throw new RiskModelError('version', 'the risk model changed concurrently; retry');
      return next;
    });
    this.dirty = true;
    // Applied at once: scores are recomputed with the new version before the call returns.
    return { model, evaluation: await this.evaluate() };
  }

  async setMeta(meta: EndpointMeta, also?: InTransaction): Promise<void> {
    await this.repo.setMeta(meta, this.now(), also);
    this.changed();
  }

  // --- alert routes ----------------------------------------------------------------------------

  async routes(): Promise<AlertRoute[]> {
    return this.alerts.listRoutes({ allowHttp: this.opts.allowHttpAlerts === true });
  }

  async putRoute(raw: unknown, also?: InTransaction<AlertRoute>): Promise<AlertRoute> {
    const route = await this.alerts.putRoute(raw, this.now(), { allowHttp: this.opts.allowHttpAlerts === true }, also);
    this.dispatcher.setRoutes(await this.routes());
    return route;
  }

  async deleteRoute(id: string, also?: InTransaction): Promise<boolean> {
    const gone = await this.alerts.deleteRoute(id, also);
    this.dispatcher.setRoutes(await this.routes());
    return gone;
  }
}

function parsedKey(s: StoredSpec): string {
  return `${s.digest}\0${s.host}\0${s.name}`;
}

/** An explicit host scopes a spec to it; without one the spec's own servers (or host) say where it applies. */
function hostsOption(host: string): { hosts?: string[] } {
  return host ? { hosts: [host] } : {};
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
