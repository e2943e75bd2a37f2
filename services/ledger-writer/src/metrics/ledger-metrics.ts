/** The anchoring states the metrics report, one gauge per state (1 for the current one). */
export const ANCHORING_STATES = ['ok', 'fabric-down', 'rejected', 'standby'] as const;
export type AnchoringStateName = (typeof ANCHORING_STATES)[number];

/** The log's leaves not yet under an anchored head (read from the database at scrape time). */
export interface Backlog {
  logSize: number;
  unanchoredLeaves: number;
  /** Age of the oldest leaf not under an anchored head; 0 when every leaf is anchored. */
  oldestUnanchoredAgeSeconds: number;
}

/** What one scrape of GET /metrics reports. */
export interface MetricsSnapshot {
  leavesAppended: number;
  headsAnchored: number;
  /** Undefined when the database did not answer: those gauges are left out rather than reported wrong. */
  backlog?: Backlog;
  anchoring: AnchoringStateName;
  fabricReachable: boolean;
  active: boolean;
}

/** The counters this process keeps (the gauges are read when scraped). */
export class LedgerCounters {
  leavesAppended = 0;
  headsAnchored = 0;

  appended(leaves: number): void {
    this.leavesAppended += leaves;
  }

  anchored(): void {
    this.headsAnchored += 1;
  }
}

interface Metric {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  samples: Array<{ labels?: Record<string, string>; value: number }>;
}

/** Renders the snapshot in the Prometheus text exposition format (version 0.0.4). */
export function renderMetrics(snapshot: MetricsSnapshot): string {
  const metrics: Metric[] = [
    {
      name: 'pedigree_ledger_leaves_appended_total',
      type: 'counter',
      help: 'Leaves this process appended to the Merkle log.',
      samples: [{ value: snapshot.leavesAppended }],
    },
    {
      name: 'pedigree_ledger_heads_anchored_total',
      type: 'counter',
      help: 'Heads this process anchored on the Fabric ledger.',
      samples: [{ value: snapshot.headsAnchored }],
    },
  ];
  if (snapshot.backlog) {
    metrics.push(
      {
        name: 'pedigree_ledger_log_size',
        type: 'gauge',
        help: 'Leaves in the Merkle log.',
        samples: [{ value: snapshot.backlog.logSize }],
      },
      {
        name: 'pedigree_ledger_unanchored_leaves',
        type: 'gauge',
        help: 'Leaves waiting to be covered by an anchored head.',
        samples: [{ value: snapshot.backlog.unanchoredLeaves }],
      },
      {
        name: 'pedigree_ledger_oldest_unanchored_leaf_age_seconds',
        type: 'gauge',
        help: 'How long the oldest leaf not covered by an anchored head has waited (0 when none waits).',
        samples: [{ value: snapshot.backlog.oldestUnanchoredAgeSeconds }],
      },
    );
  }
  metrics.push(
    {
      name: 'pedigree_ledger_anchoring_state',
      type: 'gauge',
      help: "This process's anchoring state: 1 for the current state, 0 for the others.",
      samples: ANCHORING_STATES.map((state) => ({
        labels: { state },
        value: state === snapshot.anchoring ? 1 : 0,
      })),
    },
    {
      name: 'pedigree_ledger_fabric_reachable',
      type: 'gauge',
      help: "1 when the Fabric peer's Gateway answered a query at scrape time, 0 otherwise.",
      samples: [{ value: snapshot.fabricReachable ? 1 : 0 }],
    },
    {
      name: 'pedigree_ledger_writer_active',
      type: 'gauge',
      help: '1 when this process is the active appender and anchorer of the log, 0 when it is a standby.',
      samples: [{ value: snapshot.active ? 1 : 0 }],
    },
  );
  return metrics.map(renderMetric).join('');
}

function renderMetric(metric: Metric): string {
  const lines = [`# HELP ${metric.name} ${metric.help}`, `# TYPE ${metric.name} ${metric.type}`];
  for (const sample of metric.samples)
    lines.push(`${metric.name}${renderLabels(sample.labels)} ${sample.value}`);
  return lines.join('\n') + '\n';
}

function renderLabels(labels: Record<string, string> | undefined): string {
  if (!labels) return '';
  // Label values are this module's own constants: nothing to escape.
  return `{${Object.entries(labels)
    .map(([name, value]) => `${name}="${value}"`)
    .join(',')}}`;
}
