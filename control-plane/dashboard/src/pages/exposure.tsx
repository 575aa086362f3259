// Sensitive data exposure: by type, endpoint, status, client and country over time, with masked
// examples (never raw values — the gateways never send them) and a "notify" action.
import { useState } from 'preact/hooks';
import { api, num } from '../lib/api.ts';
import { useAsync } from '../lib/hooks.ts';
import { BarList, LineChart } from '../components/charts.tsx';
import { fmtTime } from '../lib/format.ts';
import { signalToast } from '../lib/toasts.ts';

export function ExposurePage({ canEdit }: { canEdit: boolean }) {
  const [windowMinutes, setWindow] = useState(1440);
  const [type, setType] = useState<string>();
  const [endpointId, setEndpoint] = useState<string>();
  const data = useAsync(() => api.exposure({ windowMinutes, type, endpointId }), [windowMinutes, type, endpointId]);
  const routes = useAsync(() => (canEdit ? api.alertRoutes() : Promise.resolve({ items: [] })), [canEdit]);
  const [routeId, setRouteId] = useState('');
  const rows = (list: { key: string; label: string; findings: number }[] | undefined) =>
    (list ?? []).map((r) => ({ key: r.key, label: r.label, value: r.findings }));
  async function notify() {
    const route = routeId || routes.data?.items[0]?.id;
    if (!route) return;
    const top = data.data?.byType.map((r) => `${r.label} ×${r.findings}`).join(', ') || 'no findings';
    const scope = [type && `type ${type}`, endpointId && `endpoint ${data.data?.byEndpoint[0]?.label ?? endpointId}`]
      .filter(Boolean)
      .join(', ');
    try {
      await api.notify(route, `Sensitive data exposure, last ${windowMinutes} min${scope ? ` (${scope})` : ''}: ${top}`);
      signalToast.show(`Sent to alert route ${route}`, 'ok');
    } catch (e) {
      signalToast.show(`Could not notify: ${(e as Error).message}`, 'error');
    }
  }
  return (
    <div class="page">
      <h1>Sensitive data exposure</h1>
      <div class="toolbar">
        <label>
          Window{' '}
          <select value={windowMinutes} onChange={(e) => setWindow(Number((e.target as HTMLSelectElement).value))}>
            <option value={60}>1 hour</option>
            <option value={1440}>24 hours</option>
            <option value={10080}>7 days</option>
          </select>
        </label>
        {type && (
          <button class="chip" onClick={() => setType(undefined)}>
            type: {type} ×
          </button>
        )}
        {endpointId && (
          <button class="chip" onClick={() => setEndpoint(undefined)}>
            endpoint filter ×
          </button>
        )}
        {canEdit && (routes.data?.items.length ?? 0) > 0 && (
          <>
            <label>
              Alert route{' '}
              <select value={routeId} onChange={(e) => setRouteId((e.target as HTMLSelectElement).value)}>
                {routes.data!.items.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name || r.id}
                  </option>
                ))}
              </select>
            </label>
            <button onClick={notify}>Notify</button>
          </>
        )}
        {canEdit && routes.data?.items.length === 0 && <span class="muted">Add an alert route to send notifications.</span>}
      </div>
      {data.error && <p class="error">Could not load exposure: {data.error.message}</p>}
      <LineChart
        label="Findings over time"
        series={(data.data?.series ?? []).map((p) => ({ t: p.t, findings: p.findings }))}
        keys={[{ key: 'findings', color: '#8a3ffc', name: 'findings' }]}
      />
      <div class="cards">
        <div class="card">
          <h2>By type</h2>
          <BarList label="Findings by type" rows={rows(data.data?.byType)} onSelect={setType} />
        </div>
        <div class="card">
          <h2>By endpoint</h2>
          <BarList label="Findings by endpoint" rows={rows(data.data?.byEndpoint)} onSelect={setEndpoint} />
        </div>
        <div class="card">
          <h2>By response code</h2>
          <BarList label="Findings by status" rows={rows(data.data?.byStatus)} />
        </div>
        <div class="card">
          <h2>By client</h2>
          <BarList label="Findings by client IP" rows={rows(data.data?.byClient)} />
        </div>
        <div class="card">
          <h2>By country</h2>
          <BarList label="Findings by client country" rows={rows(data.data?.byCountry)} />
        </div>
      </div>
      {data.data?.truncated && <p class="muted">Only the newest {data.data.eventsRead} events with findings were read.</p>}
      <h2>Masked examples</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Masked value</th>
            <th scope="col">Endpoint</th>
            <th scope="col">Status</th>
            <th scope="col">Where</th>
            <th scope="col">Client</th>
            <th scope="col">When</th>
          </tr>
        </thead>
        <tbody>
          {(data.data?.examples ?? []).map((x, i) => (
            <tr key={i}>
              <td>{x.type}</td>
              <td>
                <code>{x.masked}</code>
              </td>
              <td>{x.endpoint}</td>
              <td>{x.status ?? '—'}</td>
              <td>
                <code>{x.location || '—'}</code>
              </td>
              <td>{x.clientIp ?? '—'}</td>
              <td>{fmtTime(num(x.atMs))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
