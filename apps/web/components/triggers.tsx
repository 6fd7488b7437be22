'use client';
import { useMemo, useState } from 'react';
import { api, formatTime, useApi } from '@/lib/api';
import { CronPreview } from './cron-preview';
import { Empty, ErrorState } from './states';

interface Trigger {
  id: string;
  type: 'cron' | 'http';
  paused: boolean;
  schedule?: string;
  timezone?: string;
  nextRunAt?: string | null;
  url?: string;
  auth?: string;
  mode?: string;
  lastFiredAt: string | null;
  fireCount: number;
  secret?: string;
}

/** Where each auth choice gets its secret and how the sender signs (shown when adding a webhook). */
const AUTH_HINTS: Record<string, string> = {
  none: 'Anyone who knows the URL can call it.',
  token: 'Callers send the secret as "Authorization: Bearer <secret>".',
  hmac: 'Callers sign "<unix seconds>.<raw body>" with HMAC-SHA256 and send "X-Runlet-Signature: t=<seconds>,v1=<hex>".',
  github:
    'In the repository: Settings → Webhooks → Add webhook. Paste the URL, choose "application/json", and paste the secret below into "Secret" (GitHub signs with X-Hub-Signature-256).',
  stripe:
    "In Stripe: Developers → Webhooks → Add endpoint with the URL, then paste the endpoint's signing secret (whsec_…) below (Stripe signs with Stripe-Signature).",
};
const PRESETS_WITH_OWN_SECRET = new Set(['github', 'stripe']);

export function Triggers({ scriptId }: { scriptId: string }) {
  const { data, error, reload } = useApi<{ items: Trigger[] }>(`/scripts/${scriptId}/triggers`);
  const [created, setCreated] = useState<Trigger>();
  const [actionError, setActionError] = useState<string>();
  async function act(fn: () => Promise<unknown>) {
    setActionError(undefined);
    try {
      await fn();
      await reload();
    } catch (err) {
      setActionError((err as Error).message);
    }
  }
  return (
    <section aria-labelledby="triggers-title" className="panel">
      <h2 id="triggers-title">Triggers</h2>
      {error && <ErrorState message={error} />}
      {actionError && <ErrorState message={actionError} />}
      {data && data.items.length === 0 && <Empty>No triggers: the script runs only by hand.</Empty>}
      <ul className="triggers" data-testid="triggers">
        {data?.items.map((t) => (
          <li key={t.id} className="card">
            <p>
              <strong>
                {t.type === 'cron' ? `cron ${t.schedule} (${t.timezone})` : `webhook (${t.auth}, ${t.mode})`}
              </strong>
              {t.paused ? ' · paused' : ''}
            </p>
            {t.type === 'http' && t.url && <CopyField label="Webhook URL" value={t.url} />}
            {t.type === 'cron' && <p>Next run: {formatTime(t.nextRunAt)}</p>}
            <p className="hint">
              Fired {t.fireCount} times · last {formatTime(t.lastFiredAt)}
            </p>
            <div className="row">
              <button
                type="button"
                className="secondary"
                onClick={() =>
                  act(() => api(`/triggers/${t.id}`, { method: 'PATCH', body: { paused: !t.paused } }))
                }
              >
                {t.paused ? 'Resume' : 'Pause'}
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() => act(() => api(`/triggers/${t.id}/run`, { method: 'POST', body: {} }))}
              >
                Run now
              </button>
              <button
                type="button"
                className="danger"
                onClick={() =>
                  confirm('Delete this trigger?') && act(() => api(`/triggers/${t.id}`, { method: 'DELETE' }))
                }
              >
                Delete
              </button>
            </div>
          </li>
        ))}
      </ul>
      {created && <SecretOnce trigger={created} />}
      <div className="split">
        <AddCron scriptId={scriptId} onAdded={() => void reload()} />
        <AddWebhook scriptId={scriptId} onAdded={(t) => (setCreated(t), void reload())} />
      </div>
    </section>
  );
}

