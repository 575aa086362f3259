// The dashboard's only way to the control plane: the public REST API (/v1), bearer token auth,
// RFC 9457 problem details turned into ApiError. Every URL the dashboard uses is in this file.
import type { Endpoint__Output as Endpoint } from '../../../../proto/gen/palisade/v1/Endpoint.ts';
import type { Gateway__Output as Gateway } from '../../../../proto/gen/palisade/v1/Gateway.ts';
import type { RuleVersion__Output as RuleVersion } from '../../../../proto/gen/palisade/v1/RuleVersion.ts';
import type { RuleSource } from '../../../../proto/gen/palisade/v1/RuleSource.ts';
import type { Policy } from '../../../../proto/gen/palisade/v1/Policy.ts';

export type { Endpoint, Gateway, RuleVersion, RuleSource, Policy };

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

export interface FlowNode {
  id: string;
  kind: 'client' | 'gateway' | 'api' | 'endpoint';
  label: string;
  detail?: string;
  endpointId?: string;
  host?: string;
}

export interface FlowEdge {
  from: string;
  to: string;
  requests: number;
  blocked: number;
  rateLimited: number;
  errors: number;
  sensitive: number;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
  windowMs?: number;
}

export interface ExposureRow {
  key: string;
  label: string;
  findings: number;
  distinctValues?: number;
  lastSeenMs?: number | string;
}

export interface Exposure {
  byType: ExposureRow[];
  byEndpoint: ExposureRow[];
  byStatus: ExposureRow[];
  byClient: ExposureRow[];
  byCountry: ExposureRow[];
  series: { t: number; findings: number }[];
  examples: { type: string; masked: string; endpoint: string; status?: number; clientIp?: string; atMs?: number | string }[];
}

export interface PostureChange {
  id: string | number;
  atMs: number | string;
  kind: string;
  severity?: string;
  endpointId?: string;
  endpoint?: string;
  summary: string;
}

export interface RiskFactor {
  id: string;
  name: string;
  weight: number;
  condition?: string;
  builtIn?: boolean;
  category?: string;
}

export interface DetectorTestResult {
  ok: boolean;
  errors?: { path: string; message: string }[];
  matches?: { start: number; end: number; text: string; confidence?: number }[];
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
  endpoints = (q: { limit?: number; cursor?: string; q?: string; sort?: string; order?: string; class?: string }) =>
    this.get<Page<Endpoint>>('/v1/endpoints', q);
  endpoint = (id: string) => this.get<Endpoint & Record<string, unknown>>(`/v1/endpoints/${encodeURIComponent(id)}`);
  endpointOpenApi = (id: string) => this.get<Record<string, unknown>>(`/v1/endpoints/${encodeURIComponent(id)}/openapi`);
  endpointViolations = (id: string) => this.get<Page<Record<string, unknown>>>(`/v1/endpoints/${encodeURIComponent(id)}/violations`);
  endpointRisk = (id: string) =>
    this.get<{ score: number; factors: { id: string; name: string; points: number; evidence?: string }[] }>(
      `/v1/endpoints/${encodeURIComponent(id)}/risk`,
    );
  endpointTraffic = (id: string) =>
    this.get<{ series: { t: number; requests: number; errors: number; blocked: number }[] }>(
      `/v1/endpoints/${encodeURIComponent(id)}/traffic`,
    );
  summary = () => this.get<Record<string, unknown>>('/v1/summary');
  gateways = () => this.get<Page<Gateway>>('/v1/gateways', { limit: 1000 });
  flows = (windowMinutes: number) => this.get<FlowGraph>('/v1/flows', { windowMinutes });
  exposure = (q: { windowMinutes: number; type?: string; endpointId?: string }) => this.get<Exposure>('/v1/exposure', q);
  changes = (q: { limit?: number; cursor?: string; kind?: string; since?: number }) =>
    this.get<Page<PostureChange>>('/v1/posture/changes', q);
  changesExportUrl = (format: 'csv' | 'jsonl', kind?: string) =>
    `${this.base}/v1/posture/changes/export?format=${format}${kind ? `&kind=${encodeURIComponent(kind)}` : ''}`;
  riskFactors = () => this.get<Page<RiskFactor>>('/v1/risk/factors');
  saveRiskFactor = (f: Partial<RiskFactor>) => this.post<RiskFactor>('/v1/risk/factors', f);
  ruleVersions = () => this.get<Page<RuleVersion>>('/v1/rules/versions', { limit: 100 });
  ruleVersion = (v: string | number) => this.get<RuleVersion>(`/v1/rules/versions/${v}`);
  ruleDiff = (from: string | number, to: string | number) => this.get<unknown>('/v1/rules/diff', { from, to });
  publish = (source: RuleSource, comment: string, expectedVersion?: string | number) =>
    this.post<RuleVersion>('/v1/rules/publish', { source, comment, expectedVersion: expectedVersion ?? '0' });
  rollback = (toVersion: string | number, comment: string) => this.post<RuleVersion>('/v1/rules/rollback', { toVersion, comment });
  testDetector = (detector: unknown, sample: string) => this.post<DetectorTestResult>('/v1/detectors/test', { detector, sample });
  uploadSpec = (name: string, text: string) => this.post<unknown>(`/v1/specs?name=${encodeURIComponent(name)}`, text);
  notify = (routeId: string, message: unknown) => this.post<unknown>(`/v1/alerts/routes/${encodeURIComponent(routeId)}/test`, message);

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
