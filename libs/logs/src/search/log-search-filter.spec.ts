import { InvalidLogSearch, likePattern, parseLogSearch, trigramIndexable } from './log-search-filter';

const fails = (params: Parameters<typeof parseLogSearch>[0]) => {
  try {
    parseLogSearch(params);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidLogSearch);
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('parseLogSearch', () => {
  it('parses every parameter; empty ones are absent', () => {
    expect(
      parseLogSearch({
        q: 'timeout',
        level: 'warn,error',
        from: '2025-01-01',
        to: '2025-01-31T12:30:00+01:00',
      }),
    ).toEqual({
      q: 'timeout',
      levels: ['warn', 'error'],
      from: new Date('2025-01-01T00:00:00Z'),
      to: new Date('2025-01-31T11:30:00Z'),
    });
    expect(parseLogSearch({ q: '', level: '', from: '', to: '' })).toEqual({});
  });

  it('refuses an unknown level, naming it and the valid ones', () => {
    expect(fails({ level: 'warn,fatal' })).toBe(
      'level must be one or more of debug, info, warn, error (comma-separated), got "fatal"',
    );
  });

  it('refuses malformed dates, dates that do not exist, and date-times without a zone', () => {
    for (const bad of [
      'yesterday',
      '2025-13-01',
      '2025-02-30',
      '2025-01-01T12:00:00',
      '2025-01-01T25:00Z',
      '1735689600000',
    ]) {
      expect(fails({ from: bad })).toBe(
        `from must be an ISO-8601 date (2025-01-31) or date-time with a time zone (2025-01-31T12:00:00Z), got ${JSON.stringify(bad)}`,
      );
    }
    expect(fails({ to: 'soon' })).toMatch(/^to must be an ISO-8601 date/);
  });

  it('refuses from after to', () => {
    expect(fails({ from: '2025-02-01', to: '2025-01-01' })).toBe(
      'from (2025-02-01T00:00:00.000Z) must not be after to (2025-01-01T00:00:00.000Z)',
    );
    expect(parseLogSearch({ from: '2025-01-01', to: '2025-01-01' }).from).toEqual(new Date('2025-01-01'));
  });

  it('refuses a q over 1000 characters', () => {
    expect(fails({ q: 'x'.repeat(1001) })).toBe('q must be at most 1000 characters, got 1001');
  });

  it('matches q literally: LIKE wildcards and the escape character match themselves', () => {
    expect(likePattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
  });

  it('knows which terms a trigram index can narrow', () => {
    expect(trigramIndexable('abc')).toBe(true);
    expect(trigramIndexable('ab')).toBe(false);
    expect(trigramIndexable('a-b-c')).toBe(false);
    expect(trigramIndexable('日本語')).toBe(true);
  });
});
