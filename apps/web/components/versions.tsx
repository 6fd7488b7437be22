'use client';
import { useState } from 'react';
import { api, formatTime, useApi } from '@/lib/api';
import { DiffView } from './diff-view';
import type { ScriptDetail } from '@/lib/script-detail';
import { ErrorState } from './states';

interface Version {
  version: number;
  code: string;
  createdAt: string;
  actor: string | null;
}

/** Saved versions: a side-by-side diff of any two, and deploying any one. */
export function Versions({ script, onDeployed }: { script: ScriptDetail; onDeployed: () => void }) {
  const { data, error } = useApi<{ items: Version[] }>(
    `/scripts/${script.id}/versions?v=${script.latestVersion}`,
  );
  const [left, setLeft] = useState<number>();
  const [right, setRight] = useState<number>();
  const [actionError, setActionError] = useState<string>();
  const items = data?.items ?? [];
  const a = items.find((v) => v.version === (left ?? Math.max(1, script.latestVersion - 1)));
  const b = items.find((v) => v.version === (right ?? script.latestVersion));
  async function deploy(version: number) {
    setActionError(undefined);
    try {
      await api(`/scripts/${script.id}/deploy`, { method: 'POST', body: { version } });
      onDeployed();
    } catch (err) {
      setActionError((err as Error).message);
    }
  }
  return (
    <section aria-labelledby="versions-title" className="panel">
      <h2 id="versions-title">Versions</h2>
      {error && <ErrorState message={error} />}
      {actionError && <ErrorState message={actionError} />}
      <ul className="versions" data-testid="versions">
        {items.map((v) => (
          <li key={v.version}>
            <span>
              v{v.version} · {formatTime(v.createdAt)}
              {v.version === script.deployedVersion ? ' · deployed' : ''}
            </span>
            <button
              type="button"
              className="secondary"
              disabled={v.version === script.deployedVersion}
              onClick={() => void deploy(v.version)}
            >
              Deploy version {v.version}
            </button>
          </li>
        ))}
      </ul>
      {items.length > 1 && (
        <>
          <div className="row">
            <div className="field">
              <label htmlFor="diff-left">Compare</label>
              <select id="diff-left" value={a?.version} onChange={(e) => setLeft(Number(e.target.value))}>
                {items.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="diff-right">with</label>
              <select id="diff-right" value={b?.version} onChange={(e) => setRight(Number(e.target.value))}>
                {items.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {a && b && <DiffView left={a.code} right={b.code} label={`v${a.version} against v${b.version}`} />}
        </>
      )}
    </section>
  );
}
