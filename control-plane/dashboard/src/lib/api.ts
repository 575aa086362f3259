// The dashboard's only way to the control plane: the public REST API (/v1), bearer token auth,
// RFC 9457 problem details turned into ApiError. Every URL the dashboard uses is in this file.
import type { Endpoint__Output as Endpoint } from '../../../../proto/gen/palisade/v1/Endpoint.ts';
import type { Gateway__Output as Gateway } from '../../../../proto/gen/palisade/v1/Gateway.ts';
import type { RuleVersion__Output as RuleVersion } from '../../../../proto/gen/palisade/v1/RuleVersion.ts';
import type { RuleSource } from '../../../../proto/gen/palisade/v1/RuleSource.ts';
import type { Policy } from '../../../../proto/gen/palisade/v1/Policy.ts';

import type { ClientGrouping, Exposure, ExposureRow, FlowEdge, FlowGraph, FlowNode } from '../../../insights/view-types.ts';

export type { Endpoint, Gateway, RuleVersion, RuleSource, Policy, ClientGrouping, Exposure, ExposureRow, FlowEdge, FlowGraph, FlowNode };

export interface Page<T> {
  items: T[];
  nextCursor?: string;
  total?: number | string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: { path: string; message: string }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail || problem.title || `HTTP ${status}`);
  }
}

export type Role = 'viewer' | 'operator' | 'admin';

export interface Identity {
  name: string;
  role: Role;
}

/** GET /v1/posture/changes items (control-plane/http/routes/README-posture.md). */
export interface PostureChange {
  id: string | number;
  atMs: number | string;
  kind: string;
  severity?: string;
  host?: string;
  method?: string;
  path?: string;
  endpointId?: string;
  /** `GET host/path` */
  endpoint?: string;
  summary: string;
}

/** GET /v1/posture/summary. */
export interface PostureSummary {
  atMs: number;
  modelVersion: number;
  endpoints: number;
  classes: { shadow: number; zombie: number; orphaned: number };
  violations: number;
  riskBuckets?: unknown;
}

/** GET /v1/summary (control-plane/http/routes/summary.ts). */
export interface Summary {
  atMs: number;
  endpoints: { total: number; internal: number; external: number };
  lastHour: { requests: number; requestsPerMinute: number; blocked: number; errors: number; findings: number };
  exposureSeries: { t: number; findings: number }[];
  findingsByType: { t: number; counts: Record<string, number> }[];
  topFindingTypes: ExposureRow[];
  gateways: { total: number; connected: number; behind: number };
  rulesVersion: string;
}

/** A JSON condition over endpoint attributes (`{ attr, op, value }` with `all` / `any` / `not`). */
export type RiskCondition = Record<string, unknown>;

export interface AlertRoute {
  id: string;
  name?: string;
  kind?: string;
}

export interface RiskFactor {
  id: string;
  name: string;
  weight: number;
  condition?: RiskCondition;
  description?: string;
  builtIn?: boolean;
  category?: string;
}

export interface DetectorTestResult {
  ok: boolean;
  errors?: { path: string; message: string }[];
  /** `text` is masked by the server with the detector's mask style. */
  matches?: { type?: string; start: number; end: number; text: string; confidence?: number; path?: string }[];
}

const TOKEN_KEY = 'palisade.token';

export class Api {
  token = sessionStorage.getItem(TOKEN_KEY) ?? '';

  constructor(private readonly base = '') {}

  setToken(token: string) {
    this.token = token;
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  }

  async request<T>(method: string, path: string, body?: unknown, query?: Record<string, string | number | undefined>): Promise<T> {
    const url = new URL(this.base + path, location.origin);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: BodyInit | undefined;
    if (body instanceof Blob || typeof body === 'string') payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(url, { method, headers, body: payload });
    if (res.status === 204 || res.status === 304) return undefined as T;
    const type = res.headers.get('content-type') ?? '';
    const data = type.includes('json') ? await res.json() : await res.text();
    if (!res.ok)
      throw new ApiError(res.status, typeof data === 'object' && data ? (data as Problem) : { title: String(data), status: res.status });
    return data as T;
  }

