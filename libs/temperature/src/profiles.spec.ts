import { limitsOf, parseProfile, ProfileInputError, STORAGE_PRESETS } from './profiles';

describe('parseProfile', () => {
  it('fills a preset class from USP <659> / <1079.2> when only storage is given', () => {
    expect(parseProfile({ storage: 'refrigerated' })).toEqual({
      storage: 'refrigerated',
      uom: 'CEL',
      ...STORAGE_PRESETS.refrigerated,
      activationEnergy: 83.144,
    });
    expect(parseProfile({ storage: 'controlled-room' })).toMatchObject({
      rangeMin: 20,
      rangeMax: 25,
      mktMax: 25,
    });
    expect(parseProfile({ storage: 'frozen' })).toMatchObject({ rangeMin: -25, rangeMax: -10, mktMax: null });
  });

  it('converts preset values to the unit asked for, and keeps values given', () => {
    const fahrenheit = parseProfile({ storage: 'refrigerated', uom: 'FAH', excursionBudgetMinutes: 60 });
    expect(fahrenheit).toMatchObject({
      uom: 'FAH',
      rangeMin: 35.6,
      rangeMax: 46.4,
      freezeLimit: 32,
      excursionBudgetMinutes: 60,
    });
    expect(limitsOf(fahrenheit).rangeMax).toBeCloseTo(8, 10);
    expect(parseProfile({ storage: 'refrigerated', uom: 'KEL' }).rangeMin).toBeCloseTo(275.15, 10);
  });

  it('needs range and budget for a custom profile', () => {
    expect(
      parseProfile({ storage: 'custom', rangeMin: 15, rangeMax: 30, excursionBudgetMinutes: 0 }),
    ).toMatchObject({
      absoluteMin: null,
      mktMax: null,
      activationEnergy: 83.144,
    });
    expect(() => parseProfile({ storage: 'custom', rangeMax: 30, excursionBudgetMinutes: 0 })).toThrow(
      expect.objectContaining({ field: 'rangeMin' }),
    );
    expect(() => parseProfile({ storage: 'custom', rangeMin: 1, rangeMax: 30 })).toThrow(
      expect.objectContaining({ field: 'excursionBudgetMinutes' }),
    );
  });

  it.each([
    [{}, 'storage'],
    [{ storage: 'warm' }, 'storage'],
    [{ storage: 'frozen', uom: 'C' }, 'uom'],
    [{ storage: 'frozen', rangeMin: '2' }, 'rangeMin'],
    [{ storage: 'refrigerated', rangeMin: 9 }, 'rangeMin'],
    [{ storage: 'refrigerated', absoluteMax: 7 }, 'absoluteMax'],
    [{ storage: 'refrigerated', excursionBudgetMinutes: -1 }, 'excursionBudgetMinutes'],
    [{ storage: 'refrigerated', excursionBudgetMinutes: 2 ** 31 }, 'excursionBudgetMinutes'],
    [{ storage: 'refrigerated', activationEnergy: 0 }, 'activationEnergy'],
    [{ storage: 'refrigerated', mktWindowHours: 0 }, 'mktWindowHours'],
    [{ storage: 'refrigerated', colour: 'blue' }, 'colour'],
  ])('refuses %j naming %s', (body, field) => {
    let error: unknown;
    try {
      parseProfile(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProfileInputError);
    expect((error as ProfileInputError).field).toBe(field);
  });
});
