'use client';
import cronstrue from 'cronstrue';
import { useEffect, useState } from 'react';
import { api } from '@/lib/api';

/** A readable description, and the next five runs in the chosen zone, as the user types. */
export function CronPreview({ schedule, timezone }: { schedule: string; timezone: string }) {
  const [runs, setRuns] = useState<string[]>([]);
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    if (!schedule.trim()) return;
    let stale = false;
    const t = setTimeout(() => {
      api<{ nextRuns: string[]; timezone: string }>('/schedules/preview', {
        method: 'POST',
        body: { schedule, timezone: timezone || 'UTC', count: 5 },
      }).then(
        (r) => !stale && (setRuns(r.nextRuns), setProblem(undefined)),
        (err) => !stale && (setRuns([]), setProblem((err as Error).message)),
      );
    }, 200);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [schedule, timezone]);
  const description = describe(schedule);
  return (
    <div aria-live="polite" data-testid="cron-preview">
      {description && <p className="cron-description">{description}</p>}
      {problem ? (
        <p className="state error" role="alert">
          {problem}
        </p>
      ) : (
        runs.length > 0 && (
          <>
            <p>Next runs ({timezone || 'UTC'}):</p>
            <ol className="next-runs">
              {runs.map((r) => (
                <li key={r}>{inZone(r, timezone || 'UTC')}</li>
              ))}
            </ol>
          </>
        )
      )}
    </div>
  );
}

function describe(schedule: string): string | undefined {
  if (!schedule.trim() || schedule.trim().startsWith('@')) return undefined;
  try {
    return cronstrue.toString(schedule, { use24HourTimeFormat: true });
  } catch {
    return undefined;
  }
}

export function inZone(iso: string, timeZone: string): string {
  try {
    return new Date(iso).toLocaleString('en-GB', { timeZone, dateStyle: 'full', timeStyle: 'long' });
  } catch {
    return iso;
  }
}
