import { suffixTime, uniqueSuffix } from './resources';

describe('suffixTime', () => {
  it('reads back when a uniqueSuffix() was made, inside database and topic names', () => {
    const before = Date.now();
    const suffix = uniqueSuffix();
    const made = suffixTime(`serialization_${suffix}`)!.getTime();
    expect(made).toBeGreaterThanOrEqual(before);
    expect(made).toBeLessThanOrEqual(Date.now());
    expect(suffixTime(`t${suffix}.epcis.events.v1`)?.getTime()).toBe(made);
  });

  it('leaves other names alone', () => {
    for (const name of [
      'postgres',
      'pedigree_serialization',
      'pedigree_ledger_writer',
      'epcis.events.v1',
      'abc_00000000123456',
    ]) {
      expect(suffixTime(name)).toBeUndefined();
    }
  });
});
