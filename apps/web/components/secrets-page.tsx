'use client';
import { useState } from 'react';
import { api, formatTime, useApi } from '@/lib/api';
import { Empty, ErrorState, Loading } from './states';

interface Secret {
  name: string;
  updatedAt?: string;
  createdAt?: string;
}

const NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Secrets by name: set and delete; a value is sent once and never shown again. */
export function SecretsPage() {
  const { data, error, loading, reload } = useApi<{ items: Secret[] }>('/secrets');
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [formError, setFormError] = useState<string>();
  const [saved, setSaved] = useState<string>();
  async function save(e: React.FormEvent) {
    e.preventDefault();
    setFormError(undefined);
    setSaved(undefined);
    if (!NAME.test(name))
      return setFormError('A name is upper-case letters, digits and _, not starting with a digit.');
    try {
      await api(`/secrets/${encodeURIComponent(name)}`, { method: 'PUT', body: { value } });
      setSaved(`Saved ${name}.`);
      setName('');
      setValue('');
      await reload();
    } catch (err) {
      setFormError((err as Error).message);
    }
  }
  async function remove(n: string) {
    if (!confirm(`Delete the secret ${n}?`)) return;
    try {
      await api(`/secrets/${encodeURIComponent(n)}`, { method: 'DELETE' });
      await reload();
    } catch (err) {
      setFormError((err as Error).message);
    }
  }
  return (
    <section aria-labelledby="secrets-title">
      <h1 id="secrets-title">Secrets</h1>
      <p className="hint">A script reads the secrets it declares in its settings as ctx.secrets.NAME.</p>
      {error && <ErrorState message={error} />}
      {loading && !data && <Loading what="secrets" />}
      {data && data.items.length === 0 && <Empty>No secrets yet.</Empty>}
      <ul className="secrets" data-testid="secrets">
        {data?.items.map((s) => (
          <li key={s.name} className="row spread card">
            <span>
              <code>{s.name}</code> <span className="hint">{formatTime(s.updatedAt ?? s.createdAt)}</span>
            </span>
            <button
              type="button"
              className="danger"
              onClick={() => void remove(s.name)}
              aria-label={`Delete ${s.name}`}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={save} className="stack card" aria-labelledby="set-secret-title">
        <h2 id="set-secret-title">Set a secret</h2>
        <div className="field">
          <label htmlFor="secret-name">Name</label>
          <input id="secret-name" value={name} onChange={(e) => setName(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="secret-value">Value</label>
          <input
            id="secret-value"
            type="password"
            autoComplete="off"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            required
          />
        </div>
        {formError && <ErrorState message={formError} />}
        {saved && (
          <p className="notice" role="status">
            {saved}
          </p>
        )}
        <button type="submit">Save secret</button>
      </form>
    </section>
  );
}
