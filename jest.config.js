// One jest run, two projects: fast unit tests (*.spec.ts) and integration tests
// (*.int-spec.ts) that run against the real PostgreSQL, Kafka and Fabric of the local stack.
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'commonjs' },
  },
];

const shared = {
  rootDir: __dirname,
  // @noble/curves and @noble/hashes (under @hyperledger/fabric-gateway) ship only ES modules: compile them to CommonJS.
  transform: { '^.+\\.ts$': swc, '/node_modules/@noble/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!@noble/)'],
  moduleNameMapper: {
    '^@pedigree/([^/]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^libxml2-wasm$': '<rootDir>/libs/testing/src/libxml2-wasm.jest.ts',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest-global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest-integration-setup.ts'],
    },
  ],
};
