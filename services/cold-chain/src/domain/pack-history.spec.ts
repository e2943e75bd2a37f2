import { OPEN_END } from './containment';
import { packHistory } from './pack-history';
import {
  HOUR_MS,
  isBlock,
  limitsOf,
  NeedsReadings,
  parseProfile,
  summariseHour,
  type Reading,
  type ReadingBlock,
  type SeriesItem,
} from '@pedigree/temperature';

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

describe('packHistory over hourly summaries', () => {
  it('answers what it answers over the readings, nested legs cutting hours included', () => {
    // A pallet logger for 30 hours (a warm spell in hour 7) and a case logger inside it for a while.
    const pallet = Array.from({ length: 1800 }, (_, i) => ({
      time: T0 + i * MIN,
      celsius: i >= 420 && i < 450 ? 9 : 5 + Math.sin(i / 50),
    }));
    const inner = Array.from({ length: 400 }, (_, i) => ({
      time: T0 + 600 * MIN + i * 45_000,
      celsius: 4.5,
    }));
    const sources = new Map<ReadingBlock, Reading[]>();
    const summarised = (readings: readonly Reading[]): SeriesItem[] => {
      const hours = new Map<number, Reading[]>();
      for (const r of readings)
        hours.set(Math.floor(r.time / HOUR_MS), [...(hours.get(Math.floor(r.time / HOUR_MS)) ?? []), r]);
      return [...hours.values()].flatMap((inHour) => {
        const { block, last } = summariseHour(inHour);
        if (!block) return [last];
        sources.set(block, inHour.slice(0, -1));
        return [block, last];
      });
    };
    const legsOf = (pal: readonly SeriesItem[], case_: readonly SeriesItem[]) => [
      { subject: 'pallet', level: 2, from: T0 + 90 * MIN + 17_000, to: T0 + 1700 * MIN, readings: pal },
      { subject: 'case', level: 1, from: T0 + 610 * MIN, to: T0 + 850 * MIN + 5_000, readings: case_ },
    ];
    let pal = summarised(pallet);
    let case_ = summarised(inner);
    const expected = packHistory(legsOf(pallet, inner), limits, { gapFactor: 3 });
    for (;;) {
      try {
        expect(packHistory(legsOf(pal, case_), limits, { gapFactor: 3 })).toEqual({
          ...expected,
          mkt: expect.closeTo(expected.mkt!, 9),
          legs: expected.legs.map((leg) => ({ ...leg, mkt: expect.closeTo(leg.mkt!, 9) })),
        });
        break;
      } catch (error) {
        if (!(error instanceof NeedsReadings)) throw error;
        const expand = new Set(error.blocks);
        const replace = (items: SeriesItem[]) =>
          items.flatMap((item) => (isBlock(item) && expand.has(item) ? sources.get(item)! : [item]));
        pal = replace(pal);
        case_ = replace(case_);
      }
    }
    expect(pal.filter(isBlock).length).toBeGreaterThan(20);
  });
});
