import { createHmac, generateKeyPairSync, sign as edSign } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import twilio from 'twilio';
import { discordPublicKey, verifyDiscord } from './discord';
import { compileTemplate, verifyGenericHmac } from './generic-hmac';
import { verifyGithub } from './github';
import { verifyGitlab } from './gitlab';
import { handshakeReply } from './handshakes';
import { verifyLinear } from './linear';
import { verifyBearerToken } from './runlet';
import { generateWebhookSecret } from './webhook-secret';
import { assertValidWebhookSecret } from '@runlet/domain';
import { verifyShopify } from './shopify';
import { verifySlack } from './slack';
import { verifyStandardWebhooks } from './standard-webhooks';
import { verifyStripe } from './stripe';
import { verifyTwilio } from './twilio';
import { anyEqual, sha256, SignedRequest, VerifierKeys } from './verification';

const NOW = 1_760_000_000;
const body = '{"id":"evt_1","n":1}';
const request = (
  headers: Record<string, string>,
  raw = body,
  extra: Partial<SignedRequest> = {},
): SignedRequest => ({
  headers,
  rawBody: Buffer.from(raw),
  publicUrl: 'https://runlet.example/hooks/t1',
  query: {},
  ...extra,
});
const keys = (...secrets: string[]): VerifierKeys => ({ secrets, tokenHashes: [] });
const hmacHex = (secret: string | Buffer, data: string) =>
  createHmac('sha256', secret).update(data).digest('hex');

describe('anyEqual', () => {
  it('matches any pair of equal length and content, nothing else', () => {
    const a = Buffer.from('abc');
    expect(anyEqual([Buffer.from('x'), a], [Buffer.from('abc')])).toBe(true);
    expect(anyEqual([a], [Buffer.from('abcd'), Buffer.from('abd')])).toBe(false);
    expect(anyEqual([], [a])).toBe(false);
  });
});

describe('verifyGithub', () => {
  const sig = (secret: string, raw = body) => `sha256=${hmacHex(secret, raw)}`;

  it('accepts any current secret and names the delivery', () => {
    const req = request({ 'x-hub-signature-256': sig('new'), 'x-github-delivery': 'd-1' });
    expect(verifyGithub(req, keys('old', 'new'))).toEqual({ ok: true, deliveryId: 'd-1' });
  });

  it('refuses a missing header, a malformed one and another body', () => {
    expect(verifyGithub(request({}), keys('s'))).toMatchObject({ reason: 'missing_header' });
    expect(verifyGithub(request({ 'x-hub-signature-256': 'sha1=00' }), keys('s'))).toMatchObject({
      reason: 'bad_signature',
    });
    const req = request({ 'x-hub-signature-256': sig('s', '{}') });
    expect(verifyGithub(req, keys('s'))).toMatchObject({ reason: 'bad_signature' });
  });
});

describe('verifyStripe (signed by stripe.webhooks.generateTestHeaderString)', () => {
  const header = (secret: string, timestamp = NOW) =>
    Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp });

  it('accepts any v1 of the header, names the event by its id', () => {
    const both = `${header('whsec_a')},v1=${hmacHex('whsec_b', `${NOW}.${body}`)}`;
    expect(verifyStripe(request({ 'stripe-signature': both }), keys('whsec_b'), NOW, 300)).toEqual({
      ok: true,
      deliveryId: 'evt_1',
    });
  });

  it('refuses outside the tolerance, in the past and the future', () => {
    for (const t of [NOW - 301, NOW + 301]) {
      expect(
        verifyStripe(request({ 'stripe-signature': header('whsec_a', t) }), keys('whsec_a'), NOW, 300),
      ).toMatchObject({
        reason: 'outside_tolerance',
      });
    }
    expect(
      verifyStripe(request({ 'stripe-signature': header('whsec_a', NOW - 299) }), keys('whsec_a'), NOW, 300)
        .ok,
    ).toBe(true);
  });

  it('refuses a header without t or v1, and another secret', () => {
    expect(verifyStripe(request({ 'stripe-signature': 'v1=00' }), keys('whsec_a'), NOW, 300)).toMatchObject({
      reason: 'bad_signature',
    });
    expect(
      verifyStripe(request({ 'stripe-signature': header('whsec_x') }), keys('whsec_a'), NOW, 300),
    ).toMatchObject({
      reason: 'bad_signature',
    });
  });
});

