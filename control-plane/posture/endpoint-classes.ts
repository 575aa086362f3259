// Shadow, zombie and orphaned endpoints, each with the evidence that put it there. Built on a
// conformance report so the same spec matching decides both.
import type { ConformanceReport } from './conformance.ts';
import { endpointKey, type InventoryEndpoint } from './model.ts';
import { latestVersions, supersededBy } from './api-version.ts';

export type EndpointClass = 'shadow' | 'zombie' | 'orphaned';

export interface ClassEvidence {
  class: EndpointClass;
  /** Machine-readable reason: `no-spec`, `deprecated`, `superseded`, `dormant`, `never-called`, `no-owner`. */
  reason: string;
  detail: string;
}

export interface ClassifiedEndpoint {
  host: string;
  method: string;
  path: string;
  /** False for spec operations that no traffic ever reached. */
  observed: boolean;
  classes: ClassEvidence[];
}

export interface ClassifyOptions {
  now: number;
  /** An endpoint silent for longer than this, after having been active, is a zombie. */
  dormantAfterMs: number;
  /** Whether an endpoint without an owner counts as orphaned (the API sets owners; discovery does not). */
  ownersTracked: boolean;
  /** True when at least one spec is uploaded: without any, "in no spec" says nothing. */
  specsUploaded?: boolean;
}

export const DEFAULT_DORMANT_MS = 30 * 24 * 3600 * 1000;

const iso = (ms: number): string => new Date(ms).toISOString();

export function classifyEndpoints(
  endpoints: readonly InventoryEndpoint[],
  report: ConformanceReport,
  opts: ClassifyOptions,
): ClassifiedEndpoint[] {
  const out: ClassifiedEndpoint[] = [];
  const latest = latestVersions(endpoints.map((e) => e.path));
  const specsUploaded = opts.specsUploaded ?? (report.documented.size > 0 || report.uncalled.length > 0);
  for (const e of endpoints) {
    const classes: ClassEvidence[] = [];
    const doc = report.documented.get(endpointKey(e));
    const dormantFor = opts.now - e.lastSeen;
    if (!doc && specsUploaded)
      classes.push({
        class: 'shadow',
        reason: 'no-spec',
        detail: `called ${e.count} times since ${iso(e.firstSeen)}; in no uploaded spec`,
      });
    if (doc?.operation.deprecated)
      classes.push({ class: 'zombie', reason: 'deprecated', detail: `deprecated in ${doc.spec.name}; last called ${iso(e.lastSeen)}` });
    const newer = supersededBy(e.path, latest);
    if (newer !== null && dormantFor <= opts.dormantAfterMs)
      classes.push({
        class: 'zombie',
        reason: 'superseded',
        detail: `v${newer} of this path exists; still called (last ${iso(e.lastSeen)})`,
      });
    if (dormantFor > opts.dormantAfterMs) {
      classes.push({
        class: 'zombie',
        reason: 'dormant',
        detail: `active ${iso(e.firstSeen)}–${iso(e.lastSeen)}, silent for ${Math.floor(dormantFor / 86_400_000)} days`,
      });
      if (doc)
        classes.push({
          class: 'orphaned',
          reason: 'no-longer-called',
          detail: `documented in ${doc.spec.name}, no traffic since ${iso(e.lastSeen)}`,
        });
    }
    if (opts.ownersTracked && !e.owner) classes.push({ class: 'orphaned', reason: 'no-owner', detail: 'no owner assigned' });
    out.push({ host: e.host, method: e.method, path: e.path, observed: true, classes });
  }
  for (const u of report.uncalled) {
    out.push({
      host: u.spec.hosts[0] ?? '*',
      method: u.operation.method,
      path: u.operation.path,
      observed: false,
      classes: [{ class: 'orphaned', reason: 'never-called', detail: `documented in ${u.spec.name}, never called` }],
    });
  }
  return out;
}
