import fc from 'fast-check';
import {
  appendToHour,
  HOUR_MS,
  isBlock,
  itemsWithin,
  summariseHour,
  type ReadingBlock,
  type SeriesItem,
} from './hours';
import { limitsOf, parseProfile } from './profiles';
import {
  analyseSeries,
  analyseSummarisedSeries,
  type Reading,
  type SeriesAnalysis,
  type SeriesOptions,
} from './series';
import type { ProfileLimits } from './profiles';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const refrigerated = limitsOf(parseProfile({ storage: 'refrigerated' }));
const shortWindow: ProfileLimits = { ...refrigerated, mktWindowMs: 5 * HOUR_MS };

/** Readings of one logger: mostly a minute apart, sometimes irregular or silent for hours; mostly 2–8 °C. */
const series = fc
  .array(
    fc.record({
      step: fc.oneof(
        { weight: 20, arbitrary: fc.constant(60_000) },
        { weight: 2, arbitrary: fc.integer({ min: 1, max: 600_000 }) },
        { weight: 1, arbitrary: fc.integer({ min: 600_000, max: 6 * HOUR_MS }) },
      ),
      celsius: fc.oneof(
        { weight: 20, arbitrary: fc.double({ min: 2, max: 8, noNaN: true }) },
        { weight: 2, arbitrary: fc.double({ min: -30, max: 40, noNaN: true }) },
      ),
      spread: fc.option(fc.double({ min: 0, max: 3, noNaN: true }), { freq: 10 }),
    }),
    { minLength: 0, maxLength: 900 },
  )
  .map((steps) => {
    let time = T0;
    return steps.map(({ step, celsius, spread }): Reading => {
      time += step;
      return spread === null
        ? { time, celsius }
        : { time, celsius, minCelsius: celsius - spread, maxCelsius: celsius + spread };
    });
  });

/** The readings by hour as stored, each hour either summarised or (when `raw` says so) left as readings. */
function summarised(readings: readonly Reading[], raw: (hour: number) => boolean) {
  const hours = new Map<number, Reading[]>();
  for (const reading of readings) {
    const hour = Math.floor(reading.time / HOUR_MS);
    if (!hours.has(hour)) hours.set(hour, []);
    hours.get(hour)!.push(reading);
  }
  const sources = new Map<ReadingBlock, Reading[]>();
  const items: SeriesItem[] = [];
  for (const [hour, inHour] of hours) {
    if (raw(hour)) {
      items.push(...inHour);
      continue;
    }
    const { block, last } = summariseHour(inHour);
    if (block) {
      items.push(block);
      sources.set(block, inHour.slice(0, -1));
    }
    items.push(last);
  }
  return { items, sources };
}

/** Asks until no block is to be expanded, replacing blocks by their readings as a reader would. */
function analyseExpanding(
  start: SeriesItem[],
  sources: Map<ReadingBlock, Reading[]>,
  limits: ProfileLimits,
  options: SeriesOptions,
): { analysis: SeriesAnalysis; blocksUsed: number } {
  let items = start;
  for (;;) {
    const result = analyseSummarisedSeries(items, limits, options);
    if ('analysis' in result) return { analysis: result.analysis, blocksUsed: items.filter(isBlock).length };
    const expand = new Set(result.expand);
    expect(expand.size).toBeGreaterThan(0);
    items = items.flatMap((item) => (isBlock(item) && expand.has(item) ? sources.get(item)! : [item]));
  }
}

