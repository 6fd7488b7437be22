import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'apps/web/.next/**', 'apps/web/next-env.d.ts', 'test-artifacts/**', '**/*.cjs', 'jest.config.js', 'scripts/**', '.runlet/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      // TypeORM takes migrations as constructor functions.
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Plain CommonJS test fixtures run by Node (the harness declares its own globals).
    files: ['**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', require: 'readonly', module: 'writable', console: 'readonly', setTimeout: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The console (Next.js, TSX): browser and worker globals.
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: { ecmaFeatures: { jsx: true } },
      globals: {
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        fetch: 'readonly',
        self: 'readonly',
        confirm: 'readonly',
        EventSource: 'readonly',
        Worker: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        Headers: 'readonly',
        Request: 'readonly',
        Response: 'readonly',
        FormData: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        HTMLDivElement: 'readonly',
        MessageEvent: 'readonly',
        Intl: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
  },
);
