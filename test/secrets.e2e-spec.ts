import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '@runlet/event-store';
import { findInDatabase } from '@runlet/testing';
import { startPlatform, TestPlatform } from './support/platform';

const VALUE = 'e2e-S3cret"value\\with/escapes+ü';

describe('builtin secrets over HTTP (platform on real PostgreSQL, Redis and bwrap)', () => {
  let p: TestPlatform;
  let db: Database;
  beforeAll(async () => {
    p = await startPlatform('secrets', { roles: ['api', 'builder', 'executor'] });
    db = new Database({ url: p.config.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.close();
    await p.close();
  });

  it('PUT sets a version, GET lists names and versions only, DELETE removes; the events carry name and version only', async () => {
    const set = await p.api('PUT', '/api/v1/secrets/API_TOKEN', { value: VALUE });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ name: 'API_TOKEN', version: 1, updatedAt: expect.any(String) });
    expect((await p.api('PUT', '/api/v1/secrets/API_TOKEN', { value: `${VALUE}-2` })).body.version).toBe(2);
    const list = await p.api('GET', '/api/v1/secrets');
    expect(list.body.items).toEqual([
      {
        name: 'API_TOKEN',
        version: 2,
        updatedAt: expect.any(String),
        updatedBy: expect.stringMatching(/^apikey:/),
      },
    ]);
    expect(JSON.stringify(list.body)).not.toContain(VALUE);
    expect((await p.api('DELETE', '/api/v1/secrets/API_TOKEN')).status).toBe(204);
    expect((await p.api('GET', '/api/v1/secrets')).body.items).toEqual([]);
    const events = await p.api('GET', '/api/v1/events?stream=secret-API_TOKEN');
    expect(events.body.items.map((e: any) => [e.type, e.data])).toEqual([
      ['SecretSet', { name: 'API_TOKEN', version: 1 }],
      ['SecretSet', { name: 'API_TOKEN', version: 2 }],
      ['SecretDeleted', { name: 'API_TOKEN', version: 3 }],
    ]);
    expect(events.body.items[0].metadata.actor).toMatch(/^apikey:/);
  });

  it('bad names and values are a 400 naming the rule; deleting an unknown secret a 404', async () => {
    const lower = await p.api('PUT', '/api/v1/secrets/lower', { value: 'x' });
    expect(lower.status).toBe(400);
    expect(lower.body.message).toMatch(/must match \^\[A-Z_\]\[A-Z0-9_\]\*\$/);
    expect((await p.api('PUT', '/api/v1/secrets/1ST', { value: 'x' })).status).toBe(400);
    const nul = await p.api('PUT', '/api/v1/secrets/A%00B', { value: 'x' }); // refused before any SQL
    expect([400, 404]).toContain(nul.status);
    expect((await p.api('DELETE', `/api/v1/secrets/${'A'.repeat(5000)}`)).status).toBe(400);
    expect((await p.api('PUT', '/api/v1/secrets/OK', {})).status).toBe(400);
    expect((await p.api('PUT', '/api/v1/secrets/OK', { value: '' })).status).toBe(400);
    expect((await p.api('PUT', '/api/v1/secrets/OK', { value: 5 })).status).toBe(400);
    const missing = await p.api('DELETE', '/api/v1/secrets/NEVER_SET');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('secret NEVER_SET not found');
  });

  it('a try-out declaring a secret reads it, masked in everything stored; one that does not declare it gets nothing; the database holds the value nowhere', async () => {
    await p.api('PUT', '/api/v1/secrets/TRY_SECRET', { value: VALUE });
    const code = `export default async (event, ctx) => {
  console.log('token', ctx.secrets.TRY_SECRET, Buffer.from('x' + ctx.secrets.TRY_SECRET).toString('base64'));
  return { token: ctx.secrets.TRY_SECRET, keys: Object.keys(ctx.secrets), length: ctx.secrets.TRY_SECRET?.length };
}`;
    const declared = await p.api('POST', '/api/v1/try', { code, secrets: ['TRY_SECRET'] });
    expect(declared.body).toMatchObject({
      status: 'succeeded',
      result: { token: '***', keys: ['TRY_SECRET'], length: VALUE.length },
    });
    expect(declared.body.logs.map((l: any) => l.message)).toEqual([
      'token *** eG***', // 'eG' encodes the 'x' before it (and 4 bits of the secret's first byte)
    ]);
    const undeclared = await p.api('POST', '/api/v1/try', {
      code: 'export default (e, ctx) => Object.keys(ctx.secrets)',
    });
    expect(undeclared.body).toMatchObject({ status: 'succeeded', result: [] });
    const missing = await p.api('POST', '/api/v1/try', { code, secrets: ['builtin:NOT_THERE'] });
    expect(missing.body).toMatchObject({
      status: 'failed',
      error: { message: '[runlet] secret builtin:NOT_THERE not found (looked in builtin)' },
    });
    const needles = [
      VALUE,
      JSON.stringify(VALUE).slice(1, -1),
      Buffer.from(VALUE).toString('base64').slice(0, -2),
    ];
    expect(await findInDatabase(db, needles)).toEqual([]);
  });

  it('a try-out declaring a name that is not a secret reference is a 400', async () => {
    const res = await p.api('POST', '/api/v1/try', { code: 'export default () => 1', secrets: ['vault:X'] });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toMatch(/builtin:GITHUB_TOKEN or infisical:GITHUB_TOKEN/);
  });

  it('without RUNLET_MASTER_KEY the master key is generated once into the data dir, readable only by its owner', () => {
    expect(statSync(join(p.config.dataDir, 'master.key')).mode & 0o777).toBe(0o600);
  });
});
