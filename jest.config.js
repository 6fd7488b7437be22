// Three projects: pure unit tests, integration tests against the real PostgreSQL/Redis,
// and end-to-end tests that boot the platform. All run in one `npm test` (with a subset of the
// resilience suite, which `npm run test:resilience` runs whole).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const moduleNameMapper = {
  '^@runlet/(domain|event-store|read-models|contracts|runtime|logs|secrets|platform|executions|build|testing)$': '<rootDir>/libs/$1/src',
  '^@runlet/(api|builder|executor|scheduler)$': '<rootDir>/apps/$1/src',
  '^@runlet/(builder|executor|scheduler)/(.*)$': '<rootDir>/apps/$1/src/$2',
};
const base = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node' };
module.exports = {
  testTimeout: 120_000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'] },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/resilience/'],
    },
    // Fault tests under load (role processes from dist/): `npm run test:resilience`.
    ...(process.env.RUNLET_TEST_RESILIENCE === '1'
      ? [{ ...base, displayName: 'resilience', testMatch: ['<rootDir>/test/resilience/*.e2e-spec.ts'] }]
      : []),
  ],
};
