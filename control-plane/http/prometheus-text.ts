// Renders counter and gauge values in the Prometheus text exposition format (version 0.0.4), so
// any Prometheus-compatible scraper reads the control plane's counters. Names get the `palisade_`
// prefix; a key may carry labels (`http_problems_total{code="PAL-REQUEST-JSON"}`); a name ending in
// `_total` is a counter, anything else a gauge.
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function labelled(name: string, labels: Record<string, string>): string {
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
  return `${name}{${body}}`;
}

export function prometheusText(values: Record<string, number>): string {
  const byName = new Map<string, string[]>();
  for (const key of Object.keys(values).sort()) {
    const name = key.split('{')[0]!;
    const v = values[key]!;
    const lines = byName.get(name) ?? [];
    lines.push(`palisade_${key} ${Number.isFinite(v) ? v : 0}`);
    byName.set(name, lines);
  }
  const out: string[] = [];
  for (const [name, lines] of byName) {
    out.push(`# TYPE palisade_${name} ${name.endsWith('_total') ? 'counter' : 'gauge'}`, ...lines);
  }
  return out.join('\n') + '\n';
}
