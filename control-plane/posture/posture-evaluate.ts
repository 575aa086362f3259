// One pass over the inventory: conformance, classes, attributes and risk for every endpoint. This is
// what the control plane recomputes when traffic, specs or the risk model change, and what the
// benchmark times for 10,000 endpoints.
import { checkConformance, type ConformanceReport, type Violation } from './conformance.ts';
import { classifyEndpoints, DEFAULT_DORMANT_MS, type ClassEvidence } from './endpoint-classes.ts';
import { endpointAttributes } from './endpoint-attributes.ts';
import { endpointKey, type InventoryEndpoint } from './model.ts';
import type { RiskModel } from './risk-model.ts';
import { riskScorer, type RiskScore } from './risk-score.ts';
import type { NormalizedSpec } from './spec-parse.ts';

export interface EndpointPosture {
  key: string;
  host: string;
  method: string;
  path: string;
  classes: ClassEvidence[];
  violations: Violation[];
  risk: RiskScore;
  findingTypes: string[];
  authSchemes: string[];
  lastSeen: number;
}

export interface PostureSnapshot {
  at: number;
  modelVersion: number;
  endpoints: Map<string, EndpointPosture>;
  report: ConformanceReport;
  /** Spec operations never called (orphaned). */
  orphaned: { host: string; method: string; path: string; classes: ClassEvidence[] }[];
}

export interface EvaluateOptions {
  now: number;
  dormantAfterMs?: number;
  ownersTracked?: boolean;
}

/** Violation kinds that are classes, not contract breaches; the risk factors count them apart. */
const CLASS_KINDS = new Set(['shadow', 'zombie', 'undocumented-path']);

export function evaluatePosture(
  endpoints: readonly InventoryEndpoint[],
  specs: readonly NormalizedSpec[],
  model: RiskModel,
  opts: EvaluateOptions,
): PostureSnapshot {
  const report = checkConformance(endpoints, specs, { now: opts.now });
  const classified = classifyEndpoints(endpoints, report, {
    now: opts.now,
    dormantAfterMs: opts.dormantAfterMs ?? DEFAULT_DORMANT_MS,
    ownersTracked: opts.ownersTracked ?? false,
    specsUploaded: specs.length > 0,
  });
  const byEndpoint = new Map<string, Violation[]>();
  for (const v of report.violations) {
    const k = endpointKey({ host: v.host, method: v.method, path: v.endpointPath });
    let l = byEndpoint.get(k);
    if (!l) byEndpoint.set(k, (l = []));
    l.push(v);
  }
  const score = riskScorer(model);
  const out = new Map<string, EndpointPosture>();
  const orphaned: PostureSnapshot['orphaned'] = [];
  let i = 0;
  for (const c of classified) {
    if (!c.observed) {
      orphaned.push(c);
      continue;
    }
    const e = endpoints[i++] as InventoryEndpoint;
    const key = endpointKey(e);
    const violations = byEndpoint.get(key) ?? [];
    const contract = violations.filter((v) => !CLASS_KINDS.has(v.kind)).length;
    const attrs = endpointAttributes(
      e,
      c.classes.map((x) => x.class),
      contract,
    );
    out.set(key, {
      key,
      host: e.host,
      method: e.method,
      path: e.path,
      classes: c.classes,
      violations,
      risk: score(e, attrs),
      findingTypes: attrs.findingTypes,
      authSchemes: attrs.authSchemes,
      lastSeen: e.lastSeen,
    });
  }
  return { at: opts.now, modelVersion: model.version, endpoints: out, report, orphaned };
}
