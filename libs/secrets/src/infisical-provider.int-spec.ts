import { InfisicalSecrets } from './infisical-provider';
import { InfisicalStandIn } from './test-infisical-stand-in';

describe('InfisicalSecrets with the real @infisical/sdk against an Infisical stand-in', () => {
  let standIn: InfisicalStandIn;
  const provider = (cacheTtlMs = 0) =>
    new InfisicalSecrets({
      siteUrl: standIn.url,
      clientId: standIn.clientId,
      clientSecret: standIn.clientSecret,
      projectId: standIn.projectId,
      environment: standIn.environment,
      secretPath: '/',
      cacheTtlMs,
    });

  beforeEach(async () => {
    standIn = await new InfisicalStandIn().start();
    standIn.set('DB_URL', 'postgres://u:p4ss@db/x');
    standIn.set('API_TOKEN', 'tok-123456');
  });
  afterEach(() => standIn.stop());

  it('stand-in: one secret by name, several through the list, absent ones left out', async () => {
    const infisical = provider();
    expect(await infisical.fetch(['DB_URL'])).toEqual(new Map([['DB_URL', 'postgres://u:p4ss@db/x']]));
    expect(await infisical.fetch(['DB_URL', 'API_TOKEN', 'NOPE'])).toEqual(
      new Map([
        ['DB_URL', 'postgres://u:p4ss@db/x'],
        ['API_TOKEN', 'tok-123456'],
      ]),
    );
    expect(await infisical.fetch(['NOPE'])).toEqual(new Map());
    expect(standIn.logins).toBe(1);
  });

  it('stand-in: an expired token → one new login, then the secret', async () => {
    const infisical = provider();
    await infisical.fetch(['DB_URL']);
    standIn.expireTokens();
    standIn.set('DB_URL', 'rotated-value');
    expect(await infisical.fetch(['DB_URL'])).toEqual(new Map([['DB_URL', 'rotated-value']]));
    expect(standIn.logins).toBe(2);
  });

  it('stand-in: a cached value is served without asking again until its TTL passes; TTL 0 asks every time', async () => {
    const cached = provider(60_000);
    await cached.fetch(['DB_URL']);
    await cached.fetch(['DB_URL']);
    expect(standIn.secretRequests).toBe(1);
    const uncached = provider(0);
    await uncached.fetch(['DB_URL']);
    await uncached.fetch(['DB_URL']);
    expect(standIn.secretRequests).toBe(3);
  });

  it('stand-in stopped → an error naming Infisical, not a wait for the SDK retries', async () => {
    const infisical = provider();
    await standIn.stop();
    await expect(infisical.fetch(['DB_URL'])).rejects.toThrow(/Infisical \(http:\/\/127\.0\.0\.1:\d+\)/);
  }, 10_000);

  it('stand-in: wrong credentials → an error naming Infisical and the refusal', async () => {
    const infisical = new InfisicalSecrets({
      siteUrl: standIn.url,
      clientId: 'wrong',
      clientSecret: 'wrong',
      projectId: standIn.projectId,
      environment: standIn.environment,
      secretPath: '/',
      cacheTtlMs: 0,
    });
    await expect(infisical.fetch(['DB_URL'])).rejects.toThrow(/Infisical .*Invalid credentials/);
  });
});
