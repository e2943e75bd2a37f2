import { largestOf, smallestOf } from './extremes';
import { isBlock, NeedsReadings, startOf, type ReadingBlock, type SeriesItem } from './hours';
import { DEFAULT_ACTIVATION_ENERGY, GAS_CONSTANT } from './mkt';
import type { ProfileLimits } from './profiles';

/** One reading of a logger, in °C. A summary reading (EPCIS min/max/mean over a span) carries its extremes too. */
export interface Reading {
  /** Epoch milliseconds. */
  time: number;
  celsius: number;
  minCelsius?: number | null;
  maxCelsius?: number | null;
}

export interface SeriesOptions {
  /** A logger silent for more than this multiple of its interval (the median spacing of its readings) has a gap. */
  gapFactor: number;
  /** Readings stand for no time after this instant (the end of a leg), epoch ms. */
  until?: number;
}

export interface Gap {
  from: number;
  to: number;
  minutes: number;
}

export interface ExcursionPeriod {
  start: number;
  /** End of the time the last out-of-range reading stands for. */
  end: number;
  /** The series ends out of range: the excursion may still be going on. */
  ongoing: boolean;
  minutes: number;
  observedMin: number;
  observedMax: number;
  /** A reading beyond absoluteMin/absoluteMax, or at/below the freeze limit. */
  absoluteLimitCrossed: boolean;
  /** MKT over the profile's window ending at the excursion's end, °C. */
  mktAtEnd: number;
}

export interface SeriesAnalysis {
  count: number;
  from?: number;
  to?: number;
  min?: number;
  max?: number;
  /** Time-weighted mean, °C. */
  mean?: number;
  /** Time-weighted MKT over the whole series, °C. */
  mkt?: number;
  /** Time-weighted MKT over the profile's window ending at the series' end, °C. */
  mktWindow?: number;
  minutesOutOfRange: number;
  /** Milliseconds the readings stand for (the series' span less its gaps): the series' weight beside others. */
  coveredMs: number;
  excursions: ExcursionPeriod[];
  gaps: Gap[];
}

interface Covered {
  time: number;
  /** Milliseconds the reading (or block) stands for (sample and hold until the next one, or the logger's interval). */
  coverage: number;
  out: boolean;
  critical: boolean;
  low: number;
  high: number;
  gapAfter?: Gap;
  reading?: Reading;
  block?: ReadingBlock;
}

const MINUTE = 60_000;

