import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/sign-in-form';
import { KEY_COOKIE } from '@/lib/server/upstream';

const REASONS: Record<string, string> = {
  expired: 'Your API key is no longer valid (revoked or expired). Sign in again.',
  'signed-out': 'You are signed out.',
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ reason?: string }> }) {
  const { reason } = await searchParams;
  if (!reason && (await cookies()).get(KEY_COOKIE)) redirect('/scripts');
  return (
    <main className="sign-in" id="main">
      <h1>Runlet</h1>
      <p>Sign in with an API key.</p>
      {reason && REASONS[reason] && (
        <p className="notice" role="status">
          {REASONS[reason]}
        </p>
      )}
      <SignInForm />
    </main>
  );
}
