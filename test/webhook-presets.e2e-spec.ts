import { isValidSlackRequest } from '@slack/bolt';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import nacl from 'tweetnacl';
import twilio from 'twilio';
import { Database, EventStore } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { encryptSecret, signatureHeader } from '../apps/api/src/webhooks/http';
import { PlatformKey } from '../apps/api/src/triggers/platform-key';
import { linearVerify, octokitSign } from './support/esm-webhook-libs';
import { createBuiltScript, startPlatform, TestPlatform } from './support/platform';

/**
 * Each sender's deliveries are signed by the sender's own library (GitHub's @octokit/webhooks-methods,
 * Stripe's, Standard Webhooks' and Svix's, Twilio's, tweetnacl for Discord's Ed25519); Slack and Linear
 * publish verifiers, not signers, so their documented HMAC is computed here and cross-checked with
 * @slack/bolt's and @linear/sdk's verifiers before it is sent.
 */
const SCRIPT = `export default async function (event) {
  return { echoed: event.http.body, trigger: event.trigger.id };
}`;

const now = () => Math.floor(Date.now() / 1000);
const STALE = 3600; // an hour old: outside every default tolerance
const whsec = () => `whsec_${Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64')}`;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

interface Delivery {
  body: string;
  headers: Record<string, string>;
}

/** A sender: how it is set up in Runlet and how it signs one delivery. */
interface Sender {
  auth: string;
  /** a fresh secret in the sender's own format */
  secret: () => string;
  /** a payload of this sender (with a fresh delivery id where the id is in the body) */
  payload: () => string;
  /** the delivery as the sender would make it; `age` seconds in the past */
  sign: (secret: string, body: string, age: number) => Delivery;
  signsTimestamp: boolean;
  /** false for GitLab's secret token, which is sent as is and covers no body */
  signsBody?: false;
  contentType?: string;
}

let p: TestPlatform;
const hookUrl = (id: string) => `${p.url}/hooks/${id}`;