  get<T>(path: string, query?: Record<string, string | number | undefined>) {
    return this.request<T>('GET', path, undefined, query);
  }
  post<T>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body);
  }

  whoami = () => this.get<Identity>('/v1/whoami');
  endpoints = (q: { limit?: number; cursor?: string; q?: string; sort?: string; order?: string; class?: string; sensitive?: string }) =>
    this.get<Page<Endpoint>>('/v1/endpoints', q);
  topRisk = (limit: number) => this.get<Page<Endpoint>>('/v1/endpoints', { sort: 'risk', order: 'desc', limit });
  endpoint = (id: string) => this.get<Endpoint & Record<string, unknown>>(`/v1/endpoints/${encodeURIComponent(id)}`);
  endpointOpenApi = (id: string) => this.get<Record<string, unknown>>(`/v1/endpoints/${encodeURIComponent(id)}/openapi`);
  endpointViolations = (id: string) => this.get<Page<Record<string, unknown>>>(`/v1/endpoints/${encodeURIComponent(id)}/violations`);
  endpointRisk = (id: string) =>
    this.get<{ score: number; factors: { id: string; name: string; points: number; evidence?: string }[] }>(
      `/v1/endpoints/${encodeURIComponent(id)}/risk`,
    );
  endpointTraffic = (id: string, windowMinutes = 60) =>
    this.get<{ bucketMs: number; series: { t: number; requests: number; errors: number; blocked: number; findings: number }[] }>(
      `/v1/endpoints/${encodeURIComponent(id)}/traffic`,
      { windowMinutes },
    );
  summary = () => this.get<Summary>('/v1/summary');
  postureSummary = () => this.get<PostureSummary>('/v1/posture/summary');
  gateways = () => this.get<Page<Gateway>>('/v1/gateways', { limit: 1000 });
  flows = (windowMinutes: number, clients: ClientGrouping = 'network') => this.get<FlowGraph>('/v1/flows', { windowMinutes, clients });
  exposure = (q: { windowMinutes: number; type?: string; endpointId?: string }) => this.get<Exposure>('/v1/exposure', q);
  changes = (q: { limit?: number; cursor?: string; kind?: string; since?: number }) =>
    this.get<Page<PostureChange>>('/v1/posture/changes', q);
  changesExportUrl = (format: 'csv' | 'jsonl', kind?: string) =>
    `${this.base}/v1/posture/changes/export?format=${format}${kind ? `&kind=${encodeURIComponent(kind)}` : ''}`;
  /** OpenAPI 3.1 (YAML) generated from traffic: of one API (host) or of every host merged. */
  openApiUrl = (host?: string) => `${this.base}/v1/openapi${host ? `/${encodeURIComponent(host)}` : ''}?format=yaml`;
  riskFactors = () => this.get<Page<RiskFactor> & { version?: number }>('/v1/risk/factors');
  saveRiskFactor = (f: Pick<RiskFactor, 'id' | 'name' | 'weight' | 'category' | 'condition'>) =>
    this.post<{ factor: RiskFactor; version: number }>('/v1/risk/factors', f);
  alertRoutes = () => this.get<Page<AlertRoute>>('/v1/alerts/routes');
  ruleVersions = () => this.get<Page<RuleVersion>>('/v1/rules/versions', { limit: 100 });
  ruleVersion = (v: string | number) => this.get<RuleVersion>(`/v1/rules/versions/${v}`);
  ruleDiff = (from: string | number, to: string | number) => this.get<unknown>('/v1/rules/diff', { from, to });
  publish = (source: RuleSource, comment: string, expectedVersion?: string | number) =>
    this.post<RuleVersion>('/v1/rules/publish', { source, comment, expectedVersion: expectedVersion ?? '0' });
  rollback = (toVersion: string | number, comment: string) => this.post<RuleVersion>('/v1/rules/rollback', { toVersion, comment });
  testDetector = (detector: unknown, sample: string) => this.post<DetectorTestResult>('/v1/detectors/test', { detector, sample });
  uploadSpec = (name: string, text: string) => this.post<unknown>(`/v1/specs?name=${encodeURIComponent(name)}`, text);
  notify = (routeId: string, summary: string) =>
    this.post<{ queued: boolean }>(`/v1/alerts/routes/${encodeURIComponent(routeId)}/test`, { summary });

  /** Downloads an authenticated resource (exports) as a file. */
  async download(url: string, filename: string) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${this.token}` } });
    if (!res.ok) throw new ApiError(res.status, { title: `download failed (${res.status})` });
    const blob = await res.blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }
}

export const api = new Api();

export const num = (v: number | string | undefined | null): number => (v === undefined || v === null || v === '' ? 0 : Number(v));
