import { registryRangeProblem } from './registry-dependencies.validator';

describe('registryRangeProblem', () => {
  it.each([
    '1.11.10',
    '^1.11.0',
    '~4.17',
    '>=1.2.3 <2',
    '1.x || 2.x',
    '*',
    '',
    'latest',
    'next',
    '1.0.0-beta.1',
    'v1.2.3',
  ])('accepts %p', (spec) => expect(registryRangeProblem('dayjs', spec)).toBeNull());

  it.each([
    'file:../x',
    'link:../x',
    'git+https://github.com/a/b.git',
    'git://github.com/a/b',
    'github:a/b',
    'a/b',
    'https://example.com/x.tgz',
    'npm:other@1',
    './local',
    '../up',
    '~/home',
  ])('refuses %p', (spec) =>
    expect(registryRangeProblem('dayjs', spec)).toMatch(/not a registry version or range/),
  );
});
