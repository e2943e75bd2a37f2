import { largestOf, smallestOf } from './extremes';
import { GAS_CONSTANT, meanKineticTemperature, type WeightedTemperature } from './mkt';
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

interface Covered extends Reading {
  /** Milliseconds the reading stands for (sample and hold until the next one, or the logger's interval). */
  coverage: number;
  out: boolean;
  critical: boolean;
  gapAfter?: Gap;
}

const MINUTE = 60_000;

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
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
  const sorted = [...readings].sort((a, b) => a.time - b.time);
  if (sorted.length === 0) return { count: 0, minutesOutOfRange: 0, coveredMs: 0, excursions: [], gaps: [] };
  const spacings: number[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const spacing = sorted[i]!.time - sorted[i - 1]!.time;
    if (spacing > 0) spacings.push(spacing);
  }
  const interval = median(spacings);
  const covered: Covered[] = sorted.map((reading, i) => {
    const next = sorted[i + 1];
    let coverage = next ? next.time - reading.time : interval;
    let gapAfter: Gap | undefined;
    if (next && interval > 0 && coverage > options.gapFactor * interval) {
      coverage = interval;
      gapAfter = {
        from: reading.time + interval,
        to: next.time,
        minutes: (next.time - reading.time - interval) / MINUTE,
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
    return { ...reading, coverage, out, critical, ...(gapAfter ? { gapAfter } : {}) };
  });

  const weighted = (items: readonly Covered[]): WeightedTemperature[] =>
    items.map((r) => ({ celsius: r.celsius, weight: r.coverage }));
  const mktBetween = windowedMkt(covered, limits.activationEnergy);

  const totalWeight = covered.reduce((sum, r) => sum + r.coverage, 0);
  const mean =
    totalWeight > 0
      ? covered.reduce((sum, r) => sum + r.celsius * r.coverage, 0) / totalWeight
      : covered.reduce((sum, r) => sum + r.celsius, 0) / covered.length;
  const last = covered[covered.length - 1]!;
  const end = last.time + last.coverage;

  const excursions: ExcursionPeriod[] = [];
  let open: ExcursionPeriod | undefined;
  const close = () => {
    if (!open) return;
    open.mktAtEnd = mktBetween(open.end - limits.mktWindowMs, open.end + 1) ?? open.observedMax;
    excursions.push(open);
    open = undefined;
  };
  for (const reading of covered) {
    if (reading.out) {
      const low = reading.minCelsius ?? reading.celsius;
      const high = reading.maxCelsius ?? reading.celsius;
      if (!open) {
        open = {
          start: reading.time,
          end: reading.time,
          ongoing: false,
          minutes: 0,
          observedMin: low,
          observedMax: high,
          absoluteLimitCrossed: false,
          mktAtEnd: 0,
        };
      }
      open.end = reading.time + reading.coverage;
      open.minutes += reading.coverage / MINUTE;
      open.observedMin = Math.min(open.observedMin, low);
      open.observedMax = Math.max(open.observedMax, high);
      open.absoluteLimitCrossed ||= reading.critical;
      if (reading === last) open.ongoing = true;
    } else {
      close();
    }
    if (reading.gapAfter) close();
  }
  close();

  return {
    count: covered.length,
    from: covered[0]!.time,
    to: end,
    min: smallestOf(covered.map((r) => r.minCelsius ?? r.celsius)),
    max: largestOf(covered.map((r) => r.maxCelsius ?? r.celsius)),
    mean,
    mkt: meanKineticTemperature(weighted(covered), limits.activationEnergy),
    mktWindow: mktBetween(end - limits.mktWindowMs, end + 1),
    minutesOutOfRange: covered.filter((r) => r.out).reduce((sum, r) => sum + r.coverage, 0) / MINUTE,
    coveredMs: totalWeight,
    excursions,
    gaps: covered.flatMap((r) => (r.gapAfter ? [r.gapAfter] : [])),
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
 * excursions of a month of readings a minute apart each need the MKT of their window.
 */
function windowedMkt(
  series: ReadonlyArray<{ time: number; celsius: number; coverage: number }>,
  activationEnergy: number,
): (from: number, to: number) => number | undefined {
  const ratio = (activationEnergy * 1000) / GAS_CONSTANT;
  const exponents = series.map((r) => -ratio / (r.celsius + 273.15));
  const largest = largestOf(exponents);
  const weights = [0];
  const terms = [0];
  const counts = [0];
  const equalTerms = [0];
  series.forEach((r, i) => {
    const term = Math.exp(exponents[i]! - largest);
    weights.push(weights[i]! + r.coverage);
    terms.push(terms[i]! + r.coverage * term);
    counts.push(i + 1);
    equalTerms.push(equalTerms[i]! + term);
  });
  /** The index of the first reading at or after `time`. */
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
    // Readings that all stand for no time count equally (as meanKineticTemperature does).
    const mean =
      weight > 0
        ? (terms[end]! - terms[first]!) / weight
        : (equalTerms[end]! - equalTerms[first]!) / (counts[end]! - counts[first]!);
    return ratio / -(Math.log(mean) + largest) - 273.15;
  };
}
