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
// @kubernetes/client-node (and ESM-only packages it loads) ship ES modules only: compiled to CommonJS for jest.
const esmPackages = ['@kubernetes/client-node', 'openid-client', 'oauth4webapi', 'jose'];
const swcJs = ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }];
const base = {
  transform: { '^.+\\.ts$': swc, '^.+\\.m?js$': swcJs },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper,
  testEnvironment: 'node',
};
module.exports = {
  testTimeout: 120_000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'] },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // Images need a container runtime configured: they run in `npm run test:docker`; the fault
      // tests run in `npm run test:resilience`.
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/test/resilience/',
        ...(process.env.RUNLET_RUNTIME === 'docker' ? [] : ['/test/images\\.e2e-spec\\.ts$']),
      ],
    },
    // A real Kubernetes cluster (KUBECONFIG): `npm run test:kubernetes` only, not part of `npm test`.
    { ...base, displayName: 'cluster', testMatch: ['<rootDir>/test/**/*.cluster-spec.ts'] },
    // Fault tests under load (role processes from dist/): `npm run test:resilience`.
    ...(process.env.RUNLET_TEST_RESILIENCE === '1'
      ? [{ ...base, displayName: 'resilience', testMatch: ['<rootDir>/test/resilience/*.e2e-spec.ts'] }]
      : []),
  ],
};
