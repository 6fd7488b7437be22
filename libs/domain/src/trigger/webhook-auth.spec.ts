import { fold } from '../common/aggregate';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { CreateTrigger, decideTrigger, evolveTrigger, TriggerCommand, TriggerEvent } from './trigger';
import { assertValidWebhookSecret, toleranceOf } from './webhook-auth';

const http: CreateTrigger = { type: 'CreateTrigger', triggerId: 't1', scriptId: 's1', triggerType: 'http' };
const KEY = 'ab'.repeat(32);

const history = (...commands: TriggerCommand[]): TriggerEvent[] =>
  commands.reduce<TriggerEvent[]>(
    (events, command) => [...events, ...decideTrigger(command, fold(evolveTrigger, events))],
    [],
  );
const decide = (command: TriggerCommand, ...before: TriggerCommand[]) =>
  decideTrigger(command, fold(evolveTrigger, history(...before)));

describe('webhook presets in CreateTrigger', () => {
  it('records a preset with its options, defaults left to the scheme', () => {
    const [created] = decide({ ...http, auth: 'stripe', secretId: 'k1', toleranceSeconds: 600 });
    expect(created.data).toMatchObject({ auth: 'stripe', secretId: 'k1', toleranceSeconds: 600 });
    expect(toleranceOf('stripe')).toBe(300);
    expect(toleranceOf('linear')).toBe(60);
    expect(toleranceOf('github')).toBeNull();
  });

  it('refuses an unknown preset, naming the known ones', () => {
    expect(() => decide({ ...http, auth: 'paypal' as never })).toThrow(
      /auth must be one of 'none', 'token', 'hmac', 'github'/,
    );
  });

  it('checks toleranceSeconds: a whole number of seconds, only where a timestamp is signed', () => {
    expect(() => decide({ ...http, auth: 'stripe', secretId: 'k1', toleranceSeconds: 0 })).toThrow(
      'toleranceSeconds must be an integer between 1 and 604800, got 0',
    );
    expect(() => decide({ ...http, auth: 'stripe', secretId: 'k1', toleranceSeconds: 1.5 })).toThrow(
      ValidationError,
    );
    expect(() => decide({ ...http, auth: 'github', secretId: 'k1', toleranceSeconds: 60 })).toThrow(
      "toleranceSeconds does not apply to auth 'github': it signs no timestamp",
    );
  });

  it('discord needs a 32-byte hex publicKey and takes no secret; others take no publicKey', () => {
    const [created] = decide({ ...http, auth: 'discord', publicKey: KEY.toUpperCase() });
    expect(created.data).toMatchObject({ auth: 'discord', publicKey: KEY });
    expect(() => decide({ ...http, auth: 'discord' })).toThrow("auth 'discord' needs publicKey");
    expect(() => decide({ ...http, auth: 'discord', publicKey: 'abc' })).toThrow(/64 characters/);
    expect(() => decide({ ...http, auth: 'discord', publicKey: KEY, secretId: 'k1' })).toThrow(
      /takes publicKey/,
    );
    expect(() => decide({ ...http, auth: 'github', secretId: 'k1', publicKey: KEY })).toThrow(
      "publicKey applies to auth 'discord' only",
    );
  });

  it('generic hmac: fills defaults, lower-cases header names, checks every field', () => {
    const [created] = decide({ ...http, auth: 'hmac', secretId: 'k1', hmac: { header: 'X-Sig' } });
    expect(created.data).toMatchObject({
      hmac: { header: 'x-sig', algorithm: 'sha256', encoding: 'hex', prefix: '', template: '{body}' },
    });
    const bad = (hmac: unknown) => () => decide({ ...http, auth: 'hmac', secretId: 'k1', hmac });
    expect(bad({})).toThrow('hmac.header is required');
    expect(bad({ header: 'x sig' })).toThrow('hmac.header must be an HTTP header name, got "x sig"');
    expect(bad({ header: 'x', algorithm: 'md5' })).toThrow(
      "hmac.algorithm must be one of 'sha1', 'sha256', 'sha512'",
    );
    expect(bad({ header: 'x', encoding: 'base32' })).toThrow("hmac.encoding must be one of 'hex', 'base64'");
    expect(bad({ header: 'x', template: 'no body' })).toThrow(
      'hmac.template must contain {body} exactly once',
    );
    expect(bad({ header: 'x', template: '{user}.{body}' })).toThrow('not {user}');
    expect(bad({ header: 'x', template: '{timestamp}.{body}' })).toThrow(
      'hmac.timestampHeader must name its header',
    );
    expect(bad({ header: 'x', timestampHeader: 'x-ts' })).toThrow('does not sign {timestamp}');
    expect(bad({ header: 'x', template: '{id}.{body}' })).toThrow('hmac.idHeader must name its header');
    expect(bad({ header: 'x', colour: 'red' })).toThrow('hmac has unknown field colour');
    expect(bad('x-sig')).toThrow('hmac must be an object');
    expect(() => decide({ ...http, auth: 'github', secretId: 'k1', hmac: { header: 'x' } })).toThrow(
      "hmac options apply to auth 'hmac' only, not 'github'",
    );
    expect(() =>
      decide({ ...http, auth: 'hmac', secretId: 'k1', hmac: { header: 'x' }, toleranceSeconds: 30 }),
    ).toThrow('toleranceSeconds needs hmac.timestampHeader');
  });
});

