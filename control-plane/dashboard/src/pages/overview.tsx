// Overview: the estate at a glance — endpoints by class, internal vs external, highest risk,
// exposure trend, gateways and their rules version.
import { api, num } from '../lib/api.ts';
import { useAsync, useInterval } from '../lib/hooks.ts';
import { fmtAgo, fmtInt } from '../lib/format.ts';
import { BarList, LineChart } from '../components/charts.tsx';
import { navigate } from '../lib/router.ts';

interface Summary {
  endpoints?: { total?: number; byClass?: Record<string, number>; internal?: number; external?: number };
  topRisk?: { id: string; label: string; riskScore: number }[];
  exposureSeries?: { t: number; findings: number }[];
  rulesVersion?: number | string;
}

export function OverviewPage() {
  const summary = useAsync(() => api.summary() as Promise<Summary>, []);
  const gateways = useAsync(() => api.gateways(), []);
  useInterval(() => {
    summary.reload();
    gateways.reload();
  }, 10_000);
  const s = summary.data ?? {};
  const byClass = s.endpoints?.byClass ?? {};
  return (
    <div class="page">
      <h1>Overview</h1>
      {summary.error && <p class="error">Could not load the summary: {summary.error.message}</p>}
      <div class="cards">
        <div class="card">
          <h2>Endpoints</h2>
          <p class="big" data-testid="endpoint-total">
            {fmtInt(s.endpoints?.total)}
          </p>
          <p>
            {(['known', 'shadow', 'zombie', 'orphaned'] as const).map((c) => (
              <a key={c} class={`pill pill-${c}`} href={`#/inventory?class=${c}`}>
                {c} {fmtInt(byClass[c])}
              </a>
            ))}
          </p>
          <p class="muted">
            internal {fmtInt(s.endpoints?.internal)} · external {fmtInt(s.endpoints?.external)}
          </p>
        </div>
        <div class="card">
          <h2>Highest risk</h2>
          <BarList
            label="Highest-risk endpoints"
            rows={(s.topRisk ?? []).map((r) => ({ key: r.id, label: r.label, value: r.riskScore }))}
            onSelect={(id) => navigate(`/endpoints/${encodeURIComponent(id)}`)}
          />
        </div>
        <div class="card wide">
          <h2>Sensitive data exposure</h2>
          <LineChart
            label="Findings per interval"
            series={(s.exposureSeries ?? []).map((p) => ({ t: p.t, findings: p.findings }))}
            keys={[{ key: 'findings', color: '#8a3ffc', name: 'findings' }]}
          />
        </div>
        <div class="card wide">
          <h2>Gateways</h2>
          <table>
            <caption class="sr-only">Gateways and the rules version they run</caption>
            <thead>
              <tr>
                <th scope="col">Gateway</th>
                <th scope="col">Kind</th>
                <th scope="col">Connected</th>
                <th scope="col">Rules acked</th>
                <th scope="col">Last heartbeat</th>
                <th scope="col" class="num">
                  Events
                </th>
                <th scope="col" class="num">
                  Dropped
                </th>
              </tr>
            </thead>
            <tbody>
              {(gateways.data?.items ?? []).map((g) => (
                <tr key={g.info?.id}>
                  <td>{g.info?.id}</td>
                  <td>{(g.info?.kind ?? '').replace('GATEWAY_KIND_', '').toLowerCase()}</td>
                  <td>{g.connected ? 'yes' : 'no'}</td>
                  <td>
                    v{num(g.rulesVersionAcked)}
                    {s.rulesVersion !== undefined && num(g.rulesVersionAcked) < num(s.rulesVersion) ? (
                      <span class="warn"> (behind v{num(s.rulesVersion)})</span>
                    ) : null}
                  </td>
                  <td>{fmtAgo(g.lastHeartbeatMs)}</td>
                  <td class="num">{fmtInt(g.eventsReceived)}</td>
                  <td class="num">{fmtInt(g.eventsDropped)}</td>
                </tr>
              ))}
              {gateways.data && gateways.data.items.length === 0 && (
                <tr>
                  <td colSpan={7} class="muted">
                    No gateway has reported yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}
