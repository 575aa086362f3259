// Rules: versions, diff, publish, rollback, and a custom detector editor with a live
// "test this pattern" box (the control plane compiles the pattern exactly as it would publish it).
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, num, type DetectorTestResult, type RuleSource } from '../lib/api.ts';
import { useAsync, useDebounced } from '../lib/hooks.ts';
import { fmtTime } from '../lib/format.ts';
import { signalToast } from '../lib/toasts.ts';

function errorsOf(e: unknown): string[] {
  if (e instanceof ApiError && e.problem.errors?.length) return e.problem.errors.map((x) => `${x.path}: ${x.message}`);
  return [(e as Error).message];
}

export function RulesPage({ canEdit }: { canEdit: boolean }) {
  const versions = useAsync(() => api.ruleVersions(), []);
  const sorted = [...(versions.data?.items ?? [])].sort((a, b) => num(b.version) - num(a.version));
  const latest = sorted[0];
  // The list leaves sources out: the editor starts from the current version's full source.
  const current = useAsync(() => (latest ? api.ruleVersion(latest.version) : Promise.resolve(undefined)), [latest?.version]);
  const [from, setFrom] = useState<string>();
  const [to, setTo] = useState<string>();
  const diff = useAsync(() => (from && to ? api.ruleDiff(from, to) : Promise.resolve(undefined)), [from, to]);
  const [text, setText] = useState('');
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  useEffect(() => {
    if (current.data && !text) setText(JSON.stringify(current.data.source ?? {}, null, 2));
  }, [current.data?.version]);

  async function publish(e: Event) {
    e.preventDefault();
    setErrors([]);
    let source: RuleSource;
    try {
      source = JSON.parse(text) as RuleSource;
    } catch (err) {
      setErrors([`$: not valid JSON (${(err as Error).message})`]);
      return;
    }
    try {
      const v = await api.publish(source, comment || 'Published from the dashboard', latest?.version ?? '0');
      signalToast.show(`Published rules version ${v.version}`, 'ok');
      setComment('');
      versions.reload();
    } catch (err) {
      setErrors(errorsOf(err));
    }
  }
  async function rollback(version: string) {
    try {
      const v = await api.rollback(version, `Rollback to version ${version} from the dashboard`);
      signalToast.show(`Rolled back: version ${v.version} restores ${version}`, 'ok');
      versions.reload();
    } catch (err) {
      signalToast.show(errorsOf(err).join('; '), 'error');
    }
  }
  return (
    <div class="page">
      <h1>Rules</h1>
      <div class="cards">
        <div class="card wide">
          <h2>Versions</h2>
          {versions.error && <p class="error">{versions.error.message}</p>}
          <table>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Published</th>
                <th scope="col">By</th>
                <th scope="col">Comment</th>
                <th scope="col">Diff</th>
                {canEdit && <th scope="col">Rollback</th>}
              </tr>
            </thead>
            <tbody>
              {sorted.map((v) => (
                <tr key={v.version}>
                  <td>
                    v{v.version}
                    {v === latest ? ' (current)' : ''}
                    {num(v.rolledBackFrom) ? <span class="muted"> ← v{v.rolledBackFrom}</span> : null}
                  </td>
                  <td>{fmtTime(num(v.publishedAtMs))}</td>
                  <td>{v.publishedBy}</td>
                  <td>{v.comment}</td>
                  <td>
                    <label class="sr-only" for={`from-${v.version}`}>
                      Diff from version {v.version}
                    </label>
                    <input
                      type="radio"
                      name="from"
                      id={`from-${v.version}`}
                      checked={from === v.version}
                      onChange={() => setFrom(v.version)}
                    />
                    <label class="sr-only" for={`to-${v.version}`}>
                      Diff to version {v.version}
                    </label>
                    <input type="radio" name="to" id={`to-${v.version}`} checked={to === v.version} onChange={() => setTo(v.version)} />
                  </td>
                  {canEdit && <td>{v !== latest && <button onClick={() => rollback(v.version)}>Roll back to v{v.version}</button>}</td>}
                </tr>
              ))}
            </tbody>
          </table>
          {from && to && (
            <pre class="code" aria-label={`Diff from version ${from} to ${to}`}>
              {diff.data ? JSON.stringify(diff.data, null, 2) : diff.error ? diff.error.message : '…'}
            </pre>
          )}
        </div>
        {canEdit && (
          <form class="card wide form" onSubmit={publish}>
            <h2>Publish</h2>
            <label for="source">Rule source (JSON)</label>
            <textarea
              id="source"
              rows={16}
              spellcheck={false}
              value={text}
              onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
            />
            <label>
              Comment <input value={comment} onInput={(e) => setComment((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit">Publish</button>
            {errors.length > 0 && (
              <ul class="error" role="alert">
                {errors.map((x) => (
                  <li key={x}>{x}</li>
                ))}
              </ul>
            )}
          </form>
        )}
        <DetectorTester />
      </div>
    </div>
  );
}

function DetectorTester() {
  const [pattern, setPattern] = useState('\\bEMP-\\d{6}\\b');
  const [flags, setFlags] = useState('');
  const [sample, setSample] = useState('{"employee":"EMP-123456","note":"ok"}');
  const [result, setResult] = useState<DetectorTestResult>();
  const p = useDebounced(pattern, 300);
  const s = useDebounced(sample, 300);
  const f = useDebounced(flags, 300);
  useEffect(() => {
    let live = true;
    api
      .testDetector(
        {
          id: 'custom_test',
          name: 'Test',
          pattern: p,
          flags: f,
          validator: 'VALIDATOR_NONE',
          severity: 'SEVERITY_MEDIUM',
          category: 'DATA_CATEGORY_PII',
        },
        s,
      )
      .then(
        (r) => live && setResult(r),
        (e) => live && setResult({ ok: false, errors: errorsOf(e).map((m) => ({ path: '$', message: m })) }),
      );
    return () => {
      live = false;
    };
  }, [p, s, f]);
  return (
    <section class="card wide" aria-label="Custom detector editor">
      <h2>Custom detector: test this pattern</h2>
      <label>
        Pattern (JavaScript regex, DFA subset){' '}
        <input class="mono" value={pattern} onInput={(e) => setPattern((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Flags <input value={flags} maxLength={1} style={{ width: '3em' }} onInput={(e) => setFlags((e.target as HTMLInputElement).value)} />
      </label>
      <label for="sample">Sample text</label>
      <textarea id="sample" rows={4} value={sample} onInput={(e) => setSample((e.target as HTMLTextAreaElement).value)} />
      <div aria-live="polite" data-testid="pattern-result">
        {result?.ok === false && (
          <ul class="error">
            {(result.errors ?? []).map((e) => (
              <li key={e.message}>
                {e.path}: {e.message}
              </li>
            ))}
          </ul>
        )}
        {result?.ok && (
          <p>
            {result.matches?.length ?? 0} match{(result.matches?.length ?? 0) === 1 ? '' : 'es'}
            {(result.matches ?? []).map((m) => (
              <code key={`${m.start}`} class="match">
                {' '}
                [{m.start}, {m.end}) {m.text}
              </code>
            ))}
          </p>
        )}
      </div>
    </section>
  );
}
