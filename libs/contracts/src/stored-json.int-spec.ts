import fc from 'fast-check';
import { Client } from 'pg';
import { fromStored, fromStoredText, STORED_MARK, toStored, toStoredText } from './stored-json';
import { recreateTestDatabase } from '@runlet/testing';

const anyString = fc.string({
  unit: fc.oneof(
    fc.constantFrom('\u0000', STORED_MARK, '\ud800', '\udc00', '\ud83d\ude00'),
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  ),
});
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    anyString,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value')),
    fc.dictionary(anyString, tie('value')),
  ),
})).value;

describe('stored JSON through real PostgreSQL jsonb and text columns', () => {
  let client: Client;
  beforeAll(async () => {
    client = new Client({ connectionString: await recreateTestDatabase('stored_json') });
    await client.connect();
    await client.query(`CREATE TABLE stored (doc JSONB NOT NULL, line TEXT NOT NULL)`);
  });
  afterAll(() => client.end());

  it('any JSON value and any string come back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(anyJson, anyString, async (value, line) => {
        const [row] = (
          await client.query(`INSERT INTO stored (doc, line) VALUES ($1::jsonb, $2) RETURNING doc, line`, [
            JSON.stringify(toStored({ value })),
            toStoredText(line),
          ])
        ).rows;
        expect(fromStored(row.doc).value).toEqual(value);
        expect(fromStoredText(row.line)).toBe(line);
      }),
      { numRuns: 300 },
    );
  });
});
