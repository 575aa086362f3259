// Log / Rate limit / Block in one click: publishes a rule through the API, shows the new rules
// version and which gateways acked it, and offers a one-click undo (rollback).
import { useState } from 'preact/hooks';
import { api, ApiError, num, type Gateway, type RuleVersion } from '../lib/api.ts';
import { useInterval } from '../lib/hooks.ts';
import { mitigationPolicy, withPolicy, type MitigationAction, type MitigationTarget, type RateLimitChoice } from '../lib/mitigation.ts';
import { signalToast } from '../lib/toasts.ts';

/** The current version with its source: the list leaves sources out, and a publish must keep
 * every policy and detector already there, not just the new one. */
async function latestVersion(): Promise<RuleVersion | undefined> {
  const page = await api.ruleVersions();
  const newest = [...page.items].sort((a, b) => num(b.version) - num(a.version))[0];
  return newest ? api.ruleVersion(newest.version) : undefined;
}

export function MitigationPanel({ target, canEdit }: { target: MitigationTarget; canEdit: boolean }) {
  const [rate, setRate] = useState<RateLimitChoice>({ rate: 10, periodSeconds: 1, key: 'RATE_LIMIT_KEY_CLIENT_IP' });
  const [busy, setBusy] = useState(false);
  const [published, setPublished] = useState<{ version: number; previous: number; action: MitigationAction }>();
  const [gateways, setGateways] = useState<Gateway[]>([]);
  const [error, setError] = useState<string>();

  useInterval(() => {
    if (published)
      api.gateways().then(
        (p) => setGateways(p.items),
        () => undefined,
      );
  }, 1000);

  async function apply(action: MitigationAction) {
    setBusy(true);
    setError(undefined);
    try {
      const current = await latestVersion();
      const policy = mitigationPolicy(action, target, rate);
      const next = withPolicy(current?.source ?? undefined, policy);
      const v = await api.publish(next, `${policy.name}`, current?.version ?? '0');
      setPublished({ version: num(v.version), previous: num(current?.version), action });
      signalToast.show(`Published rules version ${v.version}: ${policy.name}`, 'ok');
    } catch (e) {
      const msg =
        e instanceof ApiError && e.problem.errors?.length
          ? e.problem.errors.map((x) => `${x.path}: ${x.message}`).join('; ')
          : (e as Error).message;
      setError(msg);
    } finally {
      setBusy(false);
    }
  }

  async function undo() {
    if (!published) return;
    setBusy(true);
    try {
      if (published.previous > 0) {
        const v = await api.rollback(published.previous, `Undo dashboard ${published.action} on ${target.label}`);
        signalToast.show(`Rolled back: rules version ${v.version} restores version ${published.previous}`, 'ok');
        setPublished({ ...published, version: num(v.version) });
      } else {
        const v = await api.publish({ policies: [] }, `Undo dashboard ${published.action} on ${target.label}`, published.version);
        signalToast.show(`Undone: rules version ${v.version} has no dashboard rule`, 'ok');
        setPublished({ ...published, version: num(v.version) });
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const connected = gateways.filter((g) => g.connected);
  const acked = connected.filter((g) => published && num(g.rulesVersionAcked) >= published.version);
  return (
    <section class="panel" aria-label={`Mitigate ${target.label}`}>
      <h3>{target.label}</h3>
      {!canEdit && <p class="muted">Your role can view flows; an operator or admin can act on them.</p>}
      {canEdit && (
        <div class="actions">
          <button disabled={busy} onClick={() => apply('log')}>
            Log
          </button>
          <fieldset class="inline">
            <legend>Rate limit</legend>
            <label>
              Rate{' '}
              <input
                type="number"
                min={1}
                value={rate.rate}
                onInput={(e) => setRate({ ...rate, rate: Number((e.target as HTMLInputElement).value) })}
                style={{ width: '5em' }}
              />
            </label>
            <label>
              per{' '}
              <select
                value={rate.periodSeconds}
                onChange={(e) => setRate({ ...rate, periodSeconds: Number((e.target as HTMLSelectElement).value) })}
              >
                <option value={1}>second</option>
                <option value={60}>minute</option>
                <option value={3600}>hour</option>
              </select>
            </label>
            <label>
              key{' '}
              <select
                value={rate.key}
                onChange={(e) => setRate({ ...rate, key: (e.target as HTMLSelectElement).value as RateLimitChoice['key'] })}
              >
                <option value="RATE_LIMIT_KEY_CLIENT_IP">client IP</option>
                <option value="RATE_LIMIT_KEY_API_KEY">API key</option>
                <option value="RATE_LIMIT_KEY_GLOBAL">everyone</option>
              </select>
            </label>
            <button disabled={busy} onClick={() => apply('rate-limit')}>
              Rate limit
            </button>
          </fieldset>
          <button class="danger" disabled={busy} onClick={() => apply('block')}>
            Block
          </button>
        </div>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {published && (
        <div class="published" data-testid="published">
          <p>
            Rules version <strong data-testid="published-version">{published.version}</strong> published.{' '}
            <span data-testid="ack-status">
              {connected.length === 0
                ? 'No gateway connected.'
                : `Acked by ${acked.length} of ${connected.length} connected gateway${connected.length === 1 ? '' : 's'}.`}
            </span>
          </p>
          {canEdit && (
            <button disabled={busy} onClick={undo}>
              Undo
            </button>
          )}
        </div>
      )}
    </section>
  );
}
