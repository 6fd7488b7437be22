'use client';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { api, useApi } from '@/lib/api';
import { BuildProgress } from './build-progress';
import { CodeEditor } from './code-editor';
import type { ScriptDetail } from '@/lib/script-detail';
import { packageTypesPath } from '@/lib/script-types';
import { ScriptSettings, type Settings } from './script-settings';
import { ErrorState, Loading, StatusBadge } from './states';
import { Triggers } from './triggers';
import { TryPanel } from './try-panel';
import { Versions } from './versions';

/** One script: editor, save with the build's progress, try-out, settings, versions, triggers. */
export function ScriptPage({ id }: { id: string }) {
  const { data: script, error, reload } = useApi<ScriptDetail>(`/scripts/${id}`);
  const [code, setCode] = useState<string>();
  const [settings, setSettings] = useState<Settings>();
  const [saveError, setSaveError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [watchVersion, setWatchVersion] = useState<number>();
  const [runSignal, setRunSignal] = useState(0);

  useEffect(() => {
    // The latest version's build is shown when the page opens: live while it runs (the first one,
    // after create), and its outcome when it finished first (a warm build can beat the page).
    const build = script?.build;
    if (
      build &&
      watchVersion === undefined &&
      (build.version ?? script.latestVersion) === script.latestVersion
    )
      setWatchVersion(build.version ?? script.latestVersion);
  }, [script, watchVersion]);

  useEffect(() => {
    if (script && code === undefined) setCode(script.code);
    if (script && settings === undefined)
      setSettings({
        timeoutMs: script.timeoutMs,
        memoryMb: script.memoryMb,
        network: script.network,
        secrets: script.secrets,
        maxAttempts: script.maxAttempts,
      });
  }, [script, code, settings]);

  async function save() {
    if (!script || code === undefined || saving) return;
    setSaving(true);
    setSaveError(undefined);
    try {
      const saved = await api<ScriptDetail & { version: number }>(`/scripts/${id}`, {
        method: 'PUT',
        body: { code, ...settings, expectedVersion: script.latestVersion },
      });
      setWatchVersion(saved.version);
      await reload();
    } catch (err) {
      setSaveError((err as Error).message);
    } finally {
      setSaving(false);
    }
  }

  if (error && !script) return <ErrorState message={error} />;
  if (!script || code === undefined || !settings) return <Loading what="the script" />;
  const dirty = code !== script.code;
  return (
    <article aria-labelledby="script-title">
      <div className="row spread">
        <h1 id="script-title">{script.name}</h1>
        <p className="meta">
          latest v{script.latestVersion} · deployed{' '}
          {script.deployedVersion ? `v${script.deployedVersion}` : '—'} · build{' '}
          <StatusBadge status={script.build?.status} />
        </p>
      </div>
      <p className="row">
        <Link href={`/executions?scriptId=${id}`}>Executions</Link>
        <Link href={`/audit?scriptId=${id}`}>History</Link>
      </p>
      <div className="split">
        <section aria-labelledby="code-title" className="panel">
          <h2 id="code-title">Code</h2>
          <CodeEditor
            path={`/scripts/${id}.ts`}
            value={code}
            onChange={setCode}
            onSave={() => void save()}
            onRun={() => setRunSignal((n) => n + 1)}
            label="Script code"
            packageTypes={packageTypesPath(script)}
          />
          <div className="row">
            <button type="button" onClick={() => void save()} disabled={saving}>
              {saving ? 'Saving…' : 'Save'}
            </button>
            <span className="hint">
              {dirty ? 'Unsaved changes · ' : ''}Ctrl/Cmd+S saves, Ctrl/Cmd+Enter runs
            </span>
          </div>
          {saveError && <ErrorState message={saveError} />}
          {watchVersion !== undefined && (
            <BuildProgress
              key={watchVersion}
              scriptId={id}
              version={watchVersion}
              onDone={() => void reload()}
            />
          )}
          <Dependencies
            key={`${script.latestVersion}-${script.build?.status}`}
            script={script}
            onUpgraded={(v) => (setWatchVersion(v), void reload())}
          />
        </section>
        <TryPanel code={code} language={script.language} settings={settings} runSignal={runSignal} />
      </div>
      <ScriptSettings value={settings} onChange={setSettings} />
      <Versions script={script} onDeployed={() => void reload()} />
      <Triggers scriptId={id} />
    </article>
  );
}

/** Pinned/declared dependencies and the last build's resolved versions, with an upgrade button. */
function Dependencies({
  script,
  onUpgraded,
}: {
  script: ScriptDetail;
  onUpgraded: (version: number) => void;
}) {
  const { data } = useApi<{
    items: {
      version: number;
      resolvedDependencies: Record<string, string>;
      changes: Record<string, { from: string | null; to: string | null }>;
    }[];
  }>(`/scripts/${script.id}/builds`);
  const [error, setError] = useState<string>();
  const last = data?.items[0];
  const resolved = last?.resolvedDependencies ?? {};
  async function upgrade() {
    try {
      const r = await api<{ version: number }>(`/scripts/${script.id}/dependencies/upgrade`, {
        method: 'POST',
        body: {},
      });
      onUpgraded(r.version);
    } catch (err) {
      setError((err as Error).message);
    }
  }
  const names = Object.keys(resolved);
  return (
    <section aria-labelledby="deps-title">
      <h3 id="deps-title">Dependencies</h3>
      {names.length === 0 ? (
        <p className="hint">No npm imports detected in the last build.</p>
      ) : (
        <ul data-testid="dependencies">
          {names.map((n) => (
            <li key={n}>
              <code>{n}</code> {resolved[n]}
              {last?.changes?.[n] ? ` (was ${last.changes[n].from ?? 'none'})` : ''}
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="secondary" onClick={() => void upgrade()}>
        Upgrade dependencies
      </button>
      {error && <ErrorState message={error} />}
    </section>
  );
}
