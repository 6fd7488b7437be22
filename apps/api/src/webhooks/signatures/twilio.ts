import { parse as parseQuery } from 'node:querystring';
import {
  anyEqual,
  badSignature,
  deliveryIdOf,
  header,
  hmac,
  missing,
  ok,
  sha256,
  SignedRequest,
  Verification,
  VerifierKeys,
} from './verification';

/**
 * Twilio: `X-Twilio-Signature: <base64 HMAC-SHA1(auth token, url + sorted form params)>`, the URL
 * being the one Twilio called (RUNLET_PUBLIC_URL + path + query). A JSON body is instead covered by
 * the URL's `bodySHA256` (sha256 hex of the body). HMAC-SHA256 when Twilio's signature settings say so.
 */
export function verifyTwilio(req: SignedRequest, keys: VerifierKeys): Verification {
  const value = header(req.headers, 'x-twilio-signature');
  if (!value) return missing('X-Twilio-Signature');
  const settings = header(req.headers, 'x-twilio-webhooks-signature-settings') ?? '';
  const algorithm = /algorithm=HMAC_SHA256/i.test(settings) ? 'sha256' : 'sha1';
  const bodyHash = req.query.bodySHA256;
  let signed = req.publicUrl;
  if (typeof bodyHash === 'string') {
    if (!anyEqual([Buffer.from(sha256(req.rawBody).toString('hex'))], [Buffer.from(bodyHash)])) {
      return badSignature('bodySHA256 does not match the body');
    }
  } else if (isForm(header(req.headers, 'content-type'))) {
    signed += sortedParams(parseQuery(req.rawBody.toString('utf8')));
  }
  const presented = Buffer.from(value.trim(), 'base64');
  const expected = keys.secrets.map((s) => hmac(algorithm, s, Buffer.from(signed, 'utf8')));
  if (!anyEqual(expected, [presented])) {
    return badSignature(
      'X-Twilio-Signature does not match the URL and parameters (is RUNLET_PUBLIC_URL the URL Twilio calls?)',
    );
  }
  return ok(deliveryIdOf(header(req.headers, 'i-twilio-idempotency-token')));
}

const isForm = (contentType: string | undefined) =>
  !!contentType && contentType.toLowerCase().startsWith('application/x-www-form-urlencoded');

/** Twilio's signed form: each name followed by its value, names sorted, repeated values deduplicated and sorted. */
function sortedParams(params: Record<string, string | string[] | undefined>): string {
  let out = '';
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value ?? ''];
    for (const v of values) out += name + v;
  }
  return out;
}
