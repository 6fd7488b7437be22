// Three projects: pure unit tests, integration tests against the real PostgreSQL/Redis,
// and end-to-end tests that boot the platform. All run in one `npm test`.
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
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
