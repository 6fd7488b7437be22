import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { Nav } from '@/components/nav';
import { KEY_COOKIE } from '@/lib/server/upstream';

/** Every console page wants a signed-in user; the key itself never reaches the page. */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  if (!(await cookies()).get(KEY_COOKIE)?.value) redirect('/sign-in');
  return (
    <>
      <a href="#main" className="skip">
        Skip to content
      </a>
      <Nav />
      <main id="main">{children}</main>
    </>
  );
}
