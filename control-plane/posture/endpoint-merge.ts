// Adds endpoint statistics together. Used to merge the same operation seen on several hosts into one
// document (`--merge`), and by offline discovery to fold one exchange after another into an endpoint.
// Sample values stay bounded (MAX_VALUES) so a high-cardinality field cannot grow memory.
import type { AuthStat, BodyStat, Counts, FieldStat, FindingStat, InventoryEndpoint, ParamStat } from './model.ts';

/** Distinct sample values kept per field before it is declared high-cardinality. */
export const MAX_VALUES = 16;

export function addCounts(dst: Counts, src: Counts | undefined): Counts {
  if (src) for (const [k, v] of Object.entries(src)) dst[k] = (dst[k] ?? 0) + v;
  return dst;
}

type Valued = { values?: Counts; valuesOverflow?: boolean };

function addValues(dst: Valued, src: Valued): void {
  if (dst.valuesOverflow) return;
  if (src.valuesOverflow) {
    dst.valuesOverflow = true;
    delete dst.values;
    return;
  }
  if (!src.values) return;
  const v = (dst.values ??= {});
  addCounts(v, src.values);
  if (Object.keys(v).length > MAX_VALUES) {
    dst.valuesOverflow = true;
    delete dst.values;
  }
}

function copyStat<T extends FieldStat | ParamStat>(s: T): T {
  const c = { ...s, types: { ...s.types } } as T;
  if (s.formats) c.formats = { ...s.formats };
  if (s.values) c.values = { ...s.values };
  return c;
}

function addStat(dst: FieldStat | ParamStat, src: FieldStat | ParamStat): void {
  dst.seen += src.seen;
  addCounts(dst.types as Counts, src.types as Counts);
  if (src.formats) addCounts((dst.formats ??= {}), src.formats);
  addValues(dst, src);
}

/** Mutable accumulator for one endpoint; `add` is cheap enough to call once per exchange. */
export class EndpointAccumulator {
  readonly host: string;
  readonly method: string;
  readonly path: string;
  count = 0;
  firstSeen = Number.POSITIVE_INFINITY;
  lastSeen = 0;
  readonly statusCounts: Counts = {};
  private readonly params = new Map<string, ParamStat>();
  private readonly requests = new Map<string, { count: number; fields: Map<string, FieldStat> }>();
  private readonly responses = new Map<string, Map<string, { count: number; fields: Map<string, FieldStat> }>>();
  private readonly auth = new Map<string, AuthStat>();
  private readonly findings = new Map<string, FindingStat>();
  private countries: Counts | undefined;
  private external: boolean | undefined;
  private owner: string | undefined;
  private tags: Set<string> | undefined;
  private example: InventoryEndpoint['example'];

  constructor(host: string, method: string, path: string) {
    this.host = host;
    this.method = method;
    this.path = path;
  }

  add(e: InventoryEndpoint): this {
    this.count += e.count;
    this.firstSeen = Math.min(this.firstSeen, e.firstSeen);
    this.lastSeen = Math.max(this.lastSeen, e.lastSeen);
    addCounts(this.statusCounts, e.statusCounts);
    for (const p of e.params) {
      const k = `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
      const cur = this.params.get(k);
      if (cur) addStat(cur, p);
      else this.params.set(k, copyStat(p));
    }
    for (const b of e.requestBodies) addBody(this.requests, b);
    for (const [code, bodies] of Object.entries(e.responses)) {
      let m = this.responses.get(code);
      if (!m) this.responses.set(code, (m = new Map()));
      for (const b of bodies) addBody(m, b);
    }
    for (const a of e.auth) {
      const k = `${a.scheme}:${a.keyName ?? ''}`;
      const cur = this.auth.get(k);
      if (cur) {
        cur.count += a.count;
        if (a.jwtAlgs) addCounts((cur.jwtAlgs ??= {}), a.jwtAlgs);
      } else this.auth.set(k, { ...a, ...(a.jwtAlgs ? { jwtAlgs: { ...a.jwtAlgs } } : {}) });
    }
    for (const f of e.findings) {
      const k = `${f.direction}:${f.type}`;
      const cur = this.findings.get(k);
      if (cur) {
        cur.count += f.count;
        if (f.distinct !== undefined) cur.distinct = (cur.distinct ?? 0) + f.distinct;
        cur.example ??= f.example;
      } else this.findings.set(k, { ...f });
    }
    if (e.clientCountries) this.countries = addCounts(this.countries ?? {}, e.clientCountries);
    if (e.external !== undefined) this.external = (this.external ?? false) || e.external;
    this.owner ??= e.owner;
    if (e.tags) for (const t of e.tags) (this.tags ??= new Set()).add(t);
    if (e.example && (!this.example || e.example.ts > this.example.ts)) this.example = e.example;
    return this;
  }

  toEndpoint(): InventoryEndpoint {
    const responses: Record<string, BodyStat[]> = {};
    for (const [code, m] of this.responses) responses[code] = bodiesOf(m);
    const out: InventoryEndpoint = {
      host: this.host,
      method: this.method,
      path: this.path,
      count: this.count,
      firstSeen: Number.isFinite(this.firstSeen) ? this.firstSeen : 0,
      lastSeen: this.lastSeen,
      statusCounts: this.statusCounts,
      params: [...this.params.values()],
      requestBodies: bodiesOf(this.requests),
      responses,
      auth: [...this.auth.values()],
      findings: [...this.findings.values()],
    };
    if (this.countries) out.clientCountries = this.countries;
    if (this.external !== undefined) out.external = this.external;
    if (this.owner !== undefined) out.owner = this.owner;
    if (this.tags) out.tags = [...this.tags].sort();
    if (this.example) out.example = this.example;
    return out;
  }
}

function addBody(m: Map<string, { count: number; fields: Map<string, FieldStat> }>, b: BodyStat): void {
  let cur = m.get(b.contentType);
  if (!cur) m.set(b.contentType, (cur = { count: 0, fields: new Map() }));
  cur.count += b.count;
  for (const f of b.fields) {
    const have = cur.fields.get(f.path);
    if (have) addStat(have, f);
    else cur.fields.set(f.path, copyStat(f));
  }
}

function bodiesOf(m: Map<string, { count: number; fields: Map<string, FieldStat> }>): BodyStat[] {
  return [...m.entries()].map(([contentType, v]) => ({ contentType, count: v.count, fields: [...v.fields.values()] }));
}

/** Folds endpoints with the same method and path (from any host) into one each. */
export function mergeEndpoints(endpoints: readonly InventoryEndpoint[]): InventoryEndpoint[] {
  const byKey = new Map<string, InventoryEndpoint[]>();
  for (const e of endpoints) {
    const k = `${e.method.toUpperCase()} ${e.path}`;
    let l = byKey.get(k);
    if (!l) byKey.set(k, (l = []));
    l.push(e);
  }
  const out: InventoryEndpoint[] = [];
  for (const list of byKey.values()) {
    const first = list[0] as InventoryEndpoint;
    if (list.length === 1) out.push(first);
    else {
      const acc = new EndpointAccumulator(first.host, first.method.toUpperCase(), first.path);
      for (const e of list) acc.add(e);
      out.push(acc.toEndpoint());
    }
  }
  return out;
}
