import { cookies } from 'next/headers';
import { NextResponse } from 'next/server';
import { apiBaseUrl, cookieOptions, KEY_COOKIE } from '@/lib/server/upstream';

/** Sign in: checks the key against the API, then keeps it in an httpOnly, SameSite=Strict cookie. */
export async function POST(request: Request) {
  const body = (await request.json().catch(() => null)) as { key?: unknown } | null;
  const key = typeof body?.key === 'string' ? body.key.trim() : '';
  if (!key) return NextResponse.json({ message: 'Enter an API key.' }, { status: 400 });
  let check: Response;
  try {
    check = await fetch(`${apiBaseUrl()}/api/v1/scripts?limit=1`, {
      headers: { authorization: `Bearer ${key}` },
      cache: 'no-store',
    });
  } catch {
    return NextResponse.json({ message: 'The Runlet API does not answer.' }, { status: 502 });
  }
  if (check.status === 401)
    return NextResponse.json({ message: 'This API key is unknown or revoked.' }, { status: 401 });
  if (!check.ok) return NextResponse.json({ message: `The API answered ${check.status}.` }, { status: 502 });
  (await cookies()).set(KEY_COOKIE, key, cookieOptions(request));
  return NextResponse.json({ signedIn: true });
}

/** Sign out: forgets the key. */
export async function DELETE(request: Request) {
  (await cookies()).set(KEY_COOKIE, '', { ...cookieOptions(request), maxAge: 0 });
  return new NextResponse(null, { status: 204 });
}