describe('secrets: add, retire, and changing auth', () => {
  const github: CreateTrigger = { ...http, auth: 'github', secretId: 'k1' };

  it('adds secrets (both verify) and retires one, but never the last', () => {
    expect(decide({ type: 'AddTriggerSecret', secretId: 'k2' }, github)).toEqual([
      { type: 'TriggerSecretAdded', data: { triggerId: 't1', secretId: 'k2' } },
    ]);
    const two: TriggerCommand[] = [github, { type: 'AddTriggerSecret', secretId: 'k2' }];
    expect(fold(evolveTrigger, history(...two))!.secrets).toEqual([{ id: 'k1' }, { id: 'k2' }]);
    expect(decide({ type: 'RetireTriggerSecret', secretId: 'k1' }, ...two)).toEqual([
      { type: 'TriggerSecretRetired', data: { triggerId: 't1', secretId: 'k1' } },
    ]);
    expect(() => decide({ type: 'RetireTriggerSecret', secretId: 'k1' }, github)).toThrow(ConflictError);
    expect(() => decide({ type: 'RetireTriggerSecret', secretId: 'nope' }, github)).toThrow(NotFoundError);
    expect(() => decide({ type: 'AddTriggerSecret', secretId: 'k1' }, github)).toThrow(ConflictError);
    expect(() => decide({ type: 'AddTriggerSecret', secretId: 'k2' }, http)).toThrow(/no secret/);
  });

  it('holds at most 10 secrets', () => {
    const adds: TriggerCommand[] = [2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => ({
      type: 'AddTriggerSecret',
      secretId: `k${n}`,
    }));
    expect(() => decide({ type: 'AddTriggerSecret', secretId: 'k11' }, github, ...adds)).toThrow(
      /at most 10/,
    );
  });

  it('a new scheme starts from its defaults; a secret given replaces the old ones', () => {
    const events = decide({ type: 'UpdateTrigger', auth: 'stripe', secretId: 'k2' }, github);
    expect(events).toEqual([
      { type: 'TriggerUpdated', data: { triggerId: 't1', changes: { auth: 'stripe' } } },
      { type: 'TriggerSecretRetired', data: { triggerId: 't1', secretId: 'k1' } },
      { type: 'TriggerSecretAdded', data: { triggerId: 't1', secretId: 'k2' } },
    ]);
    // Keeping the secret is allowed; switching to a scheme without secrets retires them.
    expect(decide({ type: 'UpdateTrigger', auth: 'shopify' }, github)).toHaveLength(1);
    expect(decide({ type: 'UpdateTrigger', auth: 'none' }, github)).toEqual([
      { type: 'TriggerUpdated', data: { triggerId: 't1', changes: { auth: 'none' } } },
      { type: 'TriggerSecretRetired', data: { triggerId: 't1', secretId: 'k1' } },
    ]);
    expect(() => decide({ type: 'UpdateTrigger', auth: 'github' }, http)).toThrow(
      "auth 'github' needs a secret",
    );
    expect(() => decide({ type: 'UpdateTrigger', toleranceSeconds: 30 }, github)).toThrow(/github/);
    // Same scheme: options not given stay; null resets one.
    const stripe: TriggerCommand[] = [{ ...http, auth: 'stripe', secretId: 'k1', toleranceSeconds: 60 }];
    expect(decide({ type: 'UpdateTrigger', toleranceSeconds: null }, ...stripe)).toEqual([
      { type: 'TriggerUpdated', data: { triggerId: 't1', changes: { toleranceSeconds: null } } },
    ]);
    const reset = fold(evolveTrigger, history(...stripe, { type: 'UpdateTrigger', toleranceSeconds: null }))!;
    expect(reset.toleranceSeconds).toBeUndefined();
  });

  it('auth options on a cron trigger are refused', () => {
    const cron: CreateTrigger = { ...http, triggerType: 'cron', schedule: '* * * * *' };
    expect(() => decide({ type: 'UpdateTrigger', auth: 'github' }, cron)).toThrow(
      'auth applies to http triggers only',
    );
  });
});

describe('assertValidWebhookSecret', () => {
  it("checks a supplied secret against the sender's format", () => {
    expect(() => assertValidWebhookSecret('github', 'short')).toThrow('secret must be at least 8 characters');
    expect(() => assertValidWebhookSecret('github', ' padded-secret ')).toThrow(/whitespace/);
    expect(() => assertValidWebhookSecret('github', 42)).toThrow('secret must be a string');
    expect(() => assertValidWebhookSecret('standard-webhooks', 'not-a-whsec-secret')).toThrow(/whsec_/);
    expect(() =>
      assertValidWebhookSecret('standard-webhooks', 'whsec_' + Buffer.alloc(8).toString('base64')),
    ).toThrow(/16 to 64 bytes/);
    expect(() =>
      assertValidWebhookSecret('standard-webhooks', 'whsec_' + Buffer.alloc(24, 7).toString('base64')),
    ).not.toThrow();
    expect(() => assertValidWebhookSecret('discord', 'whatever-secret')).toThrow(/publicKey/);
    expect(() => assertValidWebhookSecret('stripe', 'whsec_anything_goes')).not.toThrow();
  });
});
