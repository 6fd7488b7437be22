import { cookies } from 'next/headers';
import { NextResponse } from 'next/server';
import { apiBaseUrl, cookieOptions, EXPIRED_MESSAGE, KEY_COOKIE } from '@/lib/server/upstream';

/**
 * The console's only way to the API: `/api/proxy/<path>` → `<api>/api/v1/<path>` with the key from
 * the cookie added here, on the server. Bodies stream both ways, so SSE log tails pass through.
 * A 401 from the API means the key was revoked or expired: the cookie is cleared and the page
 * sends the user to sign-in with the message.
 */
async function forward(request: Request, { params }: { params: Promise<{ path: string[] }> }) {
  const jar = await cookies();
  const key = jar.get(KEY_COOKIE)?.value;
  if (!key) return NextResponse.json({ message: 'Sign in first.', signedOut: true }, { status: 401 });
  const { path } = await params;
  const url = `${apiBaseUrl()}/api/v1/${path.map(encodeURIComponent).join('/')}${new URL(request.url).search}`;
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  for (const name of ['content-type', 'accept', 'last-event-id', 'x-correlation-id']) {
    const value = request.headers.get(name);
    if (value) headers[name] = value;
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await fetch(url, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      cache: 'no-store',
      signal: request.signal,
    });
  } catch {
    return NextResponse.json({ message: 'The Runlet API does not answer.' }, { status: 502 });
  }
  if (upstream.status === 401) {
    jar.set(KEY_COOKIE, '', { ...cookieOptions(request), maxAge: 0 });
    return NextResponse.json({ message: EXPIRED_MESSAGE, signedOut: true }, { status: 401 });
  }
  const out = new Headers();
  // x-accel-buffering: a reverse proxy in front of the console must not buffer a log stream either.
  for (const name of [
    'content-type',
    'cache-control',
    'retry-after',
    'x-runlet-execution-id',
    'x-accel-buffering',
  ]) {
    const value = upstream.headers.get(name);
    if (value) out.set(name, value);
  }
  if (!out.has('cache-control')) out.set('cache-control', 'no-store');
  return new Response(upstream.status === 204 ? null : upstream.body, {
    status: upstream.status,
    headers: out,
  });
}

export const GET = forward;
export const POST = forward;
export const PUT = forward;
export const PATCH = forward;
export const DELETE = forward;
export const dynamic = 'force-dynamic';