const senders: Sender[] = [
  {
    auth: 'github',
    secret: () => `gh-${randomUUID()}`,
    payload: () => JSON.stringify({ action: 'opened', number: Math.random() }),
    sign: (secret, body) => ({
      body,
      headers: {
        'x-hub-signature-256': octokitSign(secret, body),
        'x-github-delivery': randomUUID(),
        'x-github-event': 'pull_request',
      },
    }),
    signsTimestamp: false,
  },
  {
    auth: 'stripe',
    secret: () => `whsec_${randomUUID().replace(/-/g, '')}`,
    payload: () => JSON.stringify({ id: `evt_${randomUUID()}`, object: 'event', type: 'charge.succeeded' }),
    sign: (secret, payload, age) => ({
      body: payload,
      headers: {
        'stripe-signature': Stripe.webhooks.generateTestHeaderString({
          payload,
          secret,
          timestamp: now() - age,
        }),
      },
    }),
    signsTimestamp: true,
  },
  {
    auth: 'standard-webhooks',
    secret: whsec,
    payload: () => JSON.stringify({ type: 'invoice.paid', n: Math.random() }),
    sign: (secret, body, age) => {
      const id = `msg_${randomUUID()}`;
      const at = new Date((now() - age) * 1000);
      return {
        body,
        headers: {
          'webhook-id': id,
          'webhook-timestamp': String(now() - age),
          'webhook-signature': new StandardWebhook(secret).sign(id, at, body),
        },
      };
    },
    signsTimestamp: true,
  },
  {
    // Svix signs the same scheme under its own header names.
    auth: 'standard-webhooks',
    secret: whsec,
    payload: () => JSON.stringify({ type: 'user.created', n: Math.random() }),
    sign: (secret, body, age) => {
      const id = `msg_${randomUUID()}`;
      return {
        body,
        headers: {
          'svix-id': id,
          'svix-timestamp': String(now() - age),
          'svix-signature': new SvixWebhook(secret).sign(id, new Date((now() - age) * 1000), body),
        },
      };
    },
    signsTimestamp: true,
  },
  {
    auth: 'slack',
    secret: () => randomUUID().replace(/-/g, ''),
    payload: () =>
      JSON.stringify({ type: 'event_callback', event_id: `Ev${randomUUID()}`, event: { type: 'message' } }),
    sign: (secret, body, age) => {
      const ts = now() - age;
      const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
      const headers = { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts };
      // Slack's own verifier agrees (it also refuses stale timestamps, so only fresh ones are checked).
      if (age === 0 && !isValidSlackRequest({ signingSecret: secret, body, headers })) {
        throw new Error('@slack/bolt does not accept the Slack signature computed here');
      }
      return { body, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(ts) } };
    },
    signsTimestamp: true,
  },
  {
    auth: 'shopify',
    secret: () => `shpss_${randomUUID()}`,
    payload: () => JSON.stringify({ id: Math.random(), topic: 'orders/create' }),
    sign: (secret, body) => ({
      body,
      headers: {
        'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
        'x-shopify-webhook-id': randomUUID(),
      },
    }),
    signsTimestamp: false,
  },
  {
    auth: 'twilio',
    secret: () => randomUUID().replace(/-/g, ''),
    contentType: 'application/x-www-form-urlencoded',
    payload: () =>
      new URLSearchParams({ From: '+15551234567', Body: `hi ${Math.random()}`, SmsSid: 'SM1' }).toString(),
    sign: (secret, body) => ({
      body,
      headers: {
        'x-twilio-signature': twilio.getExpectedTwilioSignature(
          secret,
          hookUrl(current.id),
          Object.fromEntries(new URLSearchParams(body)),
        ),
        'i-twilio-idempotency-token': randomUUID(),
      },
    }),
    signsTimestamp: false,
  },
  {
    auth: 'linear',
    secret: () => `lin_wh_${randomUUID()}`,
    payload: () => JSON.stringify({ action: 'create', type: 'Issue', webhookTimestamp: Date.now() }),
    sign: (secret, payload, age) => {
      const body = age
        ? JSON.stringify({ ...JSON.parse(payload), webhookTimestamp: Date.now() - age * 1000 })
        : payload;
      const signature = createHmac('sha256', secret).update(body).digest('hex');
      if (age === 0 && !linearVerify(secret, body, signature)) {
        throw new Error("@linear/sdk's verifier does not accept the Linear signature computed here");
      }
      return { body, headers: { 'linear-signature': signature, 'linear-delivery': randomUUID() } };
    },
    signsTimestamp: true,
  },
  {
    auth: 'gitlab',
    secret: () => `glwt-${randomUUID()}`,
    payload: () => JSON.stringify({ object_kind: 'push', n: Math.random() }),
    sign: (secret, body) => ({
      body,
      headers: { 'x-gitlab-token': secret, 'x-gitlab-event-uuid': randomUUID() },
    }),
    signsTimestamp: false,
    signsBody: false,
  },
  {
    auth: 'hmac',
    secret: () => `own-${randomUUID()}`,
    payload: () => JSON.stringify({ n: Math.random() }),
    sign: (secret, body, age) => {
      const ts = String(now() - age);
      const id = randomUUID();
      const mac = createHmac('sha512', secret).update(`${ts}.${id}.${body}`).digest('base64');
      return { body, headers: { 'x-signature': `sha512=${mac}`, 'x-timestamp': ts, 'x-delivery': id } };
    },
    signsTimestamp: true,
  },
];
const GENERIC_HMAC = {
  header: 'X-Signature',
  algorithm: 'sha512',
  encoding: 'base64',
  prefix: 'sha512=',
  template: '{timestamp}.{id}.{body}',
  timestampHeader: 'X-Timestamp',
  idHeader: 'X-Delivery',
};

/** The trigger of the sender under test (Twilio signs its URL). */
let current: { id: string };

const send = (triggerId: string, delivery: Delivery, contentType = 'application/json') =>
  fetch(hookUrl(triggerId), {
    method: 'POST',
    headers: { 'content-type': contentType, ...delivery.headers },
    body: delivery.body,
  });

const executionsOf = async (triggerId: string) =>
  (await p.api('GET', `/api/v1/executions?triggerId=${triggerId}&limit=100`)).body.items as unknown[];

