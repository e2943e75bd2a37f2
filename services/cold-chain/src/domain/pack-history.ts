import {
  analyseSeries,
  GAS_CONSTANT,
  severityOf,
  type ProfileLimits,
  type Reading,
  type SeriesOptions,
  type Severity,
} from '@pedigree/temperature';

/** A period a pack spent in one logistic unit whose temperature was recorded, with that unit's readings. */
export interface LegInput {
  subject: string;
  from: number;
  /** Exclusive; OPEN_END while the pack is still in it. */
  to: number;
  readings: readonly Reading[];
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

/**
 * A pack's temperature over its whole life: each leg against the pack's profile, the time out of range summed over the
 * legs (the budget is the pack's, consumed across every leg), the MKT of all legs together, and the worst status: an
 * excursion is critical once the time consumed up to its end exceeds the budget, or as `severityOf` says; gaps without
 * excursion leave the pack `incomplete`, never `ok`.
 */
export function packHistory(
  legs: readonly LegInput[],
  limits: ProfileLimits,
  options: Omit<SeriesOptions, 'until'>,
): PackHistory {
  const ordered = [...legs].sort((a, b) => a.from - b.from);
  const ratio = (limits.activationEnergy * 1000) / GAS_CONSTANT;
  let consumed = 0;
  let status: PackStatus = 'ok';
  let hasGaps = false;
  let weight = 0;
  let weightedExp = 0;
  const results: LegResult[] = [];
  for (const leg of ordered) {
    const within = leg.readings.filter((r) => r.time >= leg.from && r.time < leg.to);
    const analysis = analyseSeries(within, limits, { ...options, until: leg.to });
    for (const excursion of analysis.excursions) {
      const severity = severityOf(excursion, limits, consumed + excursion.minutes);
      consumed += excursion.minutes;
      if (severity === 'critical') status = 'critical';
      else if (status !== 'critical') status = 'minor';
    }
    if (analysis.gaps.length > 0) hasGaps = true;
    const legWeight = analysis.coveredMs;
    if (analysis.mkt !== undefined && legWeight > 0) {
      weight += legWeight;
      weightedExp += legWeight * Math.exp(-ratio / (analysis.mkt + 273.15));
    }
    results.push({
      subject: leg.subject,
      from: leg.from,
      to: leg.to,
      minutesOutOfRange: analysis.minutesOutOfRange,
      ...(analysis.mkt !== undefined ? { mkt: analysis.mkt } : {}),
      excursions: analysis.excursions.length,
    });
  }
  if (status === 'ok' && hasGaps) status = 'incomplete';
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
      .map((leg) => `${leg.subject}\u0000${leg.from}\u0000${leg.to}`)
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
