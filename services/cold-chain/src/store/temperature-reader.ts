import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { loggerIntervals, type AssociationFact, type LoggerInterval } from '../domain/associations';
import { ContainmentHistory, OPEN_END, type AggregationFact } from '../domain/containment';
import type { LegInput } from '../domain/pack-history';
import { HOUR_COLUMNS, hourSummaryOf, type HourSummaryRow } from './reading-hours';
import {
  HOUR_MS,
  isBlock,
  itemsWithin,
  NeedsReadings,
  type ReadingBlock,
  type Reading,
  type SeriesItem,
  type StorageProfile,
} from '@pedigree/temperature';

type Queryable = Pool | PoolClient;

export interface PackInSubject {
  key: string;
  gtin: string;
  serial: string;
  lot: string | null;
  from: number;
  to: number;
}

export interface SubjectSeries {
  intervals: LoggerInterval[];
  /** Readings and summarised hours. */
  readings: SeriesItem[];
}

export interface StoredProfile extends StorageProfile {
  gtin: string;
  updatedBy: string;
  updatedAt: Date;
}

interface ProfileRow {
  gtin: string;
  storage: StorageProfile['storage'];
  uom: StorageProfile['uom'];
  range_min: number;
  range_max: number;
  excursion_budget_minutes: number;
  absolute_min: number | null;
  absolute_max: number | null;
  mkt_max: number | null;
  mkt_window_hours: number;
  activation_energy: number;
  freeze_limit: number | null;
  updated_by: string;
  updated_at: Date;
}

