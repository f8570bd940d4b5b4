/**
 * Fault tests: the built service (`dist/src/main.js`) as its own process, with its database stopped,
 * the process killed or terminated mid-stream. `npm run test:faults` builds first.
 */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/faults/**/*.faults-spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 120_000,
};
