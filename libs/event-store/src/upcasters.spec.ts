import { StoredEvent } from './types';
import { Upcasters } from './upcasters';

const stored = (type: string, schemaVersion: number, data: unknown): StoredEvent => ({
  position: 1,
  streamId: 's',
  streamVersion: 1,
  eventId: 'e',
  type,
  schemaVersion,
  data,
  metadata: { actor: 'a', correlationId: 'c', causationId: null },
  recordedAt: new Date(0),
});

describe('Upcasters', () => {
  const upcasters = new Upcasters([
    { type: 'Thing', fromVersion: 2, upcast: (d) => ({ ...d, c: d.b * 10 }) },
    { type: 'Thing', fromVersion: 1, upcast: (d) => ({ b: d.a + 1 }) },
  ]);

  it('reads an old event through every step up to its type current version', () => {
    expect(upcasters.apply(stored('Thing', 1, { a: 1 }))).toMatchObject({
      schemaVersion: 3,
      data: { b: 2, c: 20 },
    });
    expect(upcasters.apply(stored('Thing', 2, { b: 5 }))).toMatchObject({
      schemaVersion: 3,
      data: { b: 5, c: 50 },
    });
  });

  it('leaves current events and other types as they are (the same object)', () => {
    const current = stored('Thing', 3, { b: 1, c: 10 });
    expect(upcasters.apply(current)).toBe(current);
    const other = stored('Other', 1, { x: 1 });
    expect(upcasters.apply(other)).toBe(other);
  });

  it('new events are written in the latest version (1 for a type that never changed)', () => {
    expect(upcasters.currentVersion('Thing')).toBe(3);
    expect(upcasters.currentVersion('Other')).toBe(1);
  });

  it('refuses two upcasters for one type and version', () => {
    expect(
      () =>
        new Upcasters([
          { type: 'T', fromVersion: 1, upcast: (d) => d },
          { type: 'T', fromVersion: 1, upcast: (d) => d },
        ]),
    ).toThrow(/two upcasters for T@1/);
  });
});
