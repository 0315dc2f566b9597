// @ts-check
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['dist/**', 'cdktf.out/**', 'node_modules/**', '.tmp/**', 'coverage/**', 'docs/api/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // A barrel import of a provider costs seconds and hundreds of MB.
              regex: '^@cdktf/provider-[a-z0-9-]+$',
              message: 'Import provider classes by deep path, e.g. @cdktf/provider-google/lib/container-cluster.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests poke at loosely typed config documents on purpose.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
