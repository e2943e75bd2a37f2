import { largestOf, smallestOf } from './extremes';
import { DEFAULT_ACTIVATION_ENERGY, GAS_CONSTANT } from './mkt';
import type { Reading } from './series';

/** Readings are summarised by UTC hour. */
export const HOUR_MS = 3_600_000;

/**
 * Consecutive readings of one logger summarised: every reading from `from` up to (not including) `to`, where the
 * hour's last reading is, which stays a reading of its own. Each reading of the block stands for the time until the
 * next one, so the block stands for `to − from` — as long as no spacing is a gap and no range boundary cuts it, which
 * `analyseSummarisedSeries` checks, asking for the block's readings where it cannot use the sums.
 */
export interface ReadingBlock {
  /** Time of the first reading, epoch ms. */
  from: number;
  /** Time of the reading after the block's last (the hour's last reading), epoch ms. */
  to: number;
  count: number;
  /** Smallest of the readings' minimum (or value), largest of their maximum (or value), and largest value, °C. */
  low: number;
  high: number;
  peak: number;
  /** Σ °C × ms each reading stands for. */
  celsiusMs: number;
  /** Σ e^(−ΔH / (R·T)) × ms at USP's ΔH (DEFAULT_ACTIVATION_ENERGY), T in kelvin. */
  arrheniusMs: number;
  /** The spacings between consecutive readings (the last one's to `to`), ms ascending, and how often each occurs. */
  spacings: ReadonlyArray<readonly [spacing: number, count: number]>;
}

export type SeriesItem = Reading | ReadingBlock;

export function isBlock(item: SeriesItem): item is ReadingBlock {
  return 'spacings' in item;
}

/** Where an item starts: a reading's time, a block's first reading's time. */
export function startOf(item: SeriesItem): number {
  return isBlock(item) ? item.from : item.time;
}

export interface HourSummary {
  /** All but the last reading; absent when the hour has one reading. */
  block?: ReadingBlock;
  last: Reading;
}

/** The Arrhenius term of a temperature at USP's ΔH, the one blocks are summed at. */
export function arrheniusTerm(celsius: number): number {
  return Math.exp(-((DEFAULT_ACTIVATION_ENERGY * 1000) / GAS_CONSTANT) / (celsius + 273.15));
}

/** One logger's readings of one hour (distinct times, at least one) as stored in reading_hours. */
export function summariseHour(readings: readonly Reading[]): HourSummary {
  const sorted = [...readings].sort((a, b) => a.time - b.time);
  const last = sorted[sorted.length - 1];
  if (!last) throw new Error('an hour without readings has no summary');
  const inBlock = sorted.slice(0, -1);
  if (inBlock.length === 0) return { last };
  const counts = new Map<number, number>();
  let celsiusMs = 0;
  let arrheniusMs = 0;
  inBlock.forEach((reading, i) => {
    const spacing = sorted[i + 1]!.time - reading.time;
    counts.set(spacing, (counts.get(spacing) ?? 0) + 1);
    celsiusMs += reading.celsius * spacing;
    arrheniusMs += arrheniusTerm(reading.celsius) * spacing;
  });
  return {
    block: {
      from: sorted[0]!.time,
      to: last.time,
      count: inBlock.length,
      low: smallestOf(inBlock.map((r) => r.minCelsius ?? r.celsius)),
      high: largestOf(inBlock.map((r) => r.maxCelsius ?? r.celsius)),
      peak: largestOf(inBlock.map((r) => r.celsius)),
      celsiusMs,
      arrheniusMs,
      spacings: [...counts].sort((a, b) => a[0] - b[0]),
    },
    last,
  };
}

/**
 * An hour's summary with readings later than its last added: exactly what `summariseHour` gives for all of them (the
 * sums are added in the same order), without the hour's earlier readings — how in-order readings are stored.
 */
export function appendToHour(summary: HourSummary, readings: readonly Reading[]): HourSummary {
  const sorted = [...readings].sort((a, b) => a.time - b.time);
  if (sorted.length === 0) return summary;
  if (sorted[0]!.time <= summary.last.time) throw new Error('appended readings must follow the hour’s last');
  const chain = [summary.last, ...sorted];
  const added = chain.slice(0, -1);
  const counts = new Map<number, number>(
    summary.block?.spacings.map(([spacing, count]) => [spacing, count]) ?? [],
  );
  let celsiusMs = summary.block?.celsiusMs ?? 0;
  let arrheniusMs = summary.block?.arrheniusMs ?? 0;
  added.forEach((reading, i) => {
    const spacing = chain[i + 1]!.time - reading.time;
    counts.set(spacing, (counts.get(spacing) ?? 0) + 1);
    celsiusMs += reading.celsius * spacing;
    arrheniusMs += arrheniusTerm(reading.celsius) * spacing;
  });
  const lows = added.map((r) => r.minCelsius ?? r.celsius);
  const highs = added.map((r) => r.maxCelsius ?? r.celsius);
  const values = added.map((r) => r.celsius);
  const block = summary.block;
  return {
    block: {
      from: block?.from ?? summary.last.time,
      to: chain[chain.length - 1]!.time,
      count: (block?.count ?? 0) + added.length,
      low: smallestOf(block ? [block.low, ...lows] : lows),
      high: largestOf(block ? [block.high, ...highs] : highs),
      peak: largestOf(block ? [block.peak, ...values] : values),
      celsiusMs,
      arrheniusMs,
      spacings: [...counts].sort((a, b) => a[0] - b[0]),
    },
    last: chain[chain.length - 1]!,
  };
}

/**
 * The items of a series within [from, to): readings by time, blocks wholly inside; blocks cut by a boundary are to be
 * replaced by their readings.
 */
export function itemsWithin(
  items: readonly SeriesItem[],
  from: number,
  to: number,
): { items: SeriesItem[]; expand: ReadingBlock[] } {
  const within: SeriesItem[] = [];
  const expand: ReadingBlock[] = [];
  for (const item of items) {
    if (!isBlock(item)) {
      if (item.time >= from && item.time < to) within.push(item);
    } else if (item.from >= from && item.to < to) within.push(item);
    else if (item.to > from && item.from < to) expand.push(item);
  }
  return { items: within, expand };
}

/** Thrown where an answer needs the readings of summarised blocks: the reader replaces them and asks again. */
export class NeedsReadings extends Error {
  constructor(readonly blocks: readonly ReadingBlock[]) {
    super(`the readings of ${blocks.length} summarised hour(s) are needed`);
  }
}