describe('verifyStandardWebhooks (signed by standardwebhooks Webhook.sign)', () => {
  const secret = `whsec_${Buffer.alloc(24, 9).toString('base64')}`;
  const headers = (t = NOW) => ({
    'webhook-id': 'msg_1',
    'webhook-timestamp': String(t),
    'webhook-signature': `v1a,ignored ${new StandardWebhook(secret).sign('msg_1', new Date(t * 1000), body)}`,
  });

  it('accepts a v1 of the space-separated list; the id names the delivery', () => {
    expect(verifyStandardWebhooks(request(headers()), keys(secret), NOW, 300)).toEqual({
      ok: true,
      deliveryId: 'msg_1',
    });
  });

  it('refuses a missing id, a stale timestamp and another body', () => {
    const { 'webhook-id': _id, ...noId } = headers();
    expect(verifyStandardWebhooks(request(noId), keys(secret), NOW, 300)).toMatchObject({
      reason: 'missing_header',
    });
    expect(verifyStandardWebhooks(request(headers(NOW - 400)), keys(secret), NOW, 300)).toMatchObject({
      reason: 'outside_tolerance',
    });
    expect(verifyStandardWebhooks(request(headers(), '{}'), keys(secret), NOW, 300)).toMatchObject({
      reason: 'bad_signature',
    });
  });
});

describe('verifySlack', () => {
  const headers = (secret: string, t = NOW, raw = body) => ({
    'x-slack-signature': `v0=${hmacHex(secret, `v0:${t}:${raw}`)}`,
    'x-slack-request-timestamp': String(t),
  });

  it('accepts the v0 signature; event_id names the delivery', () => {
    const raw = '{"event_id":"Ev1","type":"event_callback"}';
    expect(verifySlack(request(headers('s', NOW, raw), raw), keys('s'), NOW, 300)).toEqual({
      ok: true,
      deliveryId: 'Ev1',
    });
  });

  it('refuses a missing timestamp, a stale one, another secret', () => {
    const { 'x-slack-request-timestamp': _t, ...noTs } = headers('s');
    expect(verifySlack(request(noTs), keys('s'), NOW, 300)).toMatchObject({ reason: 'missing_header' });
    expect(verifySlack(request(headers('s', NOW - 301)), keys('s'), NOW, 300)).toMatchObject({
      reason: 'outside_tolerance',
    });
    expect(verifySlack(request(headers('x')), keys('s'), NOW, 300)).toMatchObject({
      reason: 'bad_signature',
    });
  });
});

describe('verifyShopify, verifyGitlab, verifyBearerToken', () => {
  it('Shopify: base64 HMAC of the body', () => {
    const sig = createHmac('sha256', 'app').update(body).digest('base64');
    expect(verifyShopify(request({ 'x-shopify-hmac-sha256': sig }), keys('app')).ok).toBe(true);
    expect(verifyShopify(request({ 'x-shopify-hmac-sha256': sig }, '{}'), keys('app')).ok).toBe(false);
  });

  it('GitLab: the token itself', () => {
    expect(verifyGitlab(request({ 'x-gitlab-token': 'tok-1' }), keys('tok-0', 'tok-1')).ok).toBe(true);
    expect(verifyGitlab(request({ 'x-gitlab-token': 'tok-2' }), keys('tok-1'))).toMatchObject({
      reason: 'bad_signature',
    });
  });

  it.each([
    ['a wrong token', 'Bearer nope'],
    ['another scheme', 'Basic tok-1'],
    ['the token without a scheme', 'tok-1'],
    ['an empty bearer', 'Bearer '],
  ])('Bearer tokens: rejects %s', (_case, authorization) => {
    expect(verifyBearerToken(request({ authorization }), keys('tok-1')).ok).toBe(false);
  });

  it('Bearer tokens: any current one, in any case of the scheme', () => {
    expect(verifyBearerToken(request({ authorization: 'bearer tok-1' }), keys('tok-0', 'tok-1')).ok).toBe(
      true,
    );
    expect(verifyBearerToken(request({ authorization: 'Bearer tok-1' }), keys()).ok).toBe(false);
  });

  it('Bearer tokens, also those recorded only as a hash', () => {
    const legacy: VerifierKeys = { secrets: [], tokenHashes: [sha256('old-token')] };
    expect(verifyBearerToken(request({ authorization: 'Bearer old-token' }), legacy).ok).toBe(true);
    expect(verifyBearerToken(request({ authorization: 'Bearer other' }), legacy).ok).toBe(false);
    expect(verifyBearerToken(request({}), legacy)).toMatchObject({ reason: 'missing_header' });
  });
});

describe('verifyTwilio (signed by twilio.getExpectedTwilioSignature)', () => {
  const url = 'https://runlet.example/hooks/t1?x=1';
  const form = 'To=%2B1555&From=%2B1666&Body=hi+there&Body=again';
  const params = { To: '+1555', From: '+1666', Body: ['hi there', 'again'] };

  it('signs the public URL and the sorted form parameters', () => {
    const sig = twilio.getExpectedTwilioSignature('token', url, params);
    const req = request(
      { 'x-twilio-signature': sig, 'content-type': 'application/x-www-form-urlencoded' },
      form,
      {
        publicUrl: url,
      },
    );
    expect(verifyTwilio(req, keys('token')).ok).toBe(true);
    expect(
      verifyTwilio({ ...req, publicUrl: 'https://elsewhere/hooks/t1?x=1' }, keys('token')),
    ).toMatchObject({
      reason: 'bad_signature',
    });
  });

  it('a JSON body is covered by bodySHA256 in the URL', () => {
    const hash = sha256(body).toString('hex');
    const signedUrl = `https://runlet.example/hooks/t1?bodySHA256=${hash}`;
    const sig = twilio.getExpectedTwilioSignature('token', signedUrl, {});
    const req = request({ 'x-twilio-signature': sig, 'content-type': 'application/json' }, body, {
      publicUrl: signedUrl,
      query: { bodySHA256: hash },
    });
    expect(verifyTwilio(req, keys('token')).ok).toBe(true);
    expect(verifyTwilio({ ...req, rawBody: Buffer.from('{}') }, keys('token'))).toMatchObject({
      reason: 'bad_signature',
    });
  });
});

