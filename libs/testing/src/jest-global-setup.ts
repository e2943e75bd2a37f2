import { selectProvider } from './infrastructure';

/** Starts (or finds running) the real PostgreSQL, Kafka and Fabric network before any integration test runs. */
export default async function globalSetup(): Promise<void> {
  const provider = selectProvider();
  process.stderr.write(`\nintegration infrastructure: ${provider.name}\n`);
  const infrastructure = await provider.start();
  process.env.PEDIGREE_TEST_INFRASTRUCTURE = JSON.stringify(infrastructure);
}