describe("webhook signature presets, signed by the senders' own libraries (platform on real PostgreSQL, Redis, bwrap)", () => {
  let scriptId: string;

  beforeAll(async () => {
    p = await startPlatform('webhook_presets', { roles: ['api', 'builder', 'executor'] });
    scriptId = await createBuiltScript(p, { name: 'presets', code: SCRIPT, language: 'javascript' });
  });
  afterAll(() => p.close());

  const create = async (body: Record<string, unknown>) => {
    const res = await p.api('POST', `/api/v1/scripts/${scriptId}/triggers`, { type: 'http', ...body });
    expect(res.status).toBe(201);
    return res.body;
  };

  describe.each(senders.map((s, i) => [`${s.auth}${i === 3 ? ' (svix)' : ''}`, s] as const))(
    '%s',
    (_name, sender) => {
      it('valid → 200 with the result; tampered, stale, wrong secret → 401; rotation with both secrets, then retiring', async () => {
        const first = sender.secret();
        const trigger = await create({
          auth: sender.auth,
          secret: first,
          ...(sender.auth === 'hmac' ? { hmac: GENERIC_HMAC } : {}),
        });
        current = trigger;
        expect(trigger.secret).toBeUndefined(); // supplied, so not echoed
        const ct = sender.contentType;

        const payload = sender.payload();
        const ok = await send(trigger.id, sender.sign(first, payload, 0), ct);
        expect(ok.status).toBe(200);
        const result = await ok.json();
        expect(result.trigger).toBe(trigger.id);
        expect(result.echoed).toEqual(
          ct ? Object.fromEntries(new URLSearchParams(payload)) : JSON.parse(payload),
        );
        // The execution's recorded request carries no secret (GitLab's token is sent as is).
        const executionId = ok.headers.get('x-runlet-execution-id');
        const recorded = await p.api('GET', `/api/v1/events?stream=execution-${executionId}`);
        expect(recorded.body.items.map((e: any) => e.type)).toContain('ExecutionQueued');
        expect(JSON.stringify(recorded.body.items)).not.toContain(first);

        if (sender.signsBody !== false) {
          const signed = sender.sign(first, payload, 0);
          const tamperedBody = ct
            ? `${signed.body}&Extra=1`
            : JSON.stringify({ ...JSON.parse(signed.body), extra: 1 });
          const tampered = await send(trigger.id, { ...signed, body: tamperedBody }, ct);
          expect(tampered.status).toBe(401);
          expect((await tampered.json()).message).toMatch(/^bad signature/);
        }

        if (sender.signsTimestamp) {
          const stale = await send(trigger.id, sender.sign(first, sender.payload(), STALE), ct);
          expect(stale.status).toBe(401);
          expect((await stale.json()).message).toMatch(/outside the \d+ s tolerance/);
        }

        const wrong = await send(trigger.id, sender.sign(sender.secret(), sender.payload(), 0), ct);
        expect(wrong.status).toBe(401);

        // Rotation: a second secret; both verify.
        const second = sender.secret();
        const added = await p.api('POST', `/api/v1/triggers/${trigger.id}/secrets`, { secret: second });
        expect(added.status).toBe(201);
        expect(added.body.secret).toBeUndefined();
        for (const secret of [first, second]) {
          expect((await send(trigger.id, sender.sign(secret, sender.payload(), 0), ct)).status).toBe(200);
        }
        const listed = await p.api('GET', `/api/v1/triggers/${trigger.id}/secrets`);
        expect(listed.body.items.map((s: any) => s.id)).toHaveLength(2);
        expect(JSON.stringify(listed.body)).not.toContain(first);
        const firstId = listed.body.items.find((s: any) => s.id !== added.body.id).id;

        // Retiring the first: it is refused from now on, the second still verifies.
        expect((await p.api('DELETE', `/api/v1/triggers/${trigger.id}/secrets/${firstId}`)).status).toBe(204);
        const retired = await send(trigger.id, sender.sign(first, sender.payload(), 0), ct);
        expect(retired.status).toBe(401);
        expect((await send(trigger.id, sender.sign(second, sender.payload(), 0), ct)).status).toBe(200);

        // The retired secret's box is gone from the vault; deleting the trigger removes the rest.
        const boxes = async () =>
          (
            await p.app
              .get(Database)
              .query(`SELECT secret_id FROM trigger_secret_vault WHERE trigger_id = $1`, [trigger.id])
          ).map((r: any) => r.secret_id);
        expect(await boxes()).toEqual([added.body.id]);

        // No secret in any of the trigger's events, only ids.
        const events = await p.api('GET', `/api/v1/events?stream=trigger-${trigger.id}`);
        const text = JSON.stringify(events.body.items);
        expect(text).not.toContain(first);
        expect(text).not.toContain(second);
        expect(events.body.items.map((e: any) => e.type)).toEqual([
          'TriggerCreated',
          'TriggerSecretAdded',
          'TriggerSecretRetired',
        ]);
        expect((await p.api('DELETE', `/api/v1/triggers/${trigger.id}`)).status).toBe(204);
        expect(await boxes()).toEqual([]);
      });
    },
  );

  describe('discord', () => {
    const keyPair = () => nacl.sign.keyPair();
    const sign = (secretKey: Uint8Array, body: string, age = 0): Delivery => {
      const timestamp = String(now() - age);
      const signature = nacl.sign.detached(Buffer.from(timestamp + body), secretKey);
      return { body, headers: { 'x-signature-ed25519': hex(signature), 'x-signature-timestamp': timestamp } };
    };
    const interaction = (type: number) => JSON.stringify({ id: randomUUID(), type, data: { name: 'hello' } });

    it('valid → 200 with the result; tampered, stale, another key → 401; a new public key replaces the old', async () => {
      const keys = keyPair();
      const trigger = await create({ auth: 'discord', publicKey: hex(keys.publicKey) });
      const body = interaction(2);
      const ok = await send(trigger.id, sign(keys.secretKey, body));
      expect(ok.status).toBe(200);
      expect((await ok.json()).echoed).toEqual(JSON.parse(body));
      const signed = sign(keys.secretKey, interaction(2));
      expect((await send(trigger.id, { ...signed, body: interaction(2) })).status).toBe(401);
      const stale = await send(trigger.id, sign(keys.secretKey, interaction(2), STALE));
      expect(stale.status).toBe(401);
      expect((await stale.json()).message).toMatch(/tolerance/);
      const other = keyPair();
      expect((await send(trigger.id, sign(other.secretKey, interaction(2)))).status).toBe(401);

      const patched = await p.api('PATCH', `/api/v1/triggers/${trigger.id}`, {
        publicKey: hex(other.publicKey),
      });
      expect(patched.status).toBe(200);
      expect((await send(trigger.id, sign(other.secretKey, interaction(2)))).status).toBe(200);
      expect((await send(trigger.id, sign(keys.secretKey, interaction(2)))).status).toBe(401);
    });

    it('a PING is answered {"type":1} without running the script; an unsigned one is refused', async () => {
      const keys = keyPair();
      const trigger = await create({ auth: 'discord', publicKey: hex(keys.publicKey) });
      const ping = await send(trigger.id, sign(keys.secretKey, interaction(1)));
      expect(ping.status).toBe(200);
      expect(await ping.json()).toEqual({ type: 1 });
      expect(
        (
          await send(trigger.id, {
            body: interaction(1),
            headers: { 'x-signature-timestamp': String(now()) },
          })
        ).status,
      ).toBe(401);
      expect(await executionsOf(trigger.id)).toHaveLength(0);
    });
  });

  it("Slack's url_verification challenge is answered without running the script", async () => {
    const sender = senders.find((s) => s.auth === 'slack')!;
    const secret = sender.secret();
    const trigger = await create({ auth: 'slack', secret });
    const body = JSON.stringify({ token: 'x', challenge: 'c-123', type: 'url_verification' });
    const res = await send(trigger.id, sender.sign(secret, body, 0));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'c-123' });
    expect(await executionsOf(trigger.id)).toHaveLength(0);
  });

  it('the same delivery twice inside the tolerance → one execution (GitHub, Stripe, Standard Webhooks, Slack)', async () => {
    for (const auth of ['github', 'stripe', 'standard-webhooks', 'slack']) {
      const sender = senders.find((s) => s.auth === auth)!;
      const secret = sender.secret();
      const trigger = await create({ auth, secret });
      current = trigger;
      const delivery = sender.sign(secret, sender.payload(), 0);
      const a = await send(trigger.id, delivery);
      // Slack's retry repeats the event with its retry headers.
      const again =
        auth === 'slack'
          ? { ...delivery, headers: { ...delivery.headers, 'x-slack-retry-num': '1' } }
          : delivery;
      const b = await send(trigger.id, again);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(b.headers.get('x-runlet-execution-id')).toBe(a.headers.get('x-runlet-execution-id'));
      expect(await executionsOf(trigger.id)).toHaveLength(1);
      // Another delivery is another execution.
      expect((await send(trigger.id, sender.sign(secret, sender.payload(), 0))).status).toBe(200);
      expect(await executionsOf(trigger.id)).toHaveLength(2);
    }
  });

  it('a generated secret is answered once and works; PATCH switches a trigger to a preset', async () => {
    const github = senders[0];
    const trigger = await create({ auth: 'github' });
    expect(typeof trigger.secret).toBe('string');
    expect((await p.api('GET', `/api/v1/triggers/${trigger.id}`)).body.secret).toBeUndefined();
    expect((await send(trigger.id, github.sign(trigger.secret, github.payload(), 0))).status).toBe(200);

    const open = await create({});
    const stripe = senders[1];
    const secret = stripe.secret();
    const patched = await p.api('PATCH', `/api/v1/triggers/${open.id}`, {
      auth: 'stripe',
      secret,
      toleranceSeconds: 60,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ auth: 'stripe', toleranceSeconds: 60 });
    expect((await send(open.id, { body: '{}', headers: {} })).status).toBe(401);
    expect((await send(open.id, stripe.sign(secret, stripe.payload(), 0))).status).toBe(200);
    // 2 minutes old: inside Stripe's default 300 s, outside this trigger's 60 s.
    const older = await send(open.id, stripe.sign(secret, stripe.payload(), 120));
    expect(older.status).toBe(401);
    expect((await older.json()).message).toMatch(/outside the 60 s tolerance/);
    // A timestamp from the future is as suspect as one from the past.
    expect((await send(open.id, stripe.sign(secret, stripe.payload(), -120))).status).toBe(401);

    const generated = await p.api('PATCH', `/api/v1/triggers/${open.id}`, { auth: 'none' });
    expect(generated.status).toBe(200);
    const toShopify = await p.api('PATCH', `/api/v1/triggers/${open.id}`, { auth: 'shopify' });
    expect(toShopify.status).toBe(200);
    expect(typeof toShopify.body.secret).toBe('string');
    expect((await send(open.id, senders[5].sign(toShopify.body.secret, '{"a":1}', 0))).status).toBe(200);
  });

  it('a failed verification says which check failed, and is counted per trigger and reason', async () => {
    const trigger = await create({ auth: 'github', secret: 'a-github-secret' });
    const missing = await send(trigger.id, { body: '{}', headers: {} });
    expect(missing.status).toBe(401);
    expect((await missing.json()).message).toBe('missing header X-Hub-Signature-256');
    const bad = await send(trigger.id, {
      body: '{}',
      headers: { 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) },
    });
    expect((await bad.json()).message).toBe('bad signature: X-Hub-Signature-256 does not match the body');
    const metrics = await (await fetch(`${p.url}/metrics`)).text();
    expect(metrics).toContain(
      `runlet_webhook_verification_failures_total{trigger="${trigger.id}",reason="missing_header"} 1`,
    );
    expect(metrics).toContain(
      `runlet_webhook_verification_failures_total{trigger="${trigger.id}",reason="bad_signature"} 1`,
    );
  });

  it('triggers recorded before secrets had ids (secret in the event) keep verifying, and can be rotated', async () => {
    const legacy = async (auth: 'hmac' | 'token', secret: string, key = p.app.get(PlatformKey).key) => {
      const triggerId = `legacy${randomUUID().replace(/-/g, '')}`;
      const appended = await p.app.get(EventStore).append({
        streamId: `trigger-${triggerId}`,
        expectedVersion: 0,
        events: [
          {
            type: 'TriggerCreated',
            data: {
              triggerId,
              scriptId,
              triggerType: 'http',
              overlap: 'allow',
              catchUp: 'latest',
              auth,
              mode: 'sync',
              secretHash: createHash('sha256').update(secret).digest('hex'),
              ...(auth === 'hmac' ? { secretBox: encryptSecret(secret, key, triggerId) } : {}),
            },
          },
        ],
        metadata: { actor: 'test', correlationId: triggerId, causationId: null },
      });
      await p.app.get(ProjectionRunnerService).waitFor(appended.position);
      return triggerId;
    };
    const hmacId = await legacy('hmac', 'old-hmac-secret');
    const raw = '{"legacy":true}';
    const signed = (secret: string): Delivery => ({
      body: raw,
      headers: { 'x-runlet-signature': signatureHeader(secret, now(), Buffer.from(raw)) },
    });
    expect((await send(hmacId, signed('old-hmac-secret'))).status).toBe(200);
    expect((await send(hmacId, signed('another-secret'))).status).toBe(401);
    const rotated = await p.api('POST', `/api/v1/triggers/${hmacId}/rotate-secret`, { graceSeconds: 60 });
    expect(rotated.status).toBe(201);
    for (const secret of ['old-hmac-secret', rotated.body.secret]) {
      expect((await send(hmacId, signed(secret))).status).toBe(200);
    }
    const ids = (await p.api('GET', `/api/v1/triggers/${hmacId}/secrets`)).body.items.map((x: any) => x.id);
    expect(ids).toEqual(expect.arrayContaining(['legacy', rotated.body.secretId]));

    // A box the platform key cannot open (RUNLET_SECRET_KEY changed): refused, not a server error.
    const unreadable = await legacy('hmac', 'another-key-secret', Buffer.alloc(32, 1));
    const refused = await send(unreadable, signed('another-key-secret'));
    expect(refused.status).toBe(401);
    expect((await refused.json()).message).toMatch(/^bad signature/);

    const tokenId = await legacy('token', 'old-token-value');
    const bearer = (token: string): Delivery => ({
      body: '{}',
      headers: { authorization: `Bearer ${token}` },
    });
    expect((await send(tokenId, bearer('old-token-value'))).status).toBe(200);
    expect((await send(tokenId, bearer('wrong-token'))).status).toBe(401);
  });

  it('bad settings → 400 with a precise message, and nothing is created', async () => {
    const bad = async (body: Record<string, unknown>, message: string | RegExp) => {
      const res = await p.api('POST', `/api/v1/scripts/${scriptId}/triggers`, { type: 'http', ...body });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(message);
    };
    const before = (await p.api('GET', `/api/v1/scripts/${scriptId}/triggers`)).body.items.length;
    await bad({ auth: 'paypal' }, /auth must be one of/);
    await bad({ auth: 'discord' }, "auth 'discord' needs publicKey");
    await bad({ auth: 'discord', publicKey: 'xyz' }, /64 characters/);
    await bad({ auth: 'none', secret: 'abcdefghij' }, "auth 'none' takes no secret");
    await bad({ auth: 'github', toleranceSeconds: 30 }, "toleranceSeconds does not apply to auth 'github'");
    await bad({ auth: 'stripe', toleranceSeconds: -1 }, /toleranceSeconds must be an integer between 1 and/);
    await bad({ auth: 'standard-webhooks', secret: 'plain-secret' }, /whsec_/);
    await bad({ auth: 'hmac', hmac: { header: 'x-sig', algorithm: 'md5' } }, /hmac.algorithm must be one of/);
    await bad(
      { auth: 'hmac', hmac: { header: 'x-sig', template: '{body}', timestampHeader: 'x-ts' } },
      /does not sign/,
    );
    await bad({ auth: 'github', secret: 'short' }, 'secret must be at least 8 characters');
    expect((await p.api('GET', `/api/v1/scripts/${scriptId}/triggers`)).body.items.length).toBe(before);
    const trigger = await create({ auth: 'github', secret: 'a-github-secret' });
    const [only] = (await p.api('GET', `/api/v1/triggers/${trigger.id}/secrets`)).body.items;
    const last = await p.api('DELETE', `/api/v1/triggers/${trigger.id}/secrets/${only.id}`);
    expect(last.status).toBe(409);
    expect(last.body.message).toMatch(/last secret/);
    expect((await p.api('DELETE', `/api/v1/triggers/${trigger.id}/secrets/nope`)).status).toBe(404);
  });
});
