import { OPEN_END } from './containment';
import { packHistory } from './pack-history';
import { limitsOf, parseProfile, type Reading } from '@pedigree/temperature';

const MIN = 60_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');
const limits = limitsOf(parseProfile({ storage: 'refrigerated', excursionBudgetMinutes: 30 }));

function minutes(start: number, values: number[]): Reading[] {
  return values.map((celsius, i) => ({ time: start + i * MIN, celsius }));
}

describe('packHistory', () => {
  it('sums the time out of range over every leg against the pack’s budget', () => {
    const leg1 = minutes(T0, [5, ...Array(20).fill(10), 5]);
    const leg2 = minutes(T0 + 1000 * MIN, [5, ...Array(20).fill(10), 5]);
    const history = packHistory(
      [
        { subject: 'b', level: 1, from: T0 + 1000 * MIN, to: OPEN_END, readings: leg2 },
        { subject: 'a', level: 1, from: T0, to: T0 + 22 * MIN, readings: leg1 },
      ],
      limits,
      { gapFactor: 3 },
    );
    expect(history.legs.map((l) => [l.subject, l.minutesOutOfRange, l.excursions])).toEqual([
      ['a', 20, 1],
      ['b', 20, 1],
    ]);
    expect(history.minutesOutOfRange).toBe(40);
    expect(history.budgetRemainingMinutes).toBe(-10);
    // The first leg's excursion is within the budget; the second exhausts it.
    expect(history.status).toBe('critical');
  });

  it('counts only the readings within the leg, and gives the MKT of all legs together', () => {
    const readings = minutes(T0, [5, 5, 20, 20, 5, 5]);
    const history = packHistory(
      [{ subject: 'a', level: 1, from: T0 + 4 * MIN, to: T0 + 6 * MIN, readings }],
      limits,
      {
        gapFactor: 3,
      },
    );
    expect(history).toMatchObject({ minutesOutOfRange: 0, status: 'ok', budgetRemainingMinutes: 30 });
    expect(history.mkt).toBeCloseTo(5, 10);
  });

  it('is minor for an excursion within every limit, and incomplete (never ok) with a gap', () => {
    const minor = packHistory(
      [{ subject: 'a', level: 1, from: T0, to: OPEN_END, readings: minutes(T0, [5, 9, 5]) }],
      limits,
      {
        gapFactor: 3,
      },
    );
    expect(minor.status).toBe('minor');
    const gap = [...minutes(T0, [5, 5]), ...minutes(T0 + 100 * MIN, [5, 5])];
    const incomplete = packHistory(
      [{ subject: 'a', level: 1, from: T0, to: OPEN_END, readings: gap }],
      limits,
      {
        gapFactor: 3,
      },
    );
    expect(incomplete.status).toBe('incomplete');
  });

  it('counts a minute once when nested units both recorded it: the innermost unit’s readings, the outer’s for the rest', () => {
    // The case logger recorded minutes 0–10 (10 minutes at 9 °C); the pallet logger recorded 0–30 (5 °C, but 12 °C in
    // minutes 20–24). The pack was in the case, in the pallet, the whole time.
    const caseReadings = minutes(T0, [...Array(10).fill(9), 9]);
    const palletReadings = minutes(T0, [...Array(20).fill(5), ...Array(5).fill(12), ...Array(6).fill(5)]);
    const history = packHistory(
      [
        { subject: 'pallet', level: 2, from: T0, to: T0 + 30 * MIN, readings: palletReadings },
        { subject: 'case', level: 1, from: T0, to: T0 + 30 * MIN, readings: caseReadings },
      ],
      limits,
      { gapFactor: 3 },
    );
    // The case's 11 readings stand for 11 minutes (0–11); the pallet counts from minute 11 on: 5 minutes at 12 °C.
    expect(history.legs.map((l) => [l.subject, l.minutesOutOfRange])).toEqual([
      ['case', 11],
      ['pallet', 5],
    ]);
    expect(history.minutesOutOfRange).toBe(16);
  });
});
