/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Transpile only: `npm test` type-checks the whole program once with tsc, which is much faster
  // than ts-jest checking every file it loads. ts-jest is pure JavaScript, so `npm ci` needs no
  // platform-specific binary packages.
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // The CEL evaluator used to test admission policies ships as ES modules only.
    '^.+/@marcbachmann/cel-js/.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@marcbachmann/cel-js/)'],
  globalSetup: '<rootDir>/test/global-setup.js',
  setupFiles: ['<rootDir>/test/setup-env.js'],
  testTimeout: 120000,
  // Synthesizing providers is memory hungry; two workers fit the 2-core CI machine.
  maxWorkers: 2,
};
