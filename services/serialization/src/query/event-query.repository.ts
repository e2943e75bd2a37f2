import { Inject, Injectable } from '@nestjs/common';
import { seesEveryParty, type Principal } from '@pedigree/auth';
import type { DatabaseHandle } from '@pedigree/database';
import type { EpcisEvent } from '@pedigree/epcis';
import { DATABASE } from '@pedigree/service-runtime';
import type { EventQuery } from './event-query';

export interface StoredEvent {
  eventHash: string;
  eventTime: Date;
  document: EpcisEvent;
  namespaces: Record<string, string>;
}

/** Builds the WHERE clause of an event query with numbered parameters. */
class Conditions {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(clause: string): void {
    this.clauses.push(clause);
  }

  where(): string {
    return this.clauses.length > 0 ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

/** Identifier match per EPCIS §8.2.7.1.1: equal keys, or a class key that matches every instance of it. */
function identifierClause(c: Conditions, roles: readonly string[], values: string[]): string {
  // One LIKE per class: a constant prefix on the "C"-collated key walks the key index.
  const classes = values
    .filter((v) => /^https:\/\/id\.gs1\.org\/01\/\d{14}$/.test(v))
    .map((v) => ` OR x.key LIKE ${c.param(`${v}/%`)}`);
  const keyMatch = `(x.key = ANY(${c.param(values)})${classes.join('')})`;
  return `e.event_hash IN (SELECT x.event_hash FROM event_epcs x WHERE ${keyMatch} AND x.role = ANY(${c.param(roles)}))`;
}

@Injectable()
export class EventQueryRepository {
  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>) {}

  /** One page of matching events the principal may see, in (eventTime, hash) order, plus whether more follow. */
  async find(query: EventQuery, principal: Principal): Promise<{ events: StoredEvent[]; more: boolean }> {
    const c = new Conditions();
    if (!seesEveryParty(principal)) {
      const party = c.param(principal.party);
      c.add(`(e.captured_by = ${party} OR ${party} = ANY(e.parties))`);
    }
    if (query.eventTypes) c.add(`e.event_type = ANY(${c.param(query.eventTypes)})`);
    if (query.eventTime.ge) c.add(`e.event_time >= ${c.param(query.eventTime.ge)}`);
    if (query.eventTime.lt) c.add(`e.event_time < ${c.param(query.eventTime.lt)}`);
    if (query.recordTime.ge) c.add(`e.record_time >= ${c.param(query.recordTime.ge)}`);
    if (query.recordTime.lt) c.add(`e.record_time < ${c.param(query.recordTime.lt)}`);
    if (query.actions) c.add(`e.action = ANY(${c.param(query.actions)})`);
    if (query.bizSteps) c.add(`e.biz_step = ANY(${c.param(query.bizSteps)})`);
    if (query.dispositions) c.add(`e.disposition = ANY(${c.param(query.dispositions)})`);
    if (query.readPoints) c.add(`e.read_point = ANY(${c.param(query.readPoints)})`);
    if (query.bizLocations) c.add(`e.biz_location = ANY(${c.param(query.bizLocations)})`);
    if (query.eventIds) {
      const ids = c.param(query.eventIds);
      c.add(`(e.event_id = ANY(${ids}) OR e.event_hash = ANY(${ids}))`);
    }
    for (const match of query.identifierMatches) c.add(identifierClause(c, match.roles, match.values));
    for (const [column, filters] of [
      ['biz_transactions', query.bizTransactions],
      ['sources', query.sources],
      ['destinations', query.destinations],
    ] as const) {
      for (const filter of filters)
        c.add(`(e.${column} -> ${c.param(filter.type)}) ?| ${c.param(filter.values)}::text[]`);
    }
    if (query.after) {
      c.add(
        `(e.event_time, e.event_hash) > (${c.param(query.after.eventTime)}, ${c.param(query.after.eventHash)})`,
      );
    }
    const limit = c.param(query.perPage + 1);
    const { rows } = await this.database.pool.query<{
      event_hash: string;
      event_time: Date;
      document: EpcisEvent;
      namespaces: Record<string, string>;
    }>(
      `SELECT e.event_hash, e.event_time, e.document, e.namespaces FROM events e ${c.where()}
       ORDER BY e.event_time, e.event_hash LIMIT ${limit}`,
      c.params,
    );
    return {
      events: rows.slice(0, query.perPage).map((r) => ({
        eventHash: r.event_hash,
        eventTime: r.event_time,
        document: r.document,
        namespaces: r.namespaces,
      })),
      more: rows.length > query.perPage,
    };
  }
}
