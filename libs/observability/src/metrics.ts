import { metrics, type Attributes, type Counter, type Histogram } from '@opentelemetry/api';

/**
 * Pedigree's own metrics, one place for their names and units. Recorded through the OpenTelemetry API: exported over
 * OTLP and/or for Prometheus scraping (OTEL_METRICS_EXPORTER=otlp,prometheus; the Prometheus exporter serves
 * :9464/metrics) once startTelemetry ran in the process, and no-ops otherwise.
 */
export interface PedigreeMetrics {
  /** EPCIS events acknowledged by Kafka at capture (attribute: none). */
  capturedEvents: Counter;
  /** Seconds from an event's capture (its envelope's occurredAt) to its projection (registry written). */
  projectionLag: Histogram;
  /** Seconds a DSCSA VRS verification request took to answer (attribute: verified true/false). */
  verificationDuration: Histogram;
  /** Messages a consumer gave up on and sent to a dead-letter topic (attributes: topic, consumer group). */
  deadLettered: Counter;
  /** Recall notices projected onto the registry. */
  recallNotices: Counter;
  /** Cold-chain excursions published (new, or their severity rose; attribute: severity). */
  excursions: Counter;
  /** Recalls opened and moved on (attributes: from, `none` when opened, and to: the recall's statuses). */
  recallTransitions: Counter;
}

let instruments: PedigreeMetrics | undefined;

export function pedigreeMetrics(): PedigreeMetrics {
  if (instruments) return instruments;
  const meter = metrics.getMeter('pedigree');
  instruments = {
    capturedEvents: meter.createCounter('pedigree.capture.events', {
      description: 'EPCIS events captured (acknowledged by Kafka)',
      unit: '{event}',
    }),
    projectionLag: meter.createHistogram('pedigree.projection.lag', {
      description: 'time from an event’s capture to its projection',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] },
    }),
    verificationDuration: meter.createHistogram('pedigree.verification.duration', {
      description: 'time to answer a VRS verification request',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] },
    }),
    deadLettered: meter.createCounter('pedigree.kafka.dead_lettered', {
      description: 'messages sent to a dead-letter topic',
      unit: '{message}',
    }),
    recallNotices: meter.createCounter('pedigree.recall.notices', {
      description: 'recall notices projected onto the serial registry',
      unit: '{notice}',
    }),
    excursions: meter.createCounter('pedigree.coldchain.excursions', {
      description: 'cold-chain excursions published on coldchain.excursions.v1 (new, or their severity rose)',
      unit: '{excursion}',
    }),
    recallTransitions: meter.createCounter('pedigree.recall.transitions', {
      description: 'recalls opened (from none) and moved from one status to another',
      unit: '{recall}',
    }),
  };
  return instruments;
}

/** Records how long `work` took on `histogram`, in seconds, with the attributes `attributes` gives its result. */
export async function timed<X>(
  histogram: Histogram,
  work: () => Promise<X>,
  attributes: (result: X | undefined) => Attributes = () => ({}),
): Promise<X> {
  const started = performance.now();
  let result: X | undefined;
  try {
    result = await work();
    return result;
  } finally {
    histogram.record((performance.now() - started) / 1000, attributes(result));
  }
}
