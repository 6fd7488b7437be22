'use client';
import { useEffect, useRef } from 'react';
import { useApi } from '@/lib/api';
import { ErrorState, StatusBadge } from './states';

interface Build {
  id: string;
  version: number;
  status: string;
  error?: string;
  errorLocation?: { line: number; column: number };
  durationMs: number | null;
  log: { seq?: number; message: string }[];
}

/** The saved version's build as it goes (polled each second until it finished). */
export function BuildProgress({
  scriptId,
  version,
  onDone,
}: {
  scriptId: string;
  version: number;
  onDone: () => void;
}) {
  const doneRef = useRef(false);
  const { data, error } = useApi<{ items: Build[] }>(
    `/scripts/${scriptId}/builds`,
    doneRef.current ? undefined : 1000,
  );
  const build = data?.items.find((b) => b.version === version);
  const finished = build?.status === 'succeeded' || build?.status === 'failed';
  useEffect(() => {
    if (finished && !doneRef.current) {
      doneRef.current = true;
      onDone();
    }
  }, [finished, onDone]);
  return (
    <section aria-labelledby="build-title" className="build" aria-live="polite" data-testid="build-progress">
      <h3 id="build-title">
        Build of v{version}: <StatusBadge status={build?.status ?? 'pending'} />
        {build?.durationMs ? ` in ${build.durationMs} ms` : ''}
      </h3>
      {error && <ErrorState message={error} />}
      {build?.error && (
        <ErrorState
          message={`${build.error}${build.errorLocation ? ` (line ${build.errorLocation.line}, column ${build.errorLocation.column})` : ''}`}
        />
      )}
      {build && build.log.length > 0 && (
        <pre className="log" tabIndex={0} aria-label="Build log">
          {build.log.map((l) => l.message).join('\n')}
        </pre>
      )}
    </section>
  );
}
