import { limitsOf, parseProfile } from './profiles';
import { meanKineticTemperature } from './mkt';
import { analyseSeries, severityOf, type Reading } from './series';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const MIN = 60_000;
const refrigerated = limitsOf(parseProfile({ storage: 'refrigerated' }));
const options = { gapFactor: 3 };

/** One reading a minute from T0, in °C. */
function everyMinute(values: number[], start = T0): Reading[] {
  return values.map((celsius, i) => ({ time: start + i * MIN, celsius }));
}

describe('analyseSeries', () => {
  it('summarises an in-range series: min, max, time-weighted mean and MKT, nothing out of range', () => {
    const result = analyseSeries(everyMinute([4, 5, 6, 5]), refrigerated, options);
    expect(result).toMatchObject({
      count: 4,
      min: 4,
      max: 6,
      minutesOutOfRange: 0,
      excursions: [],
      gaps: [],
    });
    expect(result.mean).toBeCloseTo(5, 10);
    expect(result.mkt!).toBeGreaterThan(5);
    expect(result.mkt!).toBeLessThan(5.1);
    expect(result.from).toBe(T0);
    expect(result.to).toBe(T0 + 4 * MIN);
  });

  it('opens an excursion for readings out of range and counts the minutes they stand for', () => {
    const result = analyseSeries(everyMinute([5, 9, 10, 11, 5, 5]), refrigerated, options);
    expect(result.minutesOutOfRange).toBe(3);
    expect(result.excursions).toHaveLength(1);
    expect(result.excursions[0]).toMatchObject({
      start: T0 + MIN,
      end: T0 + 4 * MIN,
      minutes: 3,
      observedMin: 9,
      observedMax: 11,
      ongoing: false,
      absoluteLimitCrossed: false,
    });
  });

  it('marks an excursion the series ends in as ongoing, and one beyond an absolute limit', () => {
    const result = analyseSeries(everyMinute([5, 16, 17]), refrigerated, options);
    expect(result.excursions[0]).toMatchObject({
      ongoing: true,
      absoluteLimitCrossed: true,
      observedMax: 17,
    });
    const frozen = analyseSeries(everyMinute([5, 0, 5]), refrigerated, options);
    expect(frozen.excursions[0]!.absoluteLimitCrossed).toBe(true);
  });

  it('gives the same result for readings in any order (late and out-of-order readings)', () => {
    const readings = everyMinute([5, 9, 10, 3, 1.5, 5, 7, 8.5]);
    const shuffled = [
      readings[5]!,
      readings[0]!,
      readings[7]!,
      readings[2]!,
      readings[1]!,
      readings[6]!,
      readings[4]!,
      readings[3]!,
    ];
    expect(analyseSeries(shuffled, refrigerated, options)).toEqual(
      analyseSeries(readings, refrigerated, options),
    );
  });

  it('reports a silence longer than gapFactor intervals as a gap, counted neither in nor out of range', () => {
    const readings = [...everyMinute([5, 5, 9]), ...everyMinute([9, 5], T0 + 60 * MIN)];
    const result = analyseSeries(readings, refrigerated, options);
    expect(result.gaps).toEqual([{ from: T0 + 3 * MIN, to: T0 + 60 * MIN, minutes: 57 }]);
    // The reading before the gap stands for one interval; the excursion closes at the gap and a new one opens after.
    expect(result.minutesOutOfRange).toBe(2);
    expect(result.excursions.map((e) => [e.start, e.end])).toEqual([
      [T0 + 2 * MIN, T0 + 3 * MIN],
      [T0 + 60 * MIN, T0 + 61 * MIN],
    ]);
  });

  it('weights readings taken at uneven intervals by the time they stand for', () => {
    // 10 minutes at 4 °C, 1 minute at 8 °C, 1 at 4 °C, and a last reading standing for the 1-minute median interval.
    const readings = [
      { time: T0, celsius: 4 },
      { time: T0 + 10 * MIN, celsius: 8 },
      { time: T0 + 11 * MIN, celsius: 4 },
      { time: T0 + 12 * MIN, celsius: 4 },
    ];
    const result = analyseSeries(readings, refrigerated, { gapFactor: 20 });
    expect(result.mean).toBeCloseTo((4 * 10 + 8 + 4 + 4) / 13, 10);
    expect(result.coveredMs).toBe(13 * MIN);
  });

  it('treats a summary reading as out of range when its extremes are', () => {
    const result = analyseSeries(
      [
        { time: T0, celsius: 5, minCelsius: 3, maxCelsius: 9 },
        { time: T0 + MIN, celsius: 5 },
      ],
      refrigerated,
      options,
    );
    expect(result.excursions).toHaveLength(1);
    expect(result.max).toBe(9);
  });

  it('computes the window MKT over the profile window ending at the series end', () => {
    const hot = analyseSeries(
      [...everyMinute([5, 5], T0 - 48 * 60 * MIN), ...everyMinute([7, 7, 7])],
      refrigerated,
      { gapFactor: 1e9 },
    );
    // The 24-hour window holds only the 7 °C readings.
    expect(hot.mktWindow).toBeCloseTo(7, 10);
  });
});

describe('window MKT', () => {
  it('equals the MKT of the readings inside the window, for every excursion of a long series', () => {
    // A day at one reading a minute; every hour 5 minutes at 9-10 °C (an excursion each).
    const values = Array.from({ length: 1440 }, (_, i) => (i % 60 < 5 ? 9 + (i % 2) : 3 + ((i * 7) % 5)));
    const limits = { ...refrigerated, mktWindowMs: 6 * 60 * MIN };
    const result = analyseSeries(everyMinute(values), limits, options);
    expect(result.excursions).toHaveLength(24);
    for (const excursion of result.excursions) {
      const inWindow = everyMinute(values).filter(
        (r) => r.time >= excursion.end - limits.mktWindowMs && r.time <= excursion.end,
      );
      const direct = meanKineticTemperature(inWindow.map((r) => ({ celsius: r.celsius, weight: 1 })));
      expect(excursion.mktAtEnd).toBeCloseTo(direct!, 9);
    }
  });
});

describe('severityOf', () => {
  const excursion = { absoluteLimitCrossed: false, mktAtEnd: 6 };
  it('is minor within the budget, the absolute limits and the MKT limit', () => {
    expect(severityOf(excursion, refrigerated, 100)).toBe('minor');
  });
  it('is critical when the budget is exhausted, an absolute limit crossed or the MKT above mktMax', () => {
    expect(severityOf(excursion, refrigerated, 1441)).toBe('critical');
    expect(severityOf({ ...excursion, absoluteLimitCrossed: true }, refrigerated, 0)).toBe('critical');
    expect(severityOf({ ...excursion, mktAtEnd: 8.5 }, refrigerated, 0)).toBe('critical');
  });
});
