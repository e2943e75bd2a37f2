import { createHash } from 'node:crypto';
import { packHistories } from '../domain/pack-history';
import type { PackInSubject, StoredProfile, TemperatureReader } from '../store/temperature-reader';
import {
  analyseItems,
  largestOf,
  limitsOf,
  severityOf,
  type ExcursionPeriod,
  type Severity,
} from '@pedigree/temperature';

/** An excursion of a subject for one product (GTIN), with the packs it affected. */
export interface EvaluatedExcursion {
  id: string;
  subjectKey: string;
  gtin: string;
  profile: StoredProfile;
  period: ExcursionPeriod;
  severity: Severity;
  budgetConsumedMinutes: number;
  packs: PackInSubject[];
}

/** The excursion's identity: its subject, product and start (a later evaluation finds the same one again). */
export function excursionId(subjectKey: string, gtin: string, start: number): string {
  const hex = createHash('sha256')
    .update(`${subjectKey}\n${gtin}\n${new Date(start).toISOString()}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The excursions of a subject: its readings (every logger that travelled with it) against the profile of each product
 * it held, each excursion with the packs inside during it and the largest budget any of them has consumed over its
 * whole life (every leg), which decides with the absolute limits and the MKT whether it is critical.
 */
export function evaluateSubject(
  reader: TemperatureReader,
  subjectKey: string,
  gapFactor: number,
): Promise<EvaluatedExcursion[]> {
  // Summarised hours the computation cannot use as they are are read as readings, and it runs again.
  return reader.expanding(() => evaluate(reader, subjectKey, gapFactor));
}

async function evaluate(
  reader: TemperatureReader,
  subjectKey: string,
  gapFactor: number,
): Promise<EvaluatedExcursion[]> {
  // Nothing to judge without packs of a product that has a profile: the readings are not read then.
  const packs = await reader.packsIn(subjectKey);
  const profiles = await reader.profiles([...new Set(packs.map((p) => p.gtin))]);
  if (profiles.size === 0) return [];
  const series = await reader.subjectSeries(subjectKey);
  if (series.readings.length === 0) return [];
  // Every pack's whole life (every leg), per product: the budget it has consumed.
  const legs = await reader.legsOfMany([...new Set(packs.map((p) => p.key))]);
  const consumedByGtin = new Map<string, Map<string, number>>();
  for (const [gtin, profile] of profiles) {
    const keys = new Set(packs.filter((p) => p.gtin === gtin).map((p) => p.key));
    const own = new Map([...legs].filter(([key]) => keys.has(key)));
    const histories = packHistories(own, limitsOf(profile), { gapFactor });
    consumedByGtin.set(gtin, new Map([...histories].map(([key, h]) => [key, h.minutesOutOfRange])));
  }
  const found: EvaluatedExcursion[] = [];
  for (const [gtin, profile] of profiles) {
    const limits = limitsOf(profile);
    const analysis = analyseItems(series.readings, limits, { gapFactor });
    for (const period of analysis.excursions) {
      const affected = packs.filter((p) => p.gtin === gtin && p.from < period.end && p.to > period.start);
      if (affected.length === 0) continue;
      const consumed = consumedByGtin.get(gtin)!;
      const budgetConsumedMinutes = largestOf(affected.map((pack) => consumed.get(pack.key) ?? 0));
      const unique = [...new Map(affected.map((p) => [p.key, p])).values()];
      found.push({
        id: excursionId(subjectKey, gtin, period.start),
        subjectKey,
        gtin,
        profile,
        period,
        severity: severityOf(period, limits, budgetConsumedMinutes),
        budgetConsumedMinutes,
        packs: unique,
      });
    }
  }
  return found;
}
