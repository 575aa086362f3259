// Login by API token: the token is checked against /v1/whoami and kept for this browser tab only.
import { useState } from 'preact/hooks';
import { api, type Identity } from '../lib/api.ts';

export function LoginPage({ onLogin }: { onLogin: (id: Identity) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    api.setToken(token.trim());
    try {
      onLogin(await api.whoami());
    } catch (err) {
      api.setToken('');
      setError((err as Error).message || 'Token refused');
    } finally {
      setBusy(false);
    }
  }
  return (
    <main class="login">
      <h1>Palisade</h1>
      <form onSubmit={submit}>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          required
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <p class="muted">
          Create one with <code>palisade token create --name you --role viewer</code>.
        </p>
      </form>
    </main>
  );
}