function expectSame(actual: SeriesAnalysis, expected: SeriesAnalysis): void {
  const close = (a: number | undefined, b: number | undefined) => {
    if (b === undefined) expect(a).toBeUndefined();
    else expect(Math.abs(a! - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
  };
  // Counts, boundaries, extremes, time out of range, gaps and excursion periods are exact.
  expect({ ...actual, mean: 0, mkt: 0, mktWindow: 0, excursions: [] }).toEqual({
    ...expected,
    mean: 0,
    mkt: 0,
    mktWindow: 0,
    excursions: [],
  });
  expect(actual.excursions.map((e) => ({ ...e, mktAtEnd: 0 }))).toEqual(
    expected.excursions.map((e) => ({ ...e, mktAtEnd: 0 })),
  );
  // Time-weighted sums are summed in another order: equal up to rounding.
  close(actual.mean, expected.mean);
  close(actual.mkt, expected.mkt);
  close(actual.mktWindow, expected.mktWindow);
  actual.excursions.forEach((e, i) => close(e.mktAtEnd, expected.excursions[i]!.mktAtEnd));
}

describe('summariseHour', () => {
  it('keeps the last reading apart and sums the others over the time each stands for', () => {
    const { block, last } = summariseHour([
      { time: T0 + 120_000, celsius: 6 },
      { time: T0, celsius: 4, maxCelsius: 9 },
      { time: T0 + 60_000, celsius: 5 },
    ]);
    expect(last).toEqual({ time: T0 + 120_000, celsius: 6 });
    expect(block).toMatchObject({
      from: T0,
      to: T0 + 120_000,
      count: 2,
      low: 4,
      high: 9,
      peak: 5,
      celsiusMs: 4 * 60_000 + 5 * 60_000,
      spacings: [[60_000, 2]],
    });
    expect(summariseHour([{ time: T0, celsius: 4 }])).toEqual({ last: { time: T0, celsius: 4 } });
  });
});

describe('appendToHour', () => {
  it('gives exactly what summariseHour gives for the hour’s readings, however they arrive in order', () => {
    fc.assert(
      fc.property(series, fc.array(fc.nat(), { maxLength: 5 }), (readings, cuts) => {
        const hour = readings.filter((r) => r.time < T0 + HOUR_MS);
        if (hour.length === 0) return;
        const bounds = [...new Set(cuts.map((c) => 1 + (c % hour.length)))].sort((a, b) => a - b);
        let summary = summariseHour(hour.slice(0, bounds[0] ?? hour.length));
        bounds.forEach((start, i) => {
          summary = appendToHour(summary, hour.slice(start, bounds[i + 1] ?? hour.length));
        });
        expect(summary).toEqual(summariseHour(hour));
      }),
      { numRuns: 300 },
    );
  });
});

describe('analyseSummarisedSeries', () => {
  it('answers what analyseSeries answers over the raw readings, for any series and any hours left raw', () => {
    fc.assert(
      fc.property(
        series,
        fc.func(fc.boolean()),
        fc.constantFrom(refrigerated, shortWindow),
        fc.option(fc.integer({ min: 0, max: 40 * HOUR_MS })),
        (readings, raw, limits, until) => {
          const options: SeriesOptions = { gapFactor: 3, ...(until === null ? {} : { until: T0 + until }) };
          const { items, sources } = summarised(readings, raw);
          const { analysis } = analyseExpanding(items, sources, limits, options);
          expectSame(analysis, analyseSeries(readings, limits, options));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('uses the hours of a month in range without reading them: a month is ~720 blocks, not 43,200 readings', () => {
    const readings = Array.from({ length: 43_200 }, (_, i) => ({
      time: T0 + i * 60_000,
      celsius: 5 + Math.sin(i / 100),
    }));
    const { items, sources } = summarised(readings, () => false);
    expect(items.length).toBe(1_440);
    const { analysis, blocksUsed } = analyseExpanding(items, sources, refrigerated, { gapFactor: 3 });
    expect(blocksUsed).toBe(720);
    expectSame(analysis, analyseSeries(readings, refrigerated, { gapFactor: 3 }));
  });

  it('answers two loggers of one unit, overlapping or one after the other, as over their readings', () => {
    fc.assert(
      fc.property(series, series, fc.integer({ min: -10 * HOUR_MS, max: 20 * HOUR_MS }), (a, b, shift) => {
        const second = b.map((r) => ({ ...r, time: r.time + shift + 1 }));
        const first = summarised(a, () => false);
        const other = summarised(second, () => false);
        const sources = new Map([...first.sources, ...other.sources]);
        const { analysis } = analyseExpanding([...first.items, ...other.items], sources, refrigerated, {
          gapFactor: 3,
        });
        expectSame(analysis, analyseSeries([...a, ...second], refrigerated, { gapFactor: 3 }));
      }),
      { numRuns: 100 },
    );
  });
});

describe('itemsWithin', () => {
  it('keeps blocks wholly inside, asks for those cut by a boundary', () => {
    const readings = Array.from({ length: 180 }, (_, i) => ({ time: T0 + i * 60_000, celsius: 5 }));
    const { items } = summarised(readings, () => false);
    const within = itemsWithin(items, T0 + 30 * 60_000, T0 + 3 * HOUR_MS);
    expect(within.expand.map((b) => b.from)).toEqual([T0]);
    expect(within.items.filter(isBlock).map((b) => b.from)).toEqual([T0 + HOUR_MS, T0 + 2 * HOUR_MS]);
  });
});
