// Imports flow one way: apps → libs. `npm run lint:deps` checks the tree against these rules;
// test/architecture/dependency-rules.e2e-spec.ts checks each rule against fixture trees.
// Paths are relative to the directory depcruise runs in (the repository, or a fixture tree).

/** Infrastructure the pure domain must not know about (its packages and their type packages). */
const FRAMEWORKS = '(^|/)node_modules/(@types/)?(@nestjs/[^/]+|pg|pg-[^/]+|typeorm|ioredis|bullmq)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-nothing-of-ours',
      comment: 'libs/domain is pure decide/evolve: it imports no other lib and no app.',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { path: '^(libs/(?!domain/)|apps/|test/)' },
    },
    {
      name: 'domain-imports-no-framework',
      comment: 'libs/domain knows no Nest, no database driver, no ORM, no Redis, no queue.',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { path: FRAMEWORKS },
    },
    {
      name: 'libs-never-import-apps-or-tests',
      comment: 'A lib is used by apps; it never reaches back into an app or into the tests.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^(apps|test)/' },
    },
    {
      name: 'no-app-imports-another-app',
      comment:
        'Role apps are independent; only the host app (apps/runlet) imports them, to compose the roles.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/', pathNot: '^apps/runlet/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'only-tests-import-test-support',
      comment: 'libs/testing (test databases) serves the tests beside each lib and app, never production code.',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: '(\\.(spec|int-spec|e2e-spec)\\.ts$|^libs/testing/|/test-[a-z-]+\\.ts$)' },
      to: { path: '^libs/testing/' },
    },
    {
      name: 'no-cycles',
      comment: 'Modules import each other in one direction only.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    // Type-only imports count: a type from pg in the domain is still pg in the domain.
    tsPreCompilationDeps: true,
    // The @runlet/* path aliases, from the tsconfig.json of the directory depcruise runs in.
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
