// Four projects: fast unit tests (*.spec.ts); integration tests (*.int-spec.ts) that run against the real PostgreSQL,
// Kafka and Fabric of the local stack, in parallel; and the integration tests that stop, cut or fill a piece of that
// shared infrastructure (*.serial.int-spec.ts: a Fabric peer outage, …), which scripts/test.sh runs alone after the
// others so that no test beside them sees the outage.
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

const integration = {
  ...shared,
  globalSetup: '<rootDir>/libs/testing/src/jest-global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest-integration-setup.ts'],
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/**/*.spec.ts'] },
    {
      ...integration,
      displayName: 'integration',
      testMatch: ['<rootDir>/**/*.int-spec.ts'],
      testPathIgnorePatterns: [...shared.testPathIgnorePatterns, '\\.serial\\.int-spec\\.ts$'],
    },
    { ...integration, displayName: 'integration-serial', testMatch: ['<rootDir>/**/*.serial.int-spec.ts'] },
    // The deployment (helm/, k8s/) against helm, kubeconform and a real kube-apiserver with etcd, all built once by
    // scripts/k8s-tools.sh; no PostgreSQL, Kafka or Fabric needed.
    { ...shared, displayName: 'deployment', testMatch: ['<rootDir>/tests/deployment/**/*.deploy-spec.ts'] },
  ],
};