describe('verifyLinear', () => {
  const raw = (ms: number) => JSON.stringify({ type: 'Issue', webhookTimestamp: ms });
  it("checks the signature, then the body's webhookTimestamp (ms)", () => {
    const fresh = raw(NOW * 1000 - 30_000);
    const stale = raw(NOW * 1000 - 61_000);
    const req = (r: string) => request({ 'linear-signature': hmacHex('lin', r), 'linear-delivery': 'D1' }, r);
    expect(verifyLinear(req(fresh), keys('lin'), NOW, 60)).toEqual({ ok: true, deliveryId: 'D1' });
    expect(verifyLinear(req(stale), keys('lin'), NOW, 60)).toMatchObject({ reason: 'outside_tolerance' });
    expect(verifyLinear(req('{"type":"Issue"}'), keys('lin'), NOW, 60)).toMatchObject({
      reason: 'bad_signature',
    });
  });
});

describe('verifyDiscord', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const rawKey = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  const headers = (t: number, raw = body) => ({
    'x-signature-timestamp': String(t),
    'x-signature-ed25519': edSign(null, Buffer.from(`${t}${raw}`), privateKey).toString('hex'),
  });

  it('verifies Ed25519 over timestamp + body with the hex public key', () => {
    const key = discordPublicKey(rawKey);
    expect(verifyDiscord(request(headers(NOW)), key, NOW, 300)).toEqual({ ok: true, deliveryId: 'evt_1' });
    expect(verifyDiscord(request(headers(NOW), '{}'), key, NOW, 300)).toMatchObject({
      reason: 'bad_signature',
    });
    expect(verifyDiscord(request(headers(NOW - 301)), key, NOW, 300)).toMatchObject({
      reason: 'outside_tolerance',
    });
  });
});

describe('verifyGenericHmac', () => {
  const options = {
    header: 'x-sig',
    algorithm: 'sha1' as const,
    encoding: 'base64' as const,
    prefix: 'sha1=',
    template: 'v1:{timestamp}:{id}:{body}',
    timestampHeader: 'x-ts',
    idHeader: 'x-id',
  };
  const template = compileTemplate(options.template);
  const headers = (t: number) => ({
    'x-sig': `sha1=${createHmac('sha1', 'k').update(`v1:${t}:D9:${body}`).digest('base64')}`,
    'x-ts': String(t),
    'x-id': 'D9',
  });

  it('signs the template with the configured algorithm, encoding and prefix', () => {
    expect(verifyGenericHmac(request(headers(NOW)), keys('k'), options, template, NOW, 300)).toEqual({
      ok: true,
      deliveryId: 'D9',
    });
    expect(
      verifyGenericHmac(request(headers(NOW - 400)), keys('k'), options, template, NOW, 300),
    ).toMatchObject({
      reason: 'outside_tolerance',
    });
    const noPrefix = { ...headers(NOW), 'x-sig': headers(NOW)['x-sig'].slice(5) };
    expect(verifyGenericHmac(request(noPrefix), keys('k'), options, template, NOW, 300)).toMatchObject({
      reason: 'bad_signature',
    });
  });
});

describe('handshakeReply', () => {
  it("answers Slack's url_verification and Discord's PING, nothing else", () => {
    expect(handshakeReply('slack', Buffer.from('{"type":"url_verification","challenge":"c1"}'))).toEqual({
      challenge: 'c1',
    });
    expect(handshakeReply('discord', Buffer.from('{"type":1,"id":"i"}'))).toEqual({ type: 1 });
    expect(handshakeReply('discord', Buffer.from('{"type":2}'))).toBeNull();
    expect(handshakeReply('github', Buffer.from('{"type":"url_verification","challenge":"c1"}'))).toBeNull();
  });
});

describe('generateWebhookSecret', () => {
  it('makes 32 random bytes in the format the sender expects to be given', () => {
    const plain = generateWebhookSecret('github');
    expect(plain).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateWebhookSecret('github')).not.toBe(plain);
    const whsec = generateWebhookSecret('standard-webhooks');
    expect(() => assertValidWebhookSecret('standard-webhooks', whsec)).not.toThrow();
    expect(Buffer.from(whsec.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret('stripe')).toMatch(/^whsec_/);
  });
});
