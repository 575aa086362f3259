// Sensitive-data exposure of a window as a pure function of the events that carried findings:
// counts by type, endpoint, response code, client and country, a series per bucket (total and per
// type) and the newest masked examples. Only what gateways sent is used — type and masked preview,
// never a value — so nothing here can leak more than the events table holds.
import type { EndpointLabel, FindingEventRow } from './event-queries.ts';
import { bucketOf, bucketStarts, type TimeWindow } from './time-window.ts';
import type { Exposure, ExposureExample, ExposureRow } from './view-types.ts';

export type { Exposure, ExposureExample, ExposureRow };

interface StoredFinding {
  type?: unknown;
  masked?: unknown;
  location?: { direction?: unknown; field?: unknown; name?: unknown; jsonPath?: unknown };
}

const TOP = 20;
const EXAMPLES = 25;

function findingsOf(detail: string): StoredFinding[] {
  if (!detail) return [];
  try {
    const d = JSON.parse(detail) as { findings?: unknown };
    return Array.isArray(d.findings) ? (d.findings.filter((f) => f && typeof f === 'object') as StoredFinding[]) : [];
  } catch {
    return [];
  }
}

function top(counts: Map<string, number>, label: (key: string) => string = (k) => k): ExposureRow[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, TOP)
    .map(([key, findings]) => ({ key, label: label(key), findings }));
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

export function buildExposure(input: {
  rows: readonly FindingEventRow[];
  window: TimeWindow;
  countryOf?: (ip: string) => string | undefined;
  /** Only this finding type. */
  type?: string;
  truncated: boolean;
}): Exposure {
  const { rows, window: w } = input;
  const byType = new Map<string, number>();
  const byEndpoint = new Map<string, number>();
  const byStatus = new Map<string, number>();
  const byClient = new Map<string, number>();
  const byCountry = new Map<string, number>();
  const buckets = new Map<number, Map<string, number>>(bucketStarts(w).map((t) => [t, new Map()]));
  const examples: ExposureExample[] = [];
  for (const r of rows) {
    const country = input.countryOf?.(r.clientIp) ?? 'unknown';
    for (const f of findingsOf(r.detail)) {
      const type = typeof f.type === 'string' && f.type ? f.type : 'unknown';
      if (input.type && type !== input.type) continue;
      bump(byType, type);
      bump(byEndpoint, r.endpointId);
      bump(byStatus, String(r.status));
      bump(byClient, r.clientIp || 'unknown');
      bump(byCountry, country);
      const b = buckets.get(bucketOf(w, r.tsMs));
      if (b) bump(b, type);
      if (examples.length < EXAMPLES && typeof f.masked === 'string') {
        const loc = f.location ?? {};
        examples.push({
          type,
          masked: f.masked,
          endpointId: r.endpointId,
          endpoint: r.endpointId,
          status: r.status,
          clientIp: r.clientIp,
          atMs: r.tsMs,
          direction: String(loc.direction ?? ''),
          location: String(loc.jsonPath || loc.name || loc.field || ''),
        });
      }
    }
  }
  const series = [...buckets].map(([t, m]) => ({ t, findings: [...m.values()].reduce((a, b) => a + b, 0) }));
  return {
    byType: top(byType),
    byEndpoint: top(byEndpoint),
    byStatus: top(byStatus),
    byClient: top(byClient),
    byCountry: top(byCountry),
    series,
    seriesByType: [...buckets].map(([t, m]) => ({ t, counts: Object.fromEntries(m) })),
    examples,
    eventsRead: rows.length,
    truncated: input.truncated,
  };
}

/** Endpoint ids the report shows (its top endpoints and examples): the ones to label. */
export function exposureEndpointIds(e: Exposure): string[] {
  return [...new Set([...e.byEndpoint.map((r) => r.key), ...e.examples.map((x) => x.endpointId)])];
}

/** The report with endpoints shown as `METHOD host/path` instead of ids. */
export function withEndpointLabels(e: Exposure, labels: ReadonlyMap<string, EndpointLabel>): Exposure {
  const text = (id: string) => {
    const l = labels.get(id);
    return l ? `${l.method} ${l.host}${l.pathTemplate}` : id;
  };
  return {
    ...e,
    byEndpoint: e.byEndpoint.map((r) => ({ ...r, label: text(r.key) })),
    examples: e.examples.map((x) => ({ ...x, endpoint: text(x.endpointId) })),
  };
}
