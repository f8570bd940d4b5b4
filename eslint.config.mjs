// ESLint: typescript-eslint's type-checked recommended rules; Prettier owns the layout (its config comes last).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier/flat';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'data/', 'artifacts/', 'node_modules/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Dropping keys by destructuring them into a rest object (`{ plan: _, ...result }`) is how this code omits fields.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // `async` on a method that implements a Promise-returning contract (Nest guards, Throttler storage, health
      // checks, test doubles) is deliberate: a throw then becomes a rejection, as callers expect.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read HTTP bodies and raw query rows, which are `any`, and compare them with jest's `expect.any()` and
    // friends, which return `any` too: the type-safety rules for `any` would flag nearly every assertion. LINK's
    // payloads from test/fixtures are untyped JSON that tests change freely, so they may be typed `any` as well.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Tool configuration files are plain CommonJS or ES modules outside the TypeScript project.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // The admin console's page code: ES modules run by the browser, not part of the TypeScript project.
    files: ['src/admin/public/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'location',
          'sessionStorage',
          'fetch',
          'btoa',
          'TextEncoder',
          'URLSearchParams',
          'FormData',
          'Intl',
          'HTMLElement',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  prettier,
);
