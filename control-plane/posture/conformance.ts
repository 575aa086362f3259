// Runtime against uploaded specs: every violation with its evidence (count, first/last seen, a
// masked example). Pure: endpoints and normalized specs in, a report out.
import { isInfrastructureHeader } from './http-headers.ts';
import { isCredentialQueryParam } from './discover/auth-detect.ts';
import { endpointKey, type ExampleEvent, type InventoryEndpoint } from './model.ts';
import { checkBodies } from './schema-check.ts';
import { matchPath } from './spec-match.ts';
import type { NormalizedSpec, SpecOperation } from './spec-parse.ts';
import { latestVersions, supersededBy } from './api-version.ts';

export type ViolationKind =
  | 'undocumented-method'
  | 'undocumented-path'
  | 'undocumented-status'
  | 'undocumented-param'
  | 'missing-required-param'
  | 'type-mismatch'
  | 'auth-mismatch'
  | 'shadow'
  | 'zombie';

export interface Violation {
  kind: ViolationKind;
  host: string;
  method: string;
  /** The spec's path when one matched, else the inferred template. */
  path: string;
  /** The runtime endpoint's template. */
  endpointPath: string;
  detail: string;
  /** What the violation is about (`query:debug`, `500`, `response 200 $.id type:string`): stable across runs. */
  subject: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  spec?: string;
  example?: ExampleEvent;
}

export interface ConformanceReport {
  violations: Violation[];
  /** Runtime endpoint key → the spec operation it is, when documented. */
  documented: Map<string, { spec: NormalizedSpec; operation: SpecOperation }>;
  /** Spec operations no runtime endpoint matched. */
  uncalled: { spec: NormalizedSpec; operation: SpecOperation }[];
}

export interface ConformanceOptions {
  now: number;
}

function statusDocumented(op: SpecOperation, code: string): boolean {
  if (code in op.responses || `${code[0]}XX` in op.responses || 'DEFAULT' in op.responses) return true;
  // A runtime status class (`4XX`, when only classes are known) is documented by any code in it.
  return /^\dXX$/.test(code) && Object.keys(op.responses).some((c) => c[0] === code[0]);
}

function responseContent(op: SpecOperation, code: string): Record<string, Record<string, unknown>> | undefined {
  return op.responses[code] ?? op.responses[`${code[0]}XX`] ?? op.responses.DEFAULT;
}

