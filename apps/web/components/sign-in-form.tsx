'use client';
import { useState } from 'react';
import { useHydratedMarker } from './nav';

/** Posts the key to the console's session route, which keeps it in an httpOnly cookie. */
export function SignInForm() {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useHydratedMarker();
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const key = String(new FormData(e.currentTarget).get('key') ?? '');
    setBusy(true);
    setError(undefined);
    const res = await fetch('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key }),
    });
    setBusy(false);
    if (res.ok) window.location.assign('/scripts');
    else
      setError(((await res.json().catch(() => ({}))) as { message?: string }).message ?? 'Sign-in failed.');
  }
  return (
    <form onSubmit={submit} className="stack">
      <label htmlFor="key">API key</label>
      <input id="key" name="key" type="password" autoComplete="off" required autoFocus />
      {error && (
        <p className="state error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
