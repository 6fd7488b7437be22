import type { GenericHmacOptions } from '@runlet/domain';
import {
  anyEqual,
  badSignature,
  deliveryIdOf,
  header,
  hmac,
  missing,
  ok,
  outsideTolerance,
  SignedRequest,
  unixSeconds,
  Verification,
  VerifierKeys,
} from './verification';

/** The signed string's parts around `{body}`, resolved per request; compiled once per trigger load. */
export interface CompiledTemplate {
  before: string;
  after: string;
}

export function compileTemplate(template: string): CompiledTemplate {
  const at = template.indexOf('{body}');
  return { before: template.slice(0, at), after: template.slice(at + '{body}'.length) };
}

const fill = (part: string, timestamp: string, id: string) =>
  part.replace(/\{timestamp\}/g, timestamp).replace(/\{id\}/g, id);

/** A configured signature: `<header>: <prefix><hex|base64 HMAC(secret, template)>`. */
export function verifyGenericHmac(
  req: SignedRequest,
  keys: VerifierKeys,
  options: GenericHmacOptions,
  template: CompiledTemplate,
  nowSeconds: number,
  toleranceSeconds: number,
): Verification {
  const value = header(req.headers, options.header);
  if (!value) return missing(options.header);
  let timestamp = '';
  if (options.timestampHeader) {
    timestamp = header(req.headers, options.timestampHeader) ?? '';
    if (!timestamp) return missing(options.timestampHeader);
    if (unixSeconds(timestamp) === null)
      return badSignature(`${options.timestampHeader} is not unix seconds`);
  }
  let id = '';
  if (options.idHeader) {
    id = header(req.headers, options.idHeader) ?? '';
    if (!id && template.before.concat(template.after).includes('{id}')) return missing(options.idHeader);
  }
  if (!value.startsWith(options.prefix))
    return badSignature(`${options.header} does not start with "${options.prefix}"`);
  const presented = Buffer.from(value.slice(options.prefix.length).trim(), options.encoding);
  const before = fill(template.before, timestamp, id);
  const after = fill(template.after, timestamp, id);
  const expected = keys.secrets.map((s) => hmac(options.algorithm, s, before, req.rawBody, after));
  if (!anyEqual(expected, [presented])) return badSignature(`${options.header} does not match the body`);
  if (options.timestampHeader) {
    const outside = outsideTolerance(
      unixSeconds(timestamp)!,
      nowSeconds,
      toleranceSeconds,
      options.timestampHeader,
    );
    if (outside) return outside;
  }
  return ok(deliveryIdOf(id));
}
