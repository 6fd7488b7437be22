'use client';
import type { ReactNode } from 'react';

/** Loading, error (the API's message) and empty states, the same everywhere. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="state" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorState({ message }: { message: string }) {
  return (
    <p className="state error" role="alert">
      {message}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state empty">{children}</p>;
}

export function StatusBadge({ status }: { status: string | null | undefined }) {
  const s = status ?? 'none';
  return <span className={`badge badge-${s}`}>{s.replace('_', ' ')}</span>;
}
