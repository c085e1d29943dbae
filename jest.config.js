/**
 * One jest run, three kinds of specification:
 * - unit: pure code, beside the source (`*.spec.ts`);
 * - integration: one service or lib against the real RabbitMQ, Redis and database (`test/*.int-spec.ts`),
 *   and tools/devdb's conformance suite against the database alone;
 * - e2e: HTTP through the gateway with all four services running (`test/e2e/*.e2e-spec.ts`),
 *   and the web pages driven in Debian's Chromium (`apps/web/test/e2e/*.e2e-spec.ts`).
 */
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/{libs,services,apps}/*/src/**/*.spec.ts',
        '<rootDir>/test/**/*.spec.ts',
      ],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/{libs,services}/*/test/**/*.int-spec.ts',
        '<rootDir>/tools/*/test/**/*.int-spec.ts',
      ],
      setupFilesAfterEnv: ['<rootDir>/jest.slow-setup.js'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: [
        '<rootDir>/services/*/test/e2e/**/*.e2e-spec.ts',
        '<rootDir>/apps/*/test/e2e/**/*.e2e-spec.ts',
      ],
      setupFilesAfterEnv: ['<rootDir>/jest.slow-setup.js'],
    },
  ],
};
