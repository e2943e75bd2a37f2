// The projection worker thread's own OpenTelemetry SDK (a worker has its own module instances): the first import of
// projection-worker.ts, so its pg and kafkajs are loaded after it.
import { startTelemetry } from '@pedigree/observability';

startTelemetry('serialization');
