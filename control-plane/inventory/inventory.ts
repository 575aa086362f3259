// The inventory service: the templater (pure) plus the endpoint ids the store knows, kept in a
// bounded cache. Ingest asks it, once per group of batches, for the template of each request and
// the id of each template; re-templating found by the templater is applied to the store first, so
// an endpoint keeps its id when its template changes (the others folded into it become aliases).
import type { EndpointKey, FieldLocation, Store } from '../store/types.ts';
import { DEFAULT_INTERNAL_NETWORKS, networkMatcher, type NetworkMatcher } from './networks.ts';
import { PathTemplater, type Retemplate, type TemplaterLimits } from './path-templater.ts';

export interface InventoryOptions {
  store: Store;
  /** CIDRs whose clients are internal (default: private, loopback and link-local ranges). */
  internalNetworks?: readonly string[];
  templater?: Partial<TemplaterLimits>;
  /** Distinct fields (parameters and body paths) kept per endpoint (default 500). */
  maxFieldsPerEndpoint?: number;
  /** Endpoint ids kept in memory (default 200 000); misses ask the store. */
  maxCachedIds?: number;
  /**
   * Whether the control plane released `hash` on the endpoint (posture/value-releases.ts); a value a
   * gateway reports for any other hash is dropped at ingest. Default: nothing is released.
   */
  isReleased?: (endpointId: string, hash: string) => boolean;
}

export const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

/** Upper-case method, or `OTHER` so invented methods cannot multiply endpoints. */
export function normaliseMethod(method: string): string {
  if (METHODS.has(method)) return method;
  const m = method.toUpperCase();
  return METHODS.has(m) ? m : 'OTHER';
}

export const keyString = (k: EndpointKey) => `${k.host}\0${k.method}\0${k.pathTemplate}`;

export interface InventoryStats {
  hosts: number;
  nodes: number;
  cachedIds: number;
  retemplated: number;
  fieldsRefused: number;
}

export interface Inventory {
  /** Learns from one request and returns its endpoint key. Synchronous and pure of I/O. */
  keyFor(host: string, method: string, path: string): EndpointKey;
  /** Applies pending re-templating, then returns the id for each key (creating endpoints). */
  endpointIds(keys: readonly EndpointKey[]): Promise<string[]>;
  /** Whether keyFor has re-templated endpoints that the next endpointIds call will rewrite in the store. */
  retemplatesPending(): boolean;
  isInternal(ip: string): boolean;
  admitField(endpointId: string, location: FieldLocation, name: string): boolean;
  isReleased(endpointId: string, hash: string): boolean;
  /** Seeds the templater with the endpoints already stored (call once at start). */
  load(): Promise<number>;
  stats(): InventoryStats;
}

export function createInventory(options: InventoryOptions): Inventory {
  const { store } = options;
  const templater = new PathTemplater(options.templater);
  const isInternal: NetworkMatcher = networkMatcher(options.internalNetworks ?? DEFAULT_INTERNAL_NETWORKS);
  const maxFields = options.maxFieldsPerEndpoint ?? 500;
  const maxCached = options.maxCachedIds ?? 200_000;
  /** keyString → id, insertion-ordered so the oldest entries are evicted first. */
  const ids = new Map<string, string>();
  /** Old key → new key after re-templating, for keys computed before the change was applied. */
  const renamed = new Map<string, string>();
  /** Field counts per endpoint (bounded by the id cache: cleared with it). */
  const fieldCounts = new Map<string, Set<string>>();
  let retemplated = 0;
  let fieldsRefused = 0;

  function remember(k: string, id: string): void {
    if (ids.size >= maxCached) {
      const oldest = ids.keys().next().value as string;
      ids.delete(oldest);
    }
    ids.set(k, id);
  }

  async function applyRetemplates(changes: Retemplate[]): Promise<void> {
    // Group per (host, method, new template): each group becomes one endpoint.
    const groups = new Map<string, { host: string; method: string; to: string; from: string[] }>();
    const byHostTemplate = new Map<string, Retemplate[]>();
    for (const c of changes) {
      const k = `${c.host}\0${c.from}`;
      byHostTemplate.set(k, [...(byHostTemplate.get(k) ?? []), c]);
    }
    for (const key of ids.keys()) {
      const [host, method, template] = key.split('\0') as [string, string, string];
      for (const c of byHostTemplate.get(`${host}\0${template}`) ?? []) {
        const g = `${host}\0${method}\0${c.to}`;
        if (!groups.has(g)) groups.set(g, { host, method, to: c.to, from: [] });
        groups.get(g)!.from.push(template);
      }
    }
    for (const [toKey, g] of groups) {
      const fromIds = g.from.map((t) => ids.get(`${g.host}\0${g.method}\0${t}`)!).filter(Boolean);
      const existing = ids.get(toKey);
      const keep = existing ?? fromIds[0]!;
      await store.endpoints.retemplate(keep, g.to, existing ? fromIds : fromIds.slice(1));
      retemplated += fromIds.length;
      for (const t of g.from) {
        const old = `${g.host}\0${g.method}\0${t}`;
        ids.delete(old);
        if (renamed.size > 100_000) renamed.clear();
        renamed.set(old, toKey);
      }
      remember(toKey, keep);
    }
  }

  function resolve(k: string): string {
    for (let hops = 0; hops < 8; hops++) {
      const next = renamed.get(k);
      if (!next) break;
      k = next;
    }
    return k;
  }

  return {
    keyFor(host, method, path) {
      const t = templater.template(host, path);
      return { host: t.host, method: normaliseMethod(method), pathTemplate: t.template };
    },
    retemplatesPending: () => templater.hasRetemplates(),
    async endpointIds(keys) {
      const changes = templater.takeRetemplates();
      if (changes.length) await applyRetemplates(changes);
      const strs = keys.map((k) => resolve(keyString(k)));
      const local = new Map<string, string>();
      const missing: string[] = [];
      for (const s of new Set(strs)) {
        const id = ids.get(s);
        if (id) local.set(s, id);
        else missing.push(s);
      }
      if (missing.length) {
        const parsed = missing.map((s) => {
          const [host, method, pathTemplate] = s.split('\0') as [string, string, string];
          return { host, method, pathTemplate };
        });
        const got = await store.endpoints.ensure(parsed, Date.now());
        missing.forEach((s, i) => {
          local.set(s, got[i]!);
          remember(s, got[i]!);
        });
      }
      return strs.map((s) => local.get(s)!);
    },
    isInternal,
    isReleased: options.isReleased ?? (() => false),
    admitField(endpointId, location, name) {
      let set = fieldCounts.get(endpointId);
      if (!set) {
        if (fieldCounts.size >= maxCached) fieldCounts.clear();
        fieldCounts.set(endpointId, (set = new Set()));
      }
      const k = `${location}\0${name}`;
      if (set.has(k)) return true;
      if (set.size >= maxFields) {
        fieldsRefused++;
        return false;
      }
      set.add(k);
      return true;
    },
    async load() {
      let n = 0;
      let cursor = '';
      do {
        const page = await store.endpoints.list({ limit: 1000, cursor });
        for (const e of page.items) {
          templater.seed(e.host, e.pathTemplate);
          remember(keyString(e), e.id);
          n++;
        }
        cursor = page.nextCursor;
      } while (cursor);
      templater.takeRetemplates();
      return n;
    },
    stats() {
      const s = templater.size();
      return { hosts: s.hosts, nodes: s.nodes, cachedIds: ids.size, retemplated, fieldsRefused };
    },
  };
}
