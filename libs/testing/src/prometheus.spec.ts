import { samplesOf } from './prometheus';

describe('samplesOf', () => {
  it('reads the samples of one metric with their labels', () => {
    const text = [
      '# HELP pedigree_coldchain_excursions_total cold-chain excursions published',
      '# TYPE pedigree_coldchain_excursions_total counter',
      'pedigree_coldchain_excursions_total{severity="minor",otel_scope_name="pedigree"} 2',
      'pedigree_coldchain_excursions_total{severity="critical",otel_scope_name="pedigree"} 1',
      'pedigree_recall_transitions_total{from="none",to="draft"} 1',
      'target_info{service_name="x \\"y\\""} 1',
      'up 1',
    ].join('\n');
    expect(samplesOf(text, 'pedigree_coldchain_excursions_total')).toEqual([
      { labels: { severity: 'minor', otel_scope_name: 'pedigree' }, value: 2 },
      { labels: { severity: 'critical', otel_scope_name: 'pedigree' }, value: 1 },
    ]);
    expect(samplesOf(text, 'target_info')).toEqual([{ labels: { service_name: 'x "y"' }, value: 1 }]);
    expect(samplesOf(text, 'up')).toEqual([{ labels: {}, value: 1 }]);
  });
});
