import 'server-only';

/** The cookie holding the API key: httpOnly and SameSite=Strict, so page JavaScript never sees it. */
export const KEY_COOKIE = 'runlet_key';

/** Where the API listens; the host (apps/runlet) sets it to its own port when it starts the console. */
export function apiBaseUrl(): string {
  return (process.env.RUNLET_API_URL ?? `http://127.0.0.1:${process.env.RUNLET_API_PORT ?? '8080'}`).replace(
    /\/+$/,
    '',
  );
}

/** The message a signed-out user reads on the sign-in page after the API refused the key. */
export const EXPIRED_MESSAGE = 'Your API key is no longer valid (revoked or expired). Sign in again.';

export function cookieOptions(request: Request) {
  return {
    httpOnly: true,
    sameSite: 'strict' as const,
    path: '/',
    secure:
      new URL(request.url).protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https',
  };
}
