import { LedgerCounters, renderMetrics } from './ledger-metrics';

describe('renderMetrics', () => {
  it('renders counters and gauges in the Prometheus text format', () => {
    const counters = new LedgerCounters();
    counters.appended(120);
    counters.appended(30);
    counters.anchored();
    const text = renderMetrics({
      leavesAppended: counters.leavesAppended,
      headsAnchored: counters.headsAnchored,
      backlog: { logSize: 150, unanchoredLeaves: 50, oldestUnanchoredAgeSeconds: 1.25 },
      anchoring: 'fabric-down',
      fabricReachable: false,
      active: true,
    });
    expect(text).toContain(
      '# HELP pedigree_ledger_leaves_appended_total Leaves this process appended to the Merkle log.\n' +
        '# TYPE pedigree_ledger_leaves_appended_total counter\n' +
        'pedigree_ledger_leaves_appended_total 150\n',
    );
    expect(text).toContain('pedigree_ledger_heads_anchored_total 1\n');
    expect(text).toContain('pedigree_ledger_log_size 150\n');
    expect(text).toContain('pedigree_ledger_unanchored_leaves 50\n');
    expect(text).toContain('pedigree_ledger_oldest_unanchored_leaf_age_seconds 1.25\n');
    expect(text).toContain('pedigree_ledger_anchoring_state{state="ok"} 0\n');
    expect(text).toContain('pedigree_ledger_anchoring_state{state="fabric-down"} 1\n');
    expect(text).toContain('pedigree_ledger_fabric_reachable 0\n');
    expect(text).toContain('pedigree_ledger_writer_active 1\n');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('leaves out the database gauges when the database did not answer', () => {
    const text = renderMetrics({
      leavesAppended: 0,
      headsAnchored: 0,
      anchoring: 'standby',
      fabricReachable: true,
      active: false,
    });
    expect(text).not.toContain('pedigree_ledger_unanchored_leaves');
    expect(text).toContain('pedigree_ledger_anchoring_state{state="standby"} 1\n');
    expect(text).toContain('pedigree_ledger_writer_active 0\n');
  });
});
