// Overview: the estate at a glance — endpoints by class, internal vs external, highest risk,
// exposure trend, gateways and their rules version.
import { api, num, type PostureSummary, type Summary } from '../lib/api.ts';
import { useAsync, useInterval } from '../lib/hooks.ts';
import { fmtAgo, fmtInt } from '../lib/format.ts';
import { BarList, LineChart } from '../components/charts.tsx';
import { navigate } from '../lib/router.ts';

/** Endpoints by class: posture counts shadow / zombie / orphaned; known = in a spec and in use. */
function classCounts(p: PostureSummary | undefined): Record<string, number | undefined> {
  if (!p) return {};
  const { shadow, zombie, orphaned } = p.classes;
  return { known: Math.max(0, p.endpoints - shadow - zombie), shadow, zombie, orphaned };
}

export function OverviewPage() {
  // Three small requests in parallel: the numbers paint as soon as /v1/summary answers.
  const summary = useAsync(() => api.summary(), []);
  const posture = useAsync(() => api.postureSummary(), []);
  const risky = useAsync(() => api.topRisk(5), []);
  const gateways = useAsync(() => api.gateways(), []);
  useInterval(() => {
    summary.reload();
    posture.reload();
    gateways.reload();
  }, 10_000);
  const s: Partial<Summary> = summary.data ?? {};
  const byClass = classCounts(posture.data);
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
          <h2>Last hour</h2>
          <p class="big" data-testid="requests-per-minute">
            {fmtInt(s.lastHour?.requestsPerMinute)}
            <span class="unit"> req/min</span>
          </p>
          <p class="muted">
            {fmtInt(s.lastHour?.requests)} requests · <span data-testid="blocked">{fmtInt(s.lastHour?.blocked)}</span> blocked ·{' '}
            {fmtInt(s.lastHour?.errors)} errors · {fmtInt(s.lastHour?.findings)} findings
          </p>
        </div>
        <div class="card">
          <h2>Highest risk</h2>
          {risky.error && <p class="muted">Risk scores are not available: {risky.error.message}</p>}
          <BarList
            label="Highest-risk endpoints"
            rows={(risky.data?.items ?? []).map((e) => ({
              key: e.id,
              label: `${e.key?.method} ${e.key?.host}${e.key?.pathTemplate}`,
              value: e.riskScore ?? 0,
            }))}
            onSelect={(id) => navigate(`/endpoints/${encodeURIComponent(id)}`)}
          />
        </div>
        <div class="card">
          <h2>Sensitive data by type</h2>
          <BarList
            label="Findings by type, last 24 hours"
            rows={(s.topFindingTypes ?? []).map((r) => ({ key: r.key, label: r.label, value: r.findings }))}
            onSelect={() => navigate('/exposure')}
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
