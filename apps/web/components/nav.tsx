'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect } from 'react';

const LINKS = [
  { href: '/scripts', label: 'Scripts' },
  { href: '/executions', label: 'Executions' },
  { href: '/audit', label: 'Audit' },
  { href: '/secrets', label: 'Secrets' },
];

export function Nav() {
  const path = usePathname();
  useHydratedMarker();
  async function signOut() {
    await fetch('/api/session', { method: 'DELETE' });
    window.location.assign('/sign-in?reason=signed-out');
  }
  return (
    <header className="top">
      <Link href="/scripts" className="brand">
        Runlet
      </Link>
      <nav aria-label="Main">
        <ul>
          {LINKS.map((l) => (
            <li key={l.href}>
              <Link href={l.href} aria-current={path.startsWith(l.href) ? 'page' : undefined}>
                {l.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <button type="button" className="secondary" onClick={signOut}>
        Sign out
      </button>
    </header>
  );
}

/** Marks the page as hydrated (typing before that is lost): the browser tests wait for it. */
export function useHydratedMarker() {
  useEffect(() => {
    document.body.dataset.hydrated = 'true';
  }, []);
}