function AddCron({ scriptId, onAdded }: { scriptId: string; onAdded: () => void }) {
  const [schedule, setSchedule] = useState('*/5 * * * *');
  const [timezone, setTimezone] = useState('UTC');
  const [error, setError] = useState<string>();
  const zones = useMemo(
    () => (typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []),
    [],
  );
  async function add(e: React.FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      await api(`/scripts/${scriptId}/triggers`, {
        method: 'POST',
        body: { type: 'cron', schedule, timezone },
      });
      onAdded();
    } catch (err) {
      setError((err as Error).message);
    }
  }
  return (
    <form onSubmit={add} className="stack card" aria-labelledby="add-cron-title">
      <h3 id="add-cron-title">Add a cron</h3>
      <div className="field">
        <label htmlFor="cron-schedule">Schedule (cron expression)</label>
        <input id="cron-schedule" value={schedule} onChange={(e) => setSchedule(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor="cron-timezone">Time zone</label>
        <input
          id="cron-timezone"
          list="zones"
          value={timezone}
          onChange={(e) => setTimezone(e.target.value)}
        />
        <datalist id="zones">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </div>
      <CronPreview schedule={schedule} timezone={timezone} />
      {error && <ErrorState message={error} />}
      <button type="submit">Add cron</button>
    </form>
  );
}

function AddWebhook({ scriptId, onAdded }: { scriptId: string; onAdded: (t: Trigger) => void }) {
  const [auth, setAuth] = useState('none');
  const [mode, setMode] = useState('sync');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string>();
  async function add(e: React.FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      const body: Record<string, unknown> = { type: 'http', auth, mode };
      if (PRESETS_WITH_OWN_SECRET.has(auth) && secret) body.secret = secret;
      onAdded(await api<Trigger>(`/scripts/${scriptId}/triggers`, { method: 'POST', body }));
      setSecret('');
    } catch (err) {
      setError((err as Error).message);
    }
  }
  return (
    <form onSubmit={add} className="stack card" aria-labelledby="add-hook-title">
      <h3 id="add-hook-title">Add a webhook</h3>
      <div className="field">
        <label htmlFor="hook-auth">Authentication</label>
        <select id="hook-auth" value={auth} onChange={(e) => setAuth(e.target.value)}>
          <option value="none">none</option>
          <option value="token">bearer token</option>
          <option value="hmac">HMAC signature (Runlet)</option>
          <option value="github">GitHub</option>
          <option value="stripe">Stripe</option>
        </select>
      </div>
      <p className="hint" data-testid="auth-hint">
        {AUTH_HINTS[auth]}
      </p>
      {PRESETS_WITH_OWN_SECRET.has(auth) && (
        <div className="field">
          <label htmlFor="hook-secret">Signing secret</label>
          <input
            id="hook-secret"
            type="password"
            autoComplete="off"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
          />
        </div>
      )}
      <div className="field">
        <label htmlFor="hook-mode">Mode</label>
        <select id="hook-mode" value={mode} onChange={(e) => setMode(e.target.value)}>
          <option value="sync">sync (the result is the response)</option>
          <option value="async">async (202 at once)</option>
        </select>
      </div>
      {error && <ErrorState message={error} />}
      <button type="submit">Add webhook</button>
    </form>
  );
}

/** A new webhook: its URL, its secret (shown this once) and a ready curl call. */
function SecretOnce({ trigger }: { trigger: Trigger }) {
  const curl = curlExample(trigger);
  return (
    <div className="card notice" role="status" data-testid="webhook-created">
      {trigger.url && <CopyField label="New webhook URL" value={trigger.url} />}
      {trigger.secret && (
        <>
          <p>
            <strong>Copy the secret now: it is not shown again.</strong>
          </p>
          <CopyField label="Secret" value={trigger.secret} />
        </>
      )}
      <CopyField label="curl example" value={curl} multiline />
    </div>
  );
}

export function curlExample(t: Trigger): string {
  const auth = t.auth === 'token' ? ` \\\n  -H 'authorization: Bearer ${t.secret ?? '<secret>'}'` : '';
  return `curl -s -X POST '${t.url}' \\\n  -H 'content-type: application/json'${auth} \\\n  -d '{"hello":"world"}'`;
}

function CopyField({ label, value, multiline }: { label: string; value: string; multiline?: boolean }) {
  const [copied, setCopied] = useState(false);
  const id = `copy-${label.replace(/\W+/g, '-').toLowerCase()}-${value.length}`;
  return (
    <div className="field copy">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        {multiline ? (
          <textarea id={id} readOnly value={value} rows={4} />
        ) : (
          <input id={id} readOnly value={value} />
        )}
        <button
          type="button"
          className="secondary"
          onClick={() =>
            navigator.clipboard?.writeText(value).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
