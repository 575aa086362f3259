// One endpoint: generated OpenAPI fragment, conformance violations, risk breakdown, traffic,
// and the same one-click mitigation as the flow graph.
import { api, num } from '../lib/api.ts';
import { useAsync } from '../lib/hooks.ts';
import { LineChart } from '../components/charts.tsx';
import { MitigationPanel } from '../components/mitigation-panel.tsx';
import { enumLabel, fmtInt, fmtTime, fmtUs } from '../lib/format.ts';

export function EndpointPage({ id, canEdit }: { id: string; canEdit: boolean }) {
  const ep = useAsync(() => api.endpoint(id), [id]);
  const spec = useAsync(() => api.endpointOpenApi(id), [id]);
  const violations = useAsync(() => api.endpointViolations(id), [id]);
  const risk = useAsync(() => api.endpointRisk(id), [id]);
  const traffic = useAsync(() => api.endpointTraffic(id), [id]);
  if (ep.error) return <p class="error">Could not load endpoint: {ep.error.message}</p>;
  const e = ep.data;
  if (!e) return <p aria-busy="true">Loading…</p>;
  const label = `${e.key?.method} ${e.key?.pathTemplate}`;
  return (
    <div class="page">
      <p>
        <a href="#/inventory">← Inventory</a>
      </p>
      <h1>
        <span class={`method m-${e.key?.method}`}>{e.key?.method}</span> {e.key?.pathTemplate}
      </h1>
      <p class="muted">
        {e.key?.host} · {e.internal ? 'internal' : 'external'} · {e.postureClass || 'known'} · first seen {fmtTime(num(e.firstSeenMs))} ·
        last seen {fmtTime(num(e.lastSeenMs))}
      </p>
      <div class="cards">
        <div class="card">
          <h2>Traffic</h2>
          <p>
            {fmtInt(e.requests)} requests · p50 {fmtUs(e.latencyP50Us)} · p95 {fmtUs(e.latencyP95Us)} · p99 {fmtUs(e.latencyP99Us)}
          </p>
          <p class="muted">
            2xx {fmtInt(e.status?.s2xx)} · 3xx {fmtInt(e.status?.s3xx)} · 4xx {fmtInt(e.status?.s4xx)} · 5xx {fmtInt(e.status?.s5xx)}
          </p>
          <LineChart
            label="Requests over time"
            series={traffic.data?.series ?? []}
            keys={[
              { key: 'requests', color: '#0f62fe', name: 'requests' },
              { key: 'errors', color: '#b28600', name: 'errors' },
              { key: 'blocked', color: '#da1e28', name: 'blocked' },
            ]}
          />
        </div>
        <div class="card">
          <h2>Risk {risk.data ? risk.data.score : e.riskScore}</h2>
          <ul>
            {(risk.data?.factors ?? []).map((f) => (
              <li key={f.id}>
                <strong>+{f.points}</strong> {f.name}
                {f.evidence ? <span class="muted"> — {f.evidence}</span> : null}
              </li>
            ))}
          </ul>
          <h3>Auth</h3>
          <p>{(e.authSchemes ?? []).map((a) => enumLabel(a, 'AUTH_SCHEME_')).join(', ') || '—'}</p>
          <h3>Sensitive data</h3>
          <ul>
            {(e.findings ?? []).map((f) => (
              <li key={`${f.type}-${f.direction}`}>
                {f.type} ({enumLabel(f.direction, 'DIRECTION_')}): {fmtInt(f.count)} findings, {fmtInt(f.distinctValues)} distinct values
              </li>
            ))}
          </ul>
        </div>
        <div class="card wide">
          <h2>Conformance</h2>
          {violations.error && <p class="muted">No spec data: {violations.error.message}</p>}
          <ul>
            {(violations.data?.items ?? []).map((v, i) => (
              <li key={i}>
                <strong>{String(v.kind ?? '')}</strong> {String(v.detail ?? '')} <span class="muted">×{fmtInt(v.count as number)}</span>
              </li>
            ))}
            {violations.data && violations.data.items.length === 0 && <li class="muted">No violations.</li>}
          </ul>
        </div>
        <div class="card wide">
          <h2>Generated OpenAPI</h2>
          <pre class="code" tabIndex={0}>
            {spec.data ? JSON.stringify(spec.data, null, 2) : spec.error ? spec.error.message : '…'}
          </pre>
        </div>
      </div>
      <MitigationPanel target={{ host: e.key?.host, method: e.key?.method, pathTemplate: e.key?.pathTemplate, label }} canEdit={canEdit} />
    </div>
  );
}