export function checkConformance(
  endpoints: readonly InventoryEndpoint[],
  specs: readonly NormalizedSpec[],
  _opts: ConformanceOptions,
): ConformanceReport {
  const violations: Violation[] = [];
  const documented = new Map<string, { spec: NormalizedSpec; operation: SpecOperation }>();
  const called = new Set<SpecOperation>();
  const latest = latestVersions([...specs.flatMap((s) => s.operations.map((o) => o.path)), ...endpoints.map((e) => e.path)]);

  for (const e of endpoints) {
    const base = {
      host: e.host,
      method: e.method,
      endpointPath: e.path,
      firstSeen: e.firstSeen,
      lastSeen: e.lastSeen,
      ...(e.example ? { example: e.example } : {}),
    };
    const add = (kind: ViolationKind, path: string, detail: string, count: number, spec: string | undefined, subject: string): void => {
      violations.push({ kind, path, detail, count, subject, ...base, ...(spec ? { spec } : {}) });
    };
    const m = matchPath(specs, e.host, e.path);
    if (!m) {
      // Without any spec, "in no spec" says nothing: no path is undocumented and nothing is shadow.
      if (specs.length) {
        add('undocumented-path', e.path, `${e.method} ${e.path} is in no uploaded spec`, e.count, undefined, 'path');
        add('shadow', e.path, `called ${e.count} times, documented in no uploaded spec`, e.count, undefined, 'shadow');
      }
      const newer = supersededBy(e.path, latest);
      if (newer !== null) add('zombie', e.path, `superseded by v${newer} yet called ${e.count} times`, e.count, undefined, 'superseded');
      continue;
    }
    const op = m.operations.find((o) => o.method === e.method.toUpperCase());
    if (!op) {
      const allowed = [...new Set(m.operations.map((o) => o.method))].sort().join(', ');
      add(
        'undocumented-method',
        m.path,
        `${e.method} is not documented on ${m.path} (the spec allows ${allowed})`,
        e.count,
        m.spec.name,
        'method',
      );
      continue;
    }
    called.add(op);
    documented.set(endpointKey(e), { spec: m.spec, operation: op });
    const spec = m.spec.name;
    for (const [code, n] of Object.entries(e.statusCounts)) {
      if (n > 0 && !statusDocumented(op, code)) add('undocumented-status', m.path, `status ${code} is not documented`, n, spec, code);
    }
    const specParams = new Map(op.params.map((p) => [`${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`, p]));
    for (const p of e.params) {
      if (p.in === 'path') continue;
      if (p.in === 'header' && isInfrastructureHeader(p.name)) continue;
      if (p.in === 'query' && isCredentialQueryParam(p.name)) continue;
      if (!specParams.has(`${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`)) {
        add('undocumented-param', m.path, `${p.in} parameter "${p.name}" is not documented`, p.seen, spec, `${p.in}:${p.name}`);
      }
    }
    for (const sp of op.params) {
      if (!sp.required || sp.in === 'path') continue;
      const seen =
        e.params.find((p) => p.in === sp.in && (sp.in === 'header' ? p.name.toLowerCase() === sp.name.toLowerCase() : p.name === sp.name))
          ?.seen ?? 0;
      if (seen < e.count)
        add(
          'missing-required-param',
          m.path,
          `required ${sp.in} parameter "${sp.name}" missing`,
          e.count - seen,
          spec,
          `${sp.in}:${sp.name}`,
        );
    }
    if (op.requestBody) {
      for (const i of checkBodies(e.requestBodies, op.requestBody.content, m.spec.legacyNullable))
        add('type-mismatch', m.path, `request ${i.detail}`, i.count, spec, `request ${i.path} ${i.what}`);
    }
    for (const [code, bodies] of Object.entries(e.responses)) {
      const content = responseContent(op, code);
      if (!content) continue;
      for (const i of checkBodies(bodies, content, m.spec.legacyNullable))
        add('type-mismatch', m.path, `response ${code} ${i.detail}`, i.count, spec, `response ${code} ${i.path} ${i.what}`);
    }
    if (op.security) {
      const declared = op.security.schemes.length ? op.security.schemes.join('|') : 'none';
      for (const a of e.auth) {
        if (a.count <= 0) continue;
        if (a.scheme === 'none' ? !op.security.anonymous : !op.security.schemes.includes(a.scheme)) {
          add(
            'auth-mismatch',
            m.path,
            `${a.count} calls used ${a.scheme}; the spec declares ${declared}${op.security.anonymous ? ' or none' : ''}`,
            a.count,
            spec,
            `auth:${a.scheme}`,
          );
        }
      }
    }
    if (op.deprecated) add('zombie', m.path, `deprecated in ${spec} yet called ${e.count} times`, e.count, spec, 'deprecated');
    else {
      const newer = supersededBy(e.path, latest);
      if (newer !== null) add('zombie', m.path, `superseded by v${newer} yet called ${e.count} times`, e.count, spec, 'superseded');
    }
  }
  const uncalled: ConformanceReport['uncalled'] = [];
  for (const spec of specs) for (const operation of spec.operations) if (!called.has(operation)) uncalled.push({ spec, operation });
  return { violations, documented, uncalled };
}

/** The `palisade discover --findings` list. */
export function toFindingsList(
  report: ConformanceReport,
): { method: string; path: string; kind: ViolationKind; detail: string; count: number }[] {
  return report.violations.map((v) => ({ method: v.method, path: v.path, kind: v.kind, detail: v.detail, count: v.count }));
}
