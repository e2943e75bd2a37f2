import { Inject, Injectable } from '@nestjs/common';
import { seesEveryParty, type Principal } from '@pedigree/auth';
import type { DatabaseHandle } from '@pedigree/database';
import { DATABASE, SERVICE_CONFIG } from '@pedigree/service-runtime';
import type { ColdChainConfig } from '../config';
import { OPEN_END } from '../domain/containment';
import { packHistories, packHistory, type PackStatus } from '../domain/pack-history';
import { TemperatureReader } from '../store/temperature-reader';
import type { PackTemperature, ShipmentTemperature } from './answers';
import { ExcursionsService } from './excursions.service';
import { ssccOf } from './identifiers';
import { notFound } from './problems';
import { Visibility } from './visibility';
import {
  DEFAULT_ACTIVATION_ENERGY,
  limitsOf,
  type ProfileLimits,
  analyseItems,
  type Reading,
  fromCelsius,
  type TemperatureUnit,
} from '@pedigree/temperature';

const STATUS_RANK: Record<PackStatus, number> = { ok: 0, incomplete: 1, minor: 2, critical: 3 };
/** Without a profile: no range to leave, USP's default activation energy, a 30-day window. */
const NO_PROFILE: ProfileLimits = {
  rangeMin: -Infinity,
  rangeMax: Infinity,
  absoluteMin: null,
  absoluteMax: null,
  mktMax: null,
  freezeLimit: null,
  mktWindowMs: 720 * 3_600_000,
  activationEnergy: DEFAULT_ACTIVATION_ENERGY,
  budgetMinutes: 0,
};

const iso = (ms: number | undefined) =>
  ms === undefined || Math.abs(ms) >= OPEN_END ? null : new Date(ms).toISOString();

/** The temperature answers of a logistic unit and of a pack, computed from the stored readings on request. */
@Injectable()
export class TemperatureService {
  private readonly visibility: Visibility;

  constructor(
    @Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>,
    @Inject(SERVICE_CONFIG) private readonly config: ColdChainConfig,
    private readonly excursions: ExcursionsService,
  ) {
    this.visibility = new Visibility(database.pool);
  }

  /** The readings of a logistic unit the principal may see (404 otherwise), in °C. */
  async shipmentReadings(
    subjectKey: string,
    principal: Principal,
  ): Promise<{ readings: Reading[]; uom: TemperatureUnit }> {
    await this.assertSeesSubject(subjectKey, principal);
    const reader = new TemperatureReader(this.database.pool);
    const readings = await reader.subjectReadings(subjectKey);
    const packs = await reader.packsIn(subjectKey);
    const profiles = await reader.profiles([...new Set(packs.map((p) => p.gtin))]);
    const first = [...profiles.values()].sort((a, b) => (a.gtin < b.gtin ? -1 : 1))[0];
    return { readings: readings.sort((a, b) => a.time - b.time), uom: first?.uom ?? 'CEL' };
  }

  /** The allowed range of the first product's profile (by GTIN) the unit held, in its unit. */
  async band(subjectKey: string): Promise<{ min: number; max: number } | undefined> {
    const reader = new TemperatureReader(this.database.pool);
    const packs = await reader.packsIn(subjectKey);
    const profiles = await reader.profiles([...new Set(packs.map((p) => p.gtin))]);
    const first = [...profiles.values()].sort((a, b) => (a.gtin < b.gtin ? -1 : 1))[0];
    return first ? { min: first.rangeMin, max: first.rangeMax } : undefined;
  }

  async shipment(subjectKey: string, principal: Principal): Promise<ShipmentTemperature> {
    await this.assertSeesSubject(subjectKey, principal);
    const reader = new TemperatureReader(this.database.pool);
    // From the hourly summaries; hours the answer cannot use as they are are read as readings, and it runs again.
    const [answer, excursions] = await Promise.all([
      reader.expanding(() => this.shipmentFrom(reader, subjectKey)),
      this.excursions.ofSubject(subjectKey),
    ]);
    return { ...answer, excursions };
  }

