import { inEveryComparableUnit, UNECE_REC20_UNITS } from './units';

const inUnit = (list: Array<{ uom: string; value: number }>, uom: string) =>
  list.find((entry) => entry.uom === uom)?.value;

describe('inEveryComparableUnit', () => {
  it('converts temperatures between the Celsius, Kelvin, Fahrenheit and Rankine scales', () => {
    const five = inEveryComparableUnit(5, 'CEL');
    expect(inUnit(five, 'CEL')).toBe(5);
    expect(inUnit(five, 'KEL')).toBe(278.15);
    expect(inUnit(five, 'FAH')).toBe(41);
    expect(inUnit(five, 'A48')).toBe(500.67);
    expect(inUnit(inEveryComparableUnit(-40, 'FAH'), 'CEL')).toBe(-40);
    expect(inUnit(inEveryComparableUnit(0, 'KEL'), 'CEL')).toBe(-273.15);
    expect(five.map((e) => e.uom).sort()).toEqual(['A48', 'CEL', 'FAH', 'KEL']);
  });

  it('converts a spread by the factor alone', () => {
    expect(inUnit(inEveryComparableUnit(1, 'CEL', 'difference'), 'FAH')).toBe(1.8);
    expect(inUnit(inEveryComparableUnit(1, 'CEL', 'difference'), 'KEL')).toBe(1);
  });

  it('converts masses, volumes and lengths with the exact factors', () => {
    expect(inUnit(inEveryComparableUnit(1, 'LBR'), 'GRM')).toBe(453.59237);
    expect(inUnit(inEveryComparableUnit(2500, 'GRM'), 'KGM')).toBe(2.5);
    expect(inUnit(inEveryComparableUnit(1, 'LTR'), 'MLT')).toBe(1000);
    expect(inUnit(inEveryComparableUnit(1, 'FOT'), 'INH')).toBe(12);
  });

  it('compares a unit it does not know only with itself, and never across dimensions', () => {
    expect(inEveryComparableUnit(3, 'P1')).toEqual([{ uom: 'P1', value: 3 }]);
    expect(inEveryComparableUnit(3, 'KGM').some((e) => e.uom === 'CEL')).toBe(false);
  });

  it('has one entry per code, each with a positive factor', () => {
    for (const [code, definition] of UNECE_REC20_UNITS) {
      expect(definition.code).toBe(code);
      expect(definition.factor).toBeGreaterThan(0);
    }
  });
});
