/** Jest 30 in ESM mode with ts-jest (see DESIGN.md, toolchain facts). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } },
    ],
  },
  roots: ['<rootDir>/src', '<rootDir>/actions', '<rootDir>/action-tests', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 60000,
};
