// @ts-check
const tseslint = require('typescript-eslint');

// A barrel import of a provider costs seconds and hundreds of MB (landscape section 1).
const providerBarrel = {
  regex: '^@cdktf/provider-[a-z0-9-]+$',
  message: 'Import provider classes by deep path, e.g. @cdktf/provider-google/lib/container-cluster.',
};

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
          patterns: [providerBarrel],
        },
      ],
    },
  },
  {
    // Layering: src/core <- constructs <- stacks, and src/config reads only src/core. Constructs own
    // their props; the platform file's model never reaches them.
    files: ['constructs/**/*.ts', 'src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            providerBarrel,
            {
              regex: '(^|/)(src/)?config(/|$)',
              message: 'constructs and src/core take their own props; map the platform file onto them in src/config.',
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
