import { selectProvider } from './infrastructure';
import { deleteStaleTestTopics, dropStaleTestDatabases } from './resources';

const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

/** Starts (or finds running) the real PostgreSQL, Kafka and Fabric network before any integration test runs. */
export default async function globalSetup(): Promise<void> {
  const provider = selectProvider();
  process.stderr.write(`\nintegration infrastructure: ${provider.name}\n`);
  const infrastructure = await provider.start();
  process.env.PEDIGREE_TEST_INFRASTRUCTURE = JSON.stringify(infrastructure);
  const dropped = await dropStaleTestDatabases(STALE_AFTER_MS);
  const deleted = await deleteStaleTestTopics(STALE_AFTER_MS);
  if (dropped.length + deleted.length > 0) {
    process.stderr.write(
      `removed ${dropped.length} databases and ${deleted.length} topics of earlier test runs\n`,
    );
  }
}
