import {
  analyseItems,
  GAS_CONSTANT,
  itemsWithin,
  NeedsReadings,
  type SeriesItem,
  severityOf,
  type ProfileLimits,
  type SeriesOptions,
  type Severity,
} from '@pedigree/temperature';

/** A period a pack spent in one logistic unit whose temperature was recorded, with that unit's readings. */
export interface LegInput {
  subject: string;
  /** How far the unit is from the pack: 0 the pack itself, 1 its case or pallet, 2 the pallet around that case, … */
  level: number;
  from: number;
  /** Exclusive; OPEN_END while the pack is still in it. */
  to: number;
  /** Readings, and hours of readings summarised (libs/temperature `summariseHour`). */
  readings: readonly SeriesItem[];
}

export interface LegResult {
  subject: string;
  from: number;
  to: number;
  minutesOutOfRange: number;
  /** °C; undefined without readings. */
  mkt?: number;
  excursions: number;
}

export type PackStatus = 'ok' | 'incomplete' | Severity;

export interface PackHistory {
  legs: LegResult[];
  minutesOutOfRange: number;
  budgetRemainingMinutes: number;
  /** Over every leg, time-weighted, °C. */
  mkt?: number;
  status: PackStatus;
}

/** [from, to) less the spans already recorded. */
function uncovered(
  from: number,
  to: number,
  recorded: ReadonlyArray<readonly [number, number]>,
): Array<[number, number]> {
  let parts: Array<[number, number]> = [[from, to]];
  for (const [start, end] of recorded)
    parts = parts.flatMap(([a, b]): Array<[number, number]> => {
      if (end <= a || start >= b) return [[a, b]];
      return [
        ...(start > a ? [[a, start] as [number, number]] : []),
        ...(end < b ? [[end, b] as [number, number]] : []),
      ];
    });
  return parts.filter(([a, b]) => b > a);
}

/**
 * A pack's temperature over its whole life: each leg against the pack's profile, the time out of range summed over the
 * legs (the budget is the pack's, consumed across every leg), the MKT of all legs together, and the worst status: an
 * excursion is critical once the time consumed up to its end exceeds the budget, or as `severityOf` says; gaps without
 * excursion leave the pack `incomplete`, never `ok`. When units nested around the pack both recorded (a case logger
 * inside a pallet with its own), the innermost unit's readings count for the time it recorded, the outer unit's for
 * the rest: no minute is counted twice. Throws NeedsReadings where a summarised hour cannot be used as it is.
 */
export function packHistory(
  legs: readonly LegInput[],
  limits: ProfileLimits,
  options: Omit<SeriesOptions, 'until'>,
): PackHistory {
  const inwardFirst = [...legs].sort((a, b) => a.level - b.level || a.from - b.from);
  const ratio = (limits.activationEnergy * 1000) / GAS_CONSTANT;
  const recorded: Array<[number, number]> = [];
  const excursions: Array<{
    start: number;
    minutes: number;
    absoluteLimitCrossed: boolean;
    mktAtEnd: number;
  }> = [];
  let hasGaps = false;
  let weight = 0;
  let weightedExp = 0;
  const results: LegResult[] = [];
  for (const leg of inwardFirst) {
    const result: LegResult = {
      subject: leg.subject,
      from: leg.from,
      to: leg.to,
      minutesOutOfRange: 0,
      excursions: 0,
    };
    let legWeight = 0;
    let legExp = 0;
    const spans: Array<[number, number]> = [];
    for (const [from, to] of uncovered(leg.from, leg.to, recorded)) {
      const within = itemsWithin(leg.readings, from, to);
      if (within.expand.length > 0) throw new NeedsReadings(within.expand);
      const analysis = analyseItems(within.items, limits, { ...options, until: to });
      excursions.push(...analysis.excursions);
      if (analysis.gaps.length > 0) hasGaps = true;
      result.minutesOutOfRange += analysis.minutesOutOfRange;
      result.excursions += analysis.excursions.length;
      if (analysis.mkt !== undefined && analysis.coveredMs > 0) {
        legWeight += analysis.coveredMs;
        legExp += analysis.coveredMs * Math.exp(-ratio / (analysis.mkt + 273.15));
      }
      if (analysis.from !== undefined && analysis.to !== undefined)
        spans.push(
          ...uncovered(
            analysis.from,
            analysis.to,
            analysis.gaps.map((g) => [g.from, g.to] as const),
          ),
        );
    }
    recorded.push(...spans);
    if (legWeight > 0) {
      result.mkt = ratio / -Math.log(legExp / legWeight) - 273.15;
      weight += legWeight;
      weightedExp += legExp;
    }
    results.push(result);
  }
  // Severity in time order: an excursion is critical once the time consumed up to its end exceeds the budget.
  let consumed = 0;
  let status: PackStatus = 'ok';
  for (const excursion of excursions.sort((a, b) => a.start - b.start)) {
    consumed += excursion.minutes;
    if (severityOf(excursion, limits, consumed) === 'critical') status = 'critical';
    else if (status !== 'critical') status = 'minor';
  }
  if (status === 'ok' && hasGaps) status = 'incomplete';
  results.sort((a, b) => a.from - b.from || a.subject.localeCompare(b.subject));
  const minutesOutOfRange = results.reduce((sum, leg) => sum + leg.minutesOutOfRange, 0);
  const mkt = weight > 0 ? ratio / -Math.log(weightedExp / weight) - 273.15 : undefined;
  return {
    legs: results,
    minutesOutOfRange,
    budgetRemainingMinutes: limits.budgetMinutes - minutesOutOfRange,
    ...(mkt !== undefined ? { mkt } : {}),
    status,
  };
}

/**
 * The histories of many packs; packs that travelled the same legs (the packs of one case or pallet) share one
 * computation. The legs' readings must be those of the legs (same subject and period, same readings).
 */
export function packHistories(
  legsByPack: ReadonlyMap<string, readonly LegInput[]>,
  limits: ProfileLimits,
  options: Omit<SeriesOptions, 'until'>,
): Map<string, PackHistory> {
  const bySignature = new Map<string, PackHistory>();
  const result = new Map<string, PackHistory>();
  for (const [key, legs] of legsByPack) {
    const signature = legs
      .map((leg) => `${leg.subject}\u0000${leg.level}\u0000${leg.from}\u0000${leg.to}`)
      .sort()
      .join('\u0001');
    let history = bySignature.get(signature);
    if (!history) {
      history = packHistory(legs, limits, options);
      bySignature.set(signature, history);
    }
    result.set(key, history);
  }
  return result;
}
