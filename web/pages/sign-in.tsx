import { useState } from 'preact/hooks';
import { login, useToken } from '../lib/api';
import { Problem } from '../components/problem';

/**
 * Local account (POST /api/v1/auth/login sets an HttpOnly cookie) or a pasted token from your
 * identity provider or `logagg token` (kept in memory only: a reload asks again).
 */
export function SignIn() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = (fn: () => Promise<void>) => async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const [user, setUser] = useState('');
  const [pass, setPass] = useState('');
  const [token, setToken] = useState('');
  return (
    <main class="sign-in">
      <h1>logagg</h1>
      <form onSubmit={run(() => login(user, pass))} aria-label="Sign in with an account">
        <h2>Sign in</h2>
        <label>
          User name
          <input name="username" autocomplete="username" required value={user} onInput={(e) => setUser(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input name="password" type="password" autocomplete="current-password" required value={pass} onInput={(e) => setPass(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <form onSubmit={run(() => useToken(token))} aria-label="Sign in with a token">
        <h2>Or paste a token</h2>
        <p class="hint">A JWT from your identity provider or <code>logagg token --role analyst</code>. It stays in this tab's memory only.</p>
        <label>
          Token
          <textarea name="token" rows={3} required spellcheck={false} value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={busy}>
          Use token
        </button>
      </form>
      <Problem error={error} />
    </main>
  );
}
