import { loggerIntervals, type AssociationFact } from './associations';
import { ContainmentHistory, OPEN_END, type AggregationFact } from './containment';

let n = 0;
function fact(
  action: 'ADD' | 'DELETE',
  parentKey: string,
  childKey: string | null,
  time: number,
): AggregationFact {
  n += 1;
  return { action, parentKey, childKey, time, recordTime: 1000 + n, eventHash: `h${n}` };
}

describe('ContainmentHistory', () => {
  const facts = [
    fact('ADD', 'case', 'pack1', 10),
    fact('ADD', 'case', 'pack2', 10),
    fact('ADD', 'pallet', 'case', 20),
    fact('DELETE', 'pallet', null, 50),
    fact('ADD', 'pallet2', 'case', 60),
    fact('DELETE', 'case', 'pack2', 70),
  ];

  it('gives every container a pack was in, directly or not, with the periods', () => {
    const history = new ContainmentHistory(facts);
    expect(history.ancestors('pack1')).toEqual([
      { key: 'pack1', container: 'case', level: 1, from: 10, to: OPEN_END },
      { key: 'pack1', container: 'pallet', level: 2, from: 20, to: 50 },
      { key: 'pack1', container: 'pallet2', level: 2, from: 60, to: OPEN_END },
    ]);
    expect(history.ancestors('pack2').map((c) => [c.container, c.from, c.to])).toEqual([
      ['case', 10, 70],
      ['pallet', 20, 50],
      ['pallet2', 60, 70],
    ]);
  });

  it('gives everything a logistic unit held, with the periods', () => {
    const history = new ContainmentHistory(facts);
    expect(history.descendants('pallet2').map((c) => [c.key, c.level, c.from, c.to])).toEqual([
      ['case', 1, 60, OPEN_END],
      ['pack1', 2, 60, OPEN_END],
      ['pack2', 2, 60, 70],
    ]);
  });

  it('gives the same history whatever order the events arrive in', () => {
    const reversed = new ContainmentHistory([...facts].reverse());
    expect(reversed.ancestors('pack2')).toEqual(new ContainmentHistory(facts).ancestors('pack2'));
  });
});

describe('loggerIntervals', () => {
  const a = (
    action: AssociationFact['action'],
    from: number,
    to: number | null = null,
    loggerId = 'L',
  ): AssociationFact => ({
    loggerId,
    subjectKey: 'sscc',
    action,
    from,
    to,
    recordTime: from,
  });

  it('opens a period with an association, closes it with its deletion, in any arrival order', () => {
    const facts = [a('DELETE', 50), a('ADD', 10), a('ADD', 80)];
    expect(loggerIntervals(facts)).toEqual([
      { loggerId: 'L', subjectKey: 'sscc', from: 10, to: 50 },
      { loggerId: 'L', subjectKey: 'sscc', from: 80, to: OPEN_END },
    ]);
  });

  it('merges the spans of readings batches that overlap, per logger', () => {
    const facts = [a('SPAN', 10, 20), a('SPAN', 15, 30), a('SPAN', 100, 110), a('SPAN', 0, 5, 'M')];
    expect(loggerIntervals(facts).map((i) => [i.loggerId, i.from, i.to])).toEqual([
      ['L', 10, 31],
      ['L', 100, 111],
      ['M', 0, 6],
    ]);
  });
});