/** The median of a multiset given as [value, count] pairs; 0 when empty. */
function medianOf(counted: ReadonlyArray<readonly [number, number]>): number {
  const sorted = [...counted].filter(([, count]) => count > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return 0;
  const at = (index: number) => {
    let seen = 0;
    for (const [value, count] of sorted) {
      seen += count;
      if (index < seen) return value;
    }
    return sorted[sorted.length - 1]![0];
  };
  const mid = Math.floor(total / 2);
  return total % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

/**
 * The temperature history of a logistic unit or leg against a profile. Readings are sorted first, so late and
 * out-of-order readings give what in-order ones would. Each reading stands for the time until the next one; when the
 * logger was silent for more than `gapFactor` times its interval, the reading stands for one interval and the rest is
 * a gap — neither in range nor out of range, reported as such.
 */
export function analyseSeries(
  readings: readonly Reading[],
  limits: ProfileLimits,
  options: SeriesOptions,
): SeriesAnalysis {
  const result = analyseSummarisedSeries(readings, limits, options);
  if (!('analysis' in result)) throw new Error('a series of readings has no blocks to expand');
  return result.analysis;
}

/** `analyseSummarisedSeries`, throwing NeedsReadings with the blocks whose readings it needs. */
export function analyseItems(
  items: readonly SeriesItem[],
  limits: ProfileLimits,
  options: SeriesOptions,
): SeriesAnalysis {
  const result = analyseSummarisedSeries(items, limits, options);
  if ('expand' in result) throw new NeedsReadings(result.expand);
  return result.analysis;
}

/**
 * `analyseSeries` over readings and blocks of readings summarised by hour (`summariseHour`): the same answer as over
 * the blocks' readings (up to the rounding of sums), or the blocks whose readings it needs — a block out of range, with
 * a gap inside, cut by the end of the series (`until`) or by an MKT window, overlapping another logger's readings, not
 * followed by its hour's last reading, or summed at another ΔH than the profile's. The caller replaces those by their
 * readings and asks again.
 */
export function analyseSummarisedSeries(
  items: readonly SeriesItem[],
  limits: ProfileLimits,
  options: SeriesOptions,
): { analysis: SeriesAnalysis } | { expand: ReadingBlock[] } {
  const sorted = [...items].sort((a, b) => startOf(a) - startOf(b));
  if (sorted.length === 0)
    return { analysis: { count: 0, minutesOutOfRange: 0, coveredMs: 0, excursions: [], gaps: [] } };
  const counted: Array<readonly [number, number]> = [];
  const expand = new Set<ReadingBlock>();
  sorted.forEach((item, i) => {
    const next = sorted[i + 1];
    if (isBlock(item)) {
      counted.push(...item.spacings);
      const previous = sorted[i - 1];
      const isolated =
        next !== undefined &&
        !isBlock(next) &&
        next.time === item.to &&
        (previous === undefined || (isBlock(previous) ? previous.to : previous.time) < item.from);
      if (!isolated || limits.activationEnergy !== DEFAULT_ACTIVATION_ENERGY) expand.add(item);
      if (item.low < limits.rangeMin || item.high > limits.rangeMax) expand.add(item);
      if (options.until !== undefined && item.to > options.until) expand.add(item);
    } else if (next) {
      const spacing = startOf(next) - item.time;
      if (spacing > 0) counted.push([spacing, 1]);
    }
  });
  const interval = medianOf(counted);
  for (const block of sorted.filter(isBlock))
    if (interval > 0 && block.spacings[block.spacings.length - 1]![0] > options.gapFactor * interval)
      expand.add(block);
  if (expand.size > 0) return { expand: [...expand] };

  const covered: Covered[] = sorted.map((item, i) => {
    if (isBlock(item))
      return {
        time: item.from,
        coverage: item.to - item.from,
        out: false,
        critical: false,
        low: item.low,
        high: item.high,
        block: item,
      };
    const reading = item;
    const next = sorted[i + 1];
    let coverage = next ? startOf(next) - reading.time : interval;
    let gapAfter: Gap | undefined;
    if (next && interval > 0 && coverage > options.gapFactor * interval) {
      coverage = interval;
      gapAfter = {
        from: reading.time + interval,
        to: startOf(next),
        minutes: (startOf(next) - reading.time - interval) / MINUTE,
      };
    }
    if (options.until !== undefined) coverage = Math.max(0, Math.min(coverage, options.until - reading.time));
    const low = reading.minCelsius ?? reading.celsius;
    const high = reading.maxCelsius ?? reading.celsius;
    const out = low < limits.rangeMin || high > limits.rangeMax;
    const critical =
      (limits.absoluteMin !== null && low < limits.absoluteMin) ||
      (limits.absoluteMax !== null && high > limits.absoluteMax) ||
      (limits.freezeLimit !== null && low <= limits.freezeLimit);
    return {
      time: reading.time,
      coverage,
      out,
      critical,
      low,
      high,
      reading,
      ...(gapAfter ? { gapAfter } : {}),
    };
  });

  const totalWeight = covered.reduce((sum, r) => sum + r.coverage, 0);
  const celsiusOf = (r: Covered) => r.reading?.celsius ?? 0;
  const mean =
    totalWeight > 0
      ? covered.reduce((sum, r) => sum + (r.block ? r.block.celsiusMs : celsiusOf(r) * r.coverage), 0) /
        totalWeight
      : covered.reduce((sum, r) => sum + celsiusOf(r), 0) / covered.length;
  const last = covered[covered.length - 1]!;
  const end = last.time + last.coverage;

  const excursions: ExcursionPeriod[] = [];
  let open: ExcursionPeriod | undefined;
  const close = () => {
    if (!open) return;
    excursions.push(open);
    open = undefined;
  };
  for (const item of covered) {
    if (item.out) {
      if (!open) {
        open = {
          start: item.time,
          end: item.time,
          ongoing: false,
          minutes: 0,
          observedMin: item.low,
          observedMax: item.high,
          absoluteLimitCrossed: false,
          mktAtEnd: 0,
        };
      }
      open.end = item.time + item.coverage;
      open.minutes += item.coverage / MINUTE;
      open.observedMin = Math.min(open.observedMin, item.low);
      open.observedMax = Math.max(open.observedMax, item.high);
      open.absoluteLimitCrossed ||= item.critical;
      if (item === last) open.ongoing = true;
    } else {
      close();
    }
    if (item.gapAfter) close();
  }
  close();

  // MKT windows: a block must lie wholly inside or outside each.
  const windows: Array<[number, number]> = [
    [end - limits.mktWindowMs, end + 1],
    ...excursions.map((e): [number, number] => [e.end - limits.mktWindowMs, e.end + 1]),
  ];
  for (const block of sorted.filter(isBlock))
    for (const [from, to] of windows) {
      const inside = from <= block.from && block.to <= to;
      const outside = block.to <= from || block.from >= to;
      if (!inside && !outside) expand.add(block);
    }
  if (expand.size > 0) return { expand: [...expand] };
  const mktBetween = windowedMkt(covered, limits.activationEnergy);
  for (const excursion of excursions)
    excursion.mktAtEnd =
      mktBetween(excursion.end - limits.mktWindowMs, excursion.end + 1) ?? excursion.observedMax;

  return {
    analysis: {
      count: covered.reduce((sum, r) => sum + (r.block ? r.block.count : 1), 0),
      from: covered[0]!.time,
      to: end,
      min: smallestOf(covered.map((r) => r.low)),
      max: largestOf(covered.map((r) => r.high)),
      mean,
      mkt: mktBetween(-Infinity, Infinity),
      mktWindow: mktBetween(end - limits.mktWindowMs, end + 1),
      minutesOutOfRange: covered.filter((r) => r.out).reduce((sum, r) => sum + r.coverage, 0) / MINUTE,
      coveredMs: totalWeight,
      excursions,
      gaps: covered.flatMap((r) => (r.gapAfter ? [r.gapAfter] : [])),
    },
  };
}

export type Severity = 'minor' | 'critical';

/**
 * An excursion's severity: critical when an absolute or freeze limit was crossed, when the MKT over the profile's window
 * is above mktMax, or when the time out of range consumed by the affected packs exceeds the budget; minor otherwise.
 */
export function severityOf(
  excursion: Pick<ExcursionPeriod, 'absoluteLimitCrossed' | 'mktAtEnd'>,
  limits: ProfileLimits,
  budgetConsumedMinutes: number,
): Severity {
  if (excursion.absoluteLimitCrossed) return 'critical';
  if (limits.mktMax !== null && excursion.mktAtEnd > limits.mktMax) return 'critical';
  if (budgetConsumedMinutes > limits.budgetMinutes) return 'critical';
  return 'minor';
}

/**
 * MKT over any window of a sorted, weighted series in O(log n): prefix sums of the weights and of the weighted
 * Arrhenius terms (scaled by the series' largest term, so that nothing underflows), found by binary search — the
 * excursions of a month of readings a minute apart each need the MKT of their window. A block counts with its sums
 * (at USP's ΔH, which the caller has checked is the profile's) and lies wholly inside or outside each window asked.
 */
function windowedMkt(
  series: readonly Covered[],
  activationEnergy: number,
): (from: number, to: number) => number | undefined {
  const ratio = (activationEnergy * 1000) / GAS_CONSTANT;
  const exponents = series.map((r) => -ratio / ((r.block ? r.block.peak : r.reading!.celsius) + 273.15));
  const largest = largestOf(exponents);
  const scale = Math.exp(-largest);
  const weights = [0];
  const terms = [0];
  const counts = [0];
  const equalTerms = [0];
  series.forEach((r, i) => {
    const term = r.block ? 0 : Math.exp(exponents[i]! - largest);
    weights.push(weights[i]! + r.coverage);
    terms.push(terms[i]! + (r.block ? r.block.arrheniusMs * scale : r.coverage * term));
    counts.push(counts[i]! + (r.block ? r.block.count : 1));
    equalTerms.push(equalTerms[i]! + term);
  });
  /** The index of the first item at or after `time`. */
  const indexOf = (time: number) => {
    let low = 0;
    let high = series.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (series[mid]!.time < time) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  return (from, to) => {
    const first = indexOf(from);
    const end = indexOf(to);
    if (end <= first) return undefined;
    const weight = weights[end]! - weights[first]!;
    // Readings that all stand for no time count equally (as meanKineticTemperature does); a block has weight.
    const mean =
      weight > 0
        ? (terms[end]! - terms[first]!) / weight
        : (equalTerms[end]! - equalTerms[first]!) / (counts[end]! - counts[first]!);
    return ratio / -(Math.log(mean) + largest) - 273.15;
  };
}