  private async shipmentFrom(
    reader: TemperatureReader,
    subjectKey: string,
  ): Promise<Omit<ShipmentTemperature, 'excursions'>> {
    const [series, packs] = await Promise.all([reader.subjectSeries(subjectKey), reader.packsIn(subjectKey)]);
    const gtins = [...new Set(packs.map((p) => p.gtin))].sort();
    const profiles = await reader.profiles(gtins);
    // The answer is in the unit of the first product's profile (by GTIN), judged by that profile.
    const first = [...profiles.values()].sort((a, b) => (a.gtin < b.gtin ? -1 : 1))[0];
    const uom: TemperatureUnit = first?.uom ?? 'CEL';
    const limits = first ? limitsOf(first) : NO_PROFILE;
    const gapFactor = this.config.READINGS_GAP_FACTOR;
    const analysis = analyseItems(series.readings, limits, { gapFactor });
    const t = (c: number | undefined) => (c === undefined ? null : fromCelsius(c, uom));
    const legs = await reader.legsOfMany([...new Set(packs.map((p) => p.key))]);
    const perProduct = [];
    for (const [gtin, profile] of [...profiles].sort()) {
      const keys = new Set(packs.filter((p) => p.gtin === gtin).map((p) => p.key));
      const histories = packHistories(
        new Map([...legs].filter(([key]) => keys.has(key))),
        limitsOf(profile),
        { gapFactor },
      );
      let remaining = profile.excursionBudgetMinutes;
      let status: PackStatus = 'ok';
      for (const history of histories.values()) {
        remaining = Math.min(remaining, history.budgetRemainingMinutes);
        if (STATUS_RANK[history.status] > STATUS_RANK[status]) status = history.status;
      }
      perProduct.push({ gtin, packs: keys.size, budgetRemainingMinutes: remaining, status });
    }
    return {
      subject: subjectKey,
      sscc: ssccOf(subjectKey) ?? subjectKey,
      uom,
      readings: analysis.count,
      from: iso(analysis.from),
      to: iso(analysis.to),
      min: t(analysis.min),
      max: t(analysis.max),
      mean: t(analysis.mean),
      mkt: t(analysis.mkt),
      mktWindow: t(analysis.mktWindow),
      minutesOutOfRange: analysis.minutesOutOfRange,
      gaps: analysis.gaps.map((g) => ({ from: iso(g.from)!, to: iso(g.to)!, minutes: g.minutes })),
      profiles: perProduct,
    };
  }

  async pack(packKey: string, principal: Principal): Promise<PackTemperature> {
    const reader = new TemperatureReader(this.database.pool);
    const { rows } = await this.database.pool.query<{ gtin: string; serial: string; lot: string | null }>(
      `SELECT gtin, serial, lot FROM items WHERE key = $1`,
      [packKey],
    );
    const item = rows[0];
    if (!item) throw notFound('no such pack');
    const legs = await reader.legsOf(packKey);
    const visible =
      seesEveryParty(principal) ||
      this.visibility.ownsGtin(principal, item.gtin) ||
      (await this.visibility.seesAny(principal, [packKey, ...legs.map((l) => l.subject)]));
    if (!visible) throw notFound('no such pack');
    const profile = (await reader.profiles([item.gtin])).get(item.gtin);
    if (!profile) throw notFound(`no storage profile for GTIN ${item.gtin}: the pack cannot be judged`);
    const gapFactor = this.config.READINGS_GAP_FACTOR;
    const history = await reader.expanding(async () =>
      packHistory(await reader.legsOf(packKey), limitsOf(profile), { gapFactor }),
    );
    const t = (c: number | undefined) => (c === undefined ? null : fromCelsius(c, profile.uom));
    return {
      ...item,
      uom: profile.uom,
      legs: history.legs.map((leg) => ({
        subject: leg.subject,
        from: iso(leg.from),
        to: iso(leg.to),
        minutesOutOfRange: leg.minutesOutOfRange,
        mkt: t(leg.mkt),
        excursions: leg.excursions,
      })),
      minutesOutOfRange: history.minutesOutOfRange,
      budgetRemainingMinutes: history.budgetRemainingMinutes,
      mkt: t(history.mkt),
      status: history.status,
    };
  }

  private async assertSeesSubject(subjectKey: string, principal: Principal): Promise<void> {
    const sscc = ssccOf(subjectKey);
    const ownsUnit = sscc !== undefined && principal.gcps.some((gcp) => sscc.slice(1).startsWith(gcp));
    if (ownsUnit || (await this.visibility.seesAny(principal, [subjectKey]))) return;
    throw notFound('no such logistic unit');
  }
}