function profileOf(row: ProfileRow): StoredProfile {
  return {
    gtin: row.gtin,
    storage: row.storage,
    uom: row.uom,
    rangeMin: row.range_min,
    rangeMax: row.range_max,
    excursionBudgetMinutes: row.excursion_budget_minutes,
    absoluteMin: row.absolute_min,
    absoluteMax: row.absolute_max,
    mktMax: row.mkt_max,
    mktWindowHours: row.mkt_window_hours,
    activationEnergy: row.activation_energy,
    freezeLimit: row.freeze_limit,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

interface ReadingRow {
  t: number;
  celsius: number;
  min_celsius: number | null;
  max_celsius: number | null;
}

function readingOf(row: ReadingRow): Reading {
  return { time: row.t, celsius: row.celsius, minCelsius: row.min_celsius, maxCelsius: row.max_celsius };
}

const AGGREGATION_COLUMNS = `parent_key, child_key, action, event_time, record_time, event_hash`;

interface AggregationRow {
  parent_key: string;
  child_key: string;
  action: 'ADD' | 'DELETE';
  event_time: Date;
  record_time: Date;
  event_hash: string;
}

function aggregationFact(row: AggregationRow): AggregationFact {
  return {
    parentKey: row.parent_key,
    childKey: row.child_key === '' ? null : row.child_key,
    action: row.action,
    time: row.event_time.getTime(),
    recordTime: row.record_time.getTime(),
    eventHash: row.event_hash,
  };
}

/** Reads what the computations need: a subject's loggers and readings, what it held, a pack's legs, profiles. */
export class TemperatureReader {
  private readonly itemCache = new Map<string, Promise<SeriesItem[]>>();
  private readonly blockLoggers = new Map<ReadingBlock, string>();
  private readonly queryCache = new Map<string, Promise<QueryResult<QueryResultRow>>>();

  constructor(private readonly db: Queryable) {}

  /**
   * A query whose answer this reader keeps: a computation that runs again with more readings (`expanding`) reads the
   * subject's packs, periods and profiles once.
   */
  private cachedQuery<R extends QueryResultRow>(sql: string, params: unknown[]): Promise<QueryResult<R>> {
    const key = `${sql}\u0000${JSON.stringify(params)}`;
    let result = this.queryCache.get(key) as Promise<QueryResult<R>> | undefined;
    if (!result) {
      result = this.db.query<R>(sql, params);
      this.queryCache.set(key, result);
    }
    return result;
  }

  async profiles(gtins: readonly string[]): Promise<Map<string, StoredProfile>> {
    if (gtins.length === 0) return new Map();
    const { rows } = await this.cachedQuery<ProfileRow>(
      `SELECT * FROM profiles WHERE gtin = ANY($1::text[])`,
      [gtins],
    );
    return new Map(rows.map((row) => [row.gtin, profileOf(row)]));
  }

  async loggerIntervals(subjectKeys: readonly string[]): Promise<LoggerInterval[]> {
    const { rows } = await this.cachedQuery<{
      logger_id: string;
      subject_key: string;
      action: AssociationFact['action'];
      from_time: Date;
      to_time: Date | null;
      record_time: Date;
    }>(
      `SELECT logger_id, subject_key, action, from_time, to_time, record_time FROM associations WHERE subject_key = ANY($1::text[])`,
      [subjectKeys],
    );
    return loggerIntervals(
      rows.map((r) => ({
        loggerId: r.logger_id,
        subjectKey: r.subject_key,
        action: r.action,
        from: r.from_time.getTime(),
        to: r.to_time?.getTime() ?? null,
        recordTime: r.record_time.getTime(),
      })),
    );
  }

  /** The raw readings of the loggers in their periods (the CSV and the chart of a unit). */
  async rawReadingsOf(intervals: readonly LoggerInterval[]): Promise<Reading[]> {
    const readings: Reading[] = [];
    for (const interval of intervals)
      readings.push(...(await this.rawReadings(interval.loggerId, interval.from, interval.to)));
    return readings;
  }

  /**
   * The readings of the loggers in their periods (bounded by `from`–`to`): whole hours inside as their summaries
   * (reading_hours), readings at the edges; an hour cut by `from`–`to` is read as readings.
   */
  async readingsOf(
    intervals: readonly LoggerInterval[],
    from = -OPEN_END,
    to = OPEN_END,
  ): Promise<SeriesItem[]> {
    for (;;) {
      const items: SeriesItem[] = [];
      const cut: ReadingBlock[] = [];
      for (const interval of intervals) {
        const start = Math.max(from, interval.from);
        const end = Math.min(to, interval.to);
        if (start >= end) continue;
        const within = itemsWithin(await this.intervalItems(interval), start, end);
        items.push(...within.items);
        cut.push(...within.expand);
      }
      if (cut.length === 0) return items;
      await this.expand(cut);
    }
  }

  /**
   * Runs a computation over summarised readings again, with the summarised hours it needs replaced by their readings
   * (NeedsReadings), until it needs none.
   */
  async expanding<T>(compute: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await compute();
      } catch (error) {
        if (!(error instanceof NeedsReadings)) throw error;
        await this.expand(error.blocks);
      }
    }
  }

  /** Replaces summarised hours by their readings in what this reader has read (one query for all of them). */
  private async expand(blocks: readonly ReadingBlock[]): Promise<void> {
    const wanted = [...new Set(blocks)];
    const loggers = wanted.map((block) => {
      const loggerId = this.blockLoggers.get(block);
      if (loggerId === undefined) throw new Error('a summarised hour this reader did not read');
      return loggerId;
    });
    const { rows } = await this.db.query<ReadingRow & { i: number }>(
      // LATERAL … OFFSET 0 (kept apart from the join): an index range scan per hour, where a join hashed every reading.
      `SELECT w.i, r.*
       FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS w(logger_id, from_time, to_time, i)
       CROSS JOIN LATERAL (
         SELECT (extract(epoch FROM time) * 1000)::float8 AS t, celsius, min_celsius, max_celsius FROM readings
         WHERE logger_id = w.logger_id AND time >= w.from_time AND time < w.to_time OFFSET 0
       ) r`,
      [loggers, wanted.map((b) => new Date(b.from)), wanted.map((b) => new Date(b.to))],
    );
    const readings = new Map<ReadingBlock, Reading[]>(wanted.map((block) => [block, []]));
    for (const row of rows) readings.get(wanted[Number(row.i) - 1]!)!.push(readingOf(row));
    for (const cached of this.itemCache.values()) {
      const items = await cached;
      for (let i = items.length - 1; i >= 0; i--) {
        const item = items[i]!;
        const replacement = isBlock(item) ? readings.get(item) : undefined;
        if (replacement) items.splice(i, 1, ...replacement);
      }
    }
  }

  /** A logger's readings and summarised hours in one of its periods, read once per reader. */
  private intervalItems(interval: LoggerInterval): Promise<SeriesItem[]> {
    const key = `${interval.loggerId}\u0000${interval.from}\u0000${interval.to}`;
    let items = this.itemCache.get(key);
    if (!items) {
      items = this.readIntervalItems(interval);
      this.itemCache.set(key, items);
    }
    return items;
  }

  private async readIntervalItems(interval: LoggerInterval): Promise<SeriesItem[]> {
    const from = Math.max(interval.from, -8.64e15);
    const to = Math.min(interval.to, 8.64e15);
    // Whole hours inside the period are summarised; the partial hours at its edges are read as readings.
    const firstHour = Math.ceil(from / HOUR_MS) * HOUR_MS;
    const endHour = Math.max(firstHour, Math.floor(to / HOUR_MS) * HOUR_MS);
    const [{ rows }, before, after] = await Promise.all([
      this.db.query<HourSummaryRow>(
        `SELECT ${HOUR_COLUMNS} FROM reading_hours WHERE logger_id = $1 AND hour >= $2 AND hour < $3`,
        [interval.loggerId, new Date(firstHour), new Date(endHour)],
      ),
      this.rawReadings(interval.loggerId, from, Math.min(firstHour, to)),
      this.rawReadings(interval.loggerId, Math.max(endHour, from), to),
    ]);
    const items: SeriesItem[] = [...before, ...after];
    for (const row of rows) {
      const { block, last } = hourSummaryOf(row);
      items.push(last);
      if (block) {
        this.blockLoggers.set(block, interval.loggerId);
        items.push(block);
      }
    }
    return items;
  }

  private async rawReadings(loggerId: string, from: number, to: number): Promise<Reading[]> {
    if (from >= to) return [];
    const { rows } = await this.db.query<ReadingRow>(
      `SELECT (extract(epoch FROM time) * 1000)::float8 AS t, celsius, min_celsius, max_celsius
       FROM readings WHERE logger_id = $1 AND time >= $2 AND time < $3`,
      [loggerId, new Date(Math.max(from, -8.64e15)), new Date(Math.min(to, 8.64e15))],
    );
    return rows.map(readingOf);
  }

  async subjectSeries(subjectKey: string): Promise<SubjectSeries> {
    const intervals = await this.loggerIntervals([subjectKey]);
    return { intervals, readings: await this.readingsOf(intervals) };
  }

  /** A subject's raw readings. */
  async subjectReadings(subjectKey: string): Promise<Reading[]> {
    return this.rawReadingsOf(await this.loggerIntervals([subjectKey]));
  }

  /** Every serialised pack that was inside the subject (directly or not), with the period. */
  async packsIn(subjectKey: string): Promise<PackInSubject[]> {
    const { rows } = await this.cachedQuery<AggregationRow>(
      `WITH RECURSIVE down(key) AS (
         SELECT $1::text COLLATE "C"
         UNION
         SELECT a.child_key FROM aggregations a JOIN down ON a.parent_key = down.key WHERE a.child_key <> ''
       )
       SELECT ${AGGREGATION_COLUMNS} FROM aggregations
       WHERE child_key IN (SELECT key FROM down) OR (child_key = '' AND parent_key IN (SELECT key FROM down))`,
      [subjectKey],
    );
    const history = new ContainmentHistory(rows.map(aggregationFact));
    const inside = history.descendants(subjectKey);
    if (inside.length === 0) return [];
    const { rows: items } = await this.cachedQuery<{
      key: string;
      gtin: string;
      serial: string;
      lot: string | null;
    }>(`SELECT key, gtin, serial, lot FROM items WHERE key = ANY($1::text[])`, [
      [...new Set(inside.map((c) => c.key))],
    ]);
    const byKey = new Map(items.map((item) => [item.key, item]));
    return inside.flatMap((c) => {
      const item = byKey.get(c.key);
      return item ? [{ ...item, from: c.from, to: c.to }] : [];
    });
  }

  /** A pack's legs: the periods it spent in logistic units that had a logger, each with that unit's readings. */
  async legsOf(packKey: string): Promise<LegInput[]> {
    return (await this.legsOfMany([packKey])).get(packKey) ?? [];
  }

  /** The legs of many packs (e.g. a pallet's), read with one query per step whatever their number. */
  async legsOfMany(packKeys: readonly string[]): Promise<Map<string, LegInput[]>> {
    const { rows } = await this.cachedQuery<AggregationRow>(
      `WITH RECURSIVE up(key) AS (
         SELECT unnest($1::text[]) COLLATE "C"
         UNION
         SELECT a.parent_key FROM aggregations a JOIN up ON a.child_key = up.key
       )
       SELECT ${AGGREGATION_COLUMNS} FROM aggregations
       WHERE child_key IN (SELECT key FROM up) OR (child_key = '' AND parent_key IN (SELECT key FROM up))`,
      [packKeys],
    );
    const history = new ContainmentHistory(rows.map(aggregationFact));
    const containments = new Map(packKeys.map((key) => [key, history.ancestors(key)]));
    const subjects = new Set<string>(packKeys);
    for (const list of containments.values()) for (const c of list) subjects.add(c.container);
    const intervals = await this.loggerIntervals([...subjects]);
    const bySubject = new Map<string, LoggerInterval[]>();
    for (const interval of intervals) {
      if (!bySubject.has(interval.subjectKey)) bySubject.set(interval.subjectKey, []);
      bySubject.get(interval.subjectKey)!.push(interval);
    }
    const result = new Map<string, LegInput[]>();
    for (const packKey of packKeys) {
      const legs: LegInput[] = [];
      const own = bySubject.get(packKey);
      if (own)
        legs.push({
          subject: packKey,
          level: 0,
          from: -OPEN_END,
          to: OPEN_END,
          readings: await this.readingsOf(own),
        });
      for (const containment of containments.get(packKey)!) {
        const loggers = bySubject.get(containment.container);
        if (!loggers) continue;
        legs.push({
          subject: containment.container,
          level: containment.level,
          from: containment.from,
          to: containment.to,
          readings: await this.readingsOf(loggers, containment.from, containment.to),
        });
      }
      result.set(packKey, legs);
    }
    return result;
  }
}
