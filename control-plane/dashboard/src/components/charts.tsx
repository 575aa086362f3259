// Small SVG charts: no chart library, a few hundred bytes each.
interface SeriesPoint {
  t: number;
  [k: string]: number;
}

export function LineChart({
  series,
  keys,
  height = 120,
  label,
}: {
  series: SeriesPoint[];
  keys: { key: string; color: string; name: string }[];
  height?: number;
  label: string;
}) {
  const width = 600;
  if (series.length === 0) return <p class="muted">No data in this window.</p>;
  const max = Math.max(1, ...series.flatMap((p) => keys.map((k) => p[k.key] ?? 0)));
  const x = (i: number) => (series.length === 1 ? width / 2 : (i / (series.length - 1)) * width);
  const y = (v: number) => height - 4 - (v / max) * (height - 8);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} preserveAspectRatio="none">
        {keys.map((k) => (
          <polyline
            key={k.key}
            fill="none"
            stroke={k.color}
            stroke-width="2"
            points={series.map((p, i) => `${x(i).toFixed(1)},${y(p[k.key] ?? 0).toFixed(1)}`).join(' ')}
          />
        ))}
      </svg>
      <figcaption>
        {keys.map((k) => (
          <span key={k.key} class="legend">
            <i style={{ background: k.color }} /> {k.name}
          </span>
        ))}
        <span class="muted"> max {max.toLocaleString('en-US')}</span>
      </figcaption>
    </figure>
  );
}

export function BarList({
  rows,
  label,
  onSelect,
}: {
  rows: { key: string; label: string; value: number }[];
  label: string;
  onSelect?: (key: string) => void;
}) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return (
    <ul class="barlist" aria-label={label}>
      {rows.map((r) => (
        <li key={r.key}>
          {onSelect ? (
            <button class="link" title={r.label} onClick={() => onSelect(r.key)}>
              {r.label}
            </button>
          ) : (
            <span title={r.label}>{r.label}</span>
          )}
          <span class="bar" style={{ width: `${(r.value / max) * 100}%` }} aria-hidden="true" />
          <span class="num">{r.value.toLocaleString('en-US')}</span>
        </li>
      ))}
      {rows.length === 0 && <li class="muted">Nothing yet.</li>}
    </ul>
  );
}
