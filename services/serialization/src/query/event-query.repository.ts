import { Inject, Injectable } from '@nestjs/common';
import { seesEveryParty, type Principal } from '@pedigree/auth';
import { inTransaction, type DatabaseHandle } from '@pedigree/database';
import { EPCIS_CONTEXT_PREFIXES, type EpcisEvent } from '@pedigree/epcis';
import { DATABASE } from '@pedigree/service-runtime';
import type { Pool, PoolClient } from 'pg';
import {
  orderColumnKinds,
  pageOrder,
  parseEventQuery,
  QueryTooLargeError,
  type Comparison,
  type EventQuery,
  type ExtensionFieldName,
  type FieldFilter,
  type FieldScope,
  type LocationFilter,
  type PageCursor,
  type QuantityFilter,
  type SensorQuery,
  type ValueTest,
} from './event-query';

export interface StoredEvent {
  eventHash: string;
  eventTime: Date;
  document: EpcisEvent;
  namespaces: Record<string, string>;
  /** The company prefixes of the event's capturer: what GS1-EPC-Format needs to write its Digital Links as URNs. */
  capturerGcps: string[];
}

/** The values a REST binding collection lists (`/bizSteps`, `/epcs`, …) and where each comes from. */
export type ResourceKind = 'epcs' | 'bizSteps' | 'bizLocations' | 'readPoints' | 'dispositions';

const RESOURCE_COLUMNS: Record<Exclude<ResourceKind, 'epcs'>, string> = {
  bizSteps: 'biz_step',
  bizLocations: 'biz_location',
  readPoints: 'read_point',
  dispositions: 'disposition',
};

/** The roles of an identifier that make it an EPC of `/epcs` (instances, not classes). */
const EPC_ROLES = ['epc', 'child', 'parent', 'input', 'output'];

/** A message's event as an `events` row and its EPC index entries, for matching a query before it is stored. */
export interface CandidateEvent {
  row: Record<string, unknown> & { event_hash: string };
  identifiers: Array<{ key: string; role: string }>;
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

const SQL_OPERATORS: Record<Comparison, string> = { EQ: '=', GT: '>', GE: '>=', LT: '<', LE: '<=' };

/**
 * The values of an extension field named by one of the keys in `$k`: at the top of the scope, or nested at any depth
 * inside one of the scope's extension fields (keys with a colon: CURIEs or IRIs). Arrays are unwrapped, so a field
 * holding a list matches when one of its items does.
 */
const FIELD_PATH = {
  top: '$.keyvalue() ? (@.key == $k[*]).value[*]',
  inner:
    '$.keyvalue() ? (@.key like_regex ":").value.** ? (@.type() == "object").keyvalue() ? (@.key == $k[*]).value[*]',
};

/** What each scope's fields hang off: the event, or (inside the sensor subquery) its sensor element or report. */
const SCOPE_ROOTS: Record<FieldScope, string> = {
  event: 'e.document',
  ilmd: "e.document -> 'ilmd'",
  errorDeclaration: "e.document -> 'errorDeclaration'",
  readPoint: "e.document -> 'readPoint'",
  bizLocation: "e.document -> 'bizLocation'",
  sensorElement: 'el.value',
  sensorMetadata: "el.value -> 'sensorMetadata'",
  sensorReport: 'rep.value',
};

/** A GLN without extension, as a canonical key: its sub-locations are the GLN with an extension (AI 254). */
const GLN_KEY = /^https:\/\/id\.gs1\.org\/414\/\d{13}$/;

/** Identifier match per EPCIS §8.2.7.1.1: equal keys, or a class key that matches every instance of it. */
function identifierClause(c: Conditions, roles: readonly string[], values: string[]): string {
  // One LIKE per class: a constant prefix on the "C"-collated key walks the key index.
  const classes = values
    .filter((v) => /^https:\/\/id\.gs1\.org\/01\/\d{14}$/.test(v))
    .map((v) => ` OR x.key LIKE ${c.param(`${v}/%`)}`);
  const keyMatch = `(x.key = ANY(${c.param(values)})${classes.join('')})`;
  return `e.event_hash IN (SELECT x.event_hash FROM event_epcs x WHERE ${keyMatch} AND x.role = ANY(${c.param(roles)}))`;
}

/**
 * The jsonpath variables naming a field for one event: the name as asked, and, when its prefix is one the EPCIS
 * context defines, the field under that namespace whatever prefix the event declared for it (or as a full IRI).
 */
function fieldKeys(c: Conditions, field: ExtensionFieldName): string {
  const local = c.param(field.localName);
  const namespace = c.param(field.namespace ?? null);
  const declared = `jsonb_each_text(${c.param(JSON.stringify(EPCIS_CONTEXT_PREFIXES))}::jsonb || e.namespaces)`;
  return `jsonb_build_object('k', jsonb_build_array(${c.param(field.name)}::text, ${namespace}::text || ${local}::text)
    || COALESCE((SELECT jsonb_agg(ns.key || ':' || ${local}::text) FROM ${declared} ns WHERE ns.value = ${namespace}::text), '[]'::jsonb))`;
}

/** The SQL test of a JSON value `v` (text, number, instant or boolean, as the operands are typed). */
function valueClause(c: Conditions, v: string, test: ValueTest): string {
  if (test.op === 'EXISTS') return `jsonb_typeof(${v}) <> 'null'`;
  const of = (type: string) => test.operands.filter((o) => o.type === type).map((o) => o.value);
  if (test.op === 'EQ') {
    const parts: string[] = [];
    if (of('string').length > 0)
      parts.push(`(jsonb_typeof(${v}) = 'string' AND ${v} #>> '{}' = ANY(${c.param(of('string'))}::text[]))`);
    if (of('number').length > 0)
      parts.push(`json_number_or_null(${v}) = ANY(${c.param(of('number'))}::numeric[])`);
    if (of('time').length > 0)
      parts.push(`json_time_or_null(${v}) = ANY(${c.param(of('time'))}::timestamptz[])`);
    for (const value of of('boolean')) parts.push(`${v} = to_jsonb(${c.param(value)}::boolean)`);
    return `(${parts.join(' OR ')})`;
  }
  const [operand] = test.operands;
  return operand!.type === 'time'
    ? `json_time_or_null(${v}) ${SQL_OPERATORS[test.op]} ${c.param(operand!.value)}::timestamptz`
    : `json_number_or_null(${v}) ${SQL_OPERATORS[test.op]} ${c.param(operand!.value)}::numeric`;
}

/** What `event_lot_number` (migration 0016) gives an event with several lot number fields or one that is no text. */
const IRREGULAR_LOT = '*';

/**
 * The lot numbers an `EQ_ILMD_cbvmda:lotNumber` filter asks for, when the lot number index can preselect its events:
 * text that reads as no number or instant (such a value also matches a number or instant equal to it, which the index,
 * holding the text as captured, does not know).
 */
function indexedLots(filter: FieldFilter): string[] | undefined {
  if (filter.scope !== 'ilmd' || filter.inner || filter.test.op !== 'EQ') return undefined;
  if (filter.field.namespace !== EPCIS_CONTEXT_PREFIXES.cbvmda || filter.field.localName !== 'lotNumber')
    return undefined;
  const { operands } = filter.test;
  return operands.every((o) => o.type === 'string') ? operands.map((o) => String(o.value)) : undefined;
}

/**
 * The events whose lot number index entry is one of `lots` (a superset of the filter's events: its exact test follows),
 * and those with an irregular entry when any may exist. One lot compares with `=`, so that the index, which holds
 * each lot's events in event time order, gives the page's order.
 */
function lotClause(c: Conditions, lots: string[], irregular: boolean): string {
  const keys = irregular ? [...lots, IRREGULAR_LOT] : lots;
  return `(e.document ? 'ilmd' AND ${equalsOneOf(c, 'event_lot_number(e.document, e.namespaces)', keys)})`;
}

function fieldClause(c: Conditions, filter: FieldFilter): string {
  const path = c.param(filter.inner ? FIELD_PATH.inner : FIELD_PATH.top);
  return `EXISTS (SELECT 1 FROM jsonb_path_query(${SCOPE_ROOTS[filter.scope]}, ${path}::jsonpath, ${fieldKeys(c, filter.field)}) AS v(value)
    WHERE ${valueClause(c, 'v.value', filter.test)})`;
}

/** `number` of `item` (a sensor report or quantity element) compared in the units of `measures`. */
function measureClause(
  c: Conditions,
  item: string,
  number: string,
  op: Comparison,
  measures: Array<{ uom: string; value: number }>,
): string {
  return `EXISTS (SELECT 1 FROM jsonb_to_recordset(${c.param(JSON.stringify(measures))}::jsonb) AS u(uom text, value numeric)
    WHERE ${item} ->> 'uom' = u.uom AND json_number_or_null(${item} -> '${number}') ${SQL_OPERATORS[op]} u.value)`;
}

/** Whether the query tests sensor elements: only events with a sensorElementList can then match. */
function testsSensorElements(sensor: SensorQuery): boolean {
  return (
    sensor.exists || sensor.attributes.length > 0 || sensor.measures.length > 0 || sensor.fields.length > 0
  );
}

/** All sensor conditions on one sensor element, those on reports on one report of it. */
function sensorClause(c: Conditions, sensor: SensorQuery): string | undefined {
  if (!testsSensorElements(sensor)) return undefined;
  const conditions = [
    ...sensor.attributes.map((a) => {
      const places = a.in.map((place) =>
        valueClause(
          c,
          place === 'report'
            ? `rep.value -> '${a.attribute}'`
            : `el.value -> 'sensorMetadata' -> '${a.attribute}'`,
          a.test,
        ),
      );
      return `(${places.join(' OR ')})`;
    }),
    ...sensor.measures.map((m) =>
      measureClause(c, 'rep.value', m.attribute, m.op, m.op === 'EQ' ? m.measures.flat() : m.measures[0]!),
    ),
    ...sensor.fields.map((f) => fieldClause(c, f)),
  ];
  // The key test first: it is what the partial index of sensor events (migration 0016) is defined by.
  return `(e.document ? 'sensorElementList' AND EXISTS (SELECT 1 FROM jsonb_path_query(e.document, 'lax $.sensorElementList[*]') AS el(value),
    jsonb_path_query(el.value, 'lax $.sensorReport[*]') AS rep(value)
    ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}))`;
}

const QUANTITY_ELEMENTS =
  'lax $.keyvalue() ? (@.key == "quantityList" || @.key == "childQuantityList" || @.key == "inputQuantityList" || @.key == "outputQuantityList").value[*]';

function quantityClause(c: Conditions, filter: QuantityFilter): string {
  const tests = filter.values.map((value) =>
    'measure' in value
      ? measureClause(c, 'q.value', 'quantity', filter.op, value.measure)
      : `json_number_or_null(q.value -> 'quantity') ${SQL_OPERATORS[filter.op]} ${c.param(value.any)}::numeric`,
  );
  return `EXISTS (SELECT 1 FROM jsonb_path_query(e.document, '${QUANTITY_ELEMENTS}') AS q(value) WHERE ${tests.join(' OR ')})`;
}

/**
 * `expression` equal to one of `values`. One value compares with `=`: an index on the expression then gives its rows in
 * the order of its next columns (with `= ANY`, PostgreSQL 15 reads them all and sorts).
 */
function equalsOneOf(c: Conditions, expression: string, values: readonly string[]): string {
  return values.length === 1
    ? `${expression} = ${c.param(values[0])}`
    : `${expression} = ANY(${c.param(values)}::text[])`;
}

/**
 * EQ_: the location itself; WD_: it or a sub-location, which is known for GLNs only (a GLN with an extension): the keys
 * from `gln/254/` up to `gln/2540` in byte order, compared with the pattern operators of the location's index
 * (migration 0019), which the planner, unlike a LIKE, also estimates by the capturer's statistics (migration 0017).
 */
function locationClauses(c: Conditions, column: string, filter: LocationFilter): string[] {
  const clauses: string[] = [];
  if (filter.equal) clauses.push(equalsOneOf(c, column, filter.equal));
  if (filter.withDescendants) {
    const subLocations = filter.withDescendants
      .filter((v) => GLN_KEY.test(v))
      .map((v) => ` OR (${column} ~>=~ ${c.param(`${v}/254/`)} AND ${column} ~<~ ${c.param(`${v}/2540`)})`);
    clauses.push(`(${column} = ANY(${c.param(filter.withDescendants)})${subLocations.join('')})`);
  }
  return clauses;
}

/** The query's event and record time bounds, on table `alias` (events, or a side table with both times). */
function timeClauses(c: Conditions, query: EventQuery, alias: 'e' | 'p'): string[] {
  return [
    ...(query.eventTime.ge ? [`${alias}.event_time >= ${c.param(query.eventTime.ge)}`] : []),
    ...(query.eventTime.lt ? [`${alias}.event_time < ${c.param(query.eventTime.lt)}`] : []),
    ...(query.recordTime.ge ? [`${alias}.record_time >= ${c.param(query.recordTime.ge)}`] : []),
    ...(query.recordTime.lt ? [`${alias}.record_time < ${c.param(query.recordTime.lt)}`] : []),
  ];
}

/**
 * The query's tests of the columns an event shares with its rows of `event_parties` (migration 0021), on table
 * `alias`: event type, times, action, business step, disposition, read point and business location.
 */
function columnClauses(c: Conditions, query: EventQuery, alias: 'e' | 'p'): string[] {
  return [
    ...(query.eventTypes ? [equalsOneOf(c, `${alias}.event_type`, query.eventTypes)] : []),
    ...timeClauses(c, query, alias),
    ...(query.actions ? [equalsOneOf(c, `${alias}.action`, query.actions)] : []),
    ...(query.bizSteps ? [equalsOneOf(c, `${alias}.biz_step`, query.bizSteps)] : []),
    ...(query.dispositions ? [equalsOneOf(c, `${alias}.disposition`, query.dispositions)] : []),
    ...locationClauses(c, `${alias}.read_point`, query.readPoint),
    ...locationClauses(c, `${alias}.biz_location`, query.bizLocation),
  ];
}

/**
 * The visibility rule's second part on table `alias` (events, or a side table with their parties): the event names
 * `party` as a source or destination. The first test is what the partial GIN index on `parties` is defined by.
 */
function namesParty(alias: 'e' | 'p', party: string): string {
  return `(${alias}.parties <> '{}' AND ${alias}.parties @> ARRAY[${party}]::text[])`;
}

/** The visibility rule on table `alias`: `party` captured the event or is named in it. */
function visibleTo(alias: 'e' | 'p', party: string): string {
  return `(${alias}.captured_by = ${party} OR ${namesParty(alias, party)})`;
}

/**
 * The WHERE clause of `query` for `principal`, for statements that neither order nor limit (subscription matching, the
 * resource collections): a party sees the events it captured and those it is a source or destination of (the second
 * part written as the partial GIN index on `parties` is defined). Pages read the two parts apart (`pageStatement`).
 * `irregularLots`: whether events with an irregular lot number index entry may exist (when unsure, true).
 */
function filterClauses(c: Conditions, query: EventQuery, principal: Principal, irregularLots = true): void {
  if (!seesEveryParty(principal)) c.add(visibleTo('e', c.param(principal.party)));
  filterClausesOfQuery(c, query, irregularLots);
}

/** Where a branch of a page reads its events from: a table (alias `e` for events, `p` for event_parties) and conditions. */
interface PageSource {
  from: string;
  where: string[];
  alias: 'e' | 'p';
}

/**
 * The events a principal may see, as sources of a page: every event for one who sees every party (`party` undefined);
 * for a party (its parameter), two disjoint parts, each read in the page's order and limited, then merged — the events
 * it captured, and those of others that name it as a source or destination. One condition with OR has no index order,
 * and the planner, taking a party's events to be spread evenly, would walk the event time index through every event
 * when the party has none that match.
 */
function visibleParts(party: string | undefined): {
  own: PageSource;
  named?: { source: PageSource; party: string };
} {
  if (party === undefined) return { own: { from: 'events e', where: [], alias: 'e' } };
  return {
    own: { from: 'events e', where: [`e.captured_by = ${party}`], alias: 'e' },
    named: {
      source: {
        from: 'events e',
        where: [`e.captured_by <> ${party}`, namesParty('e', party)],
        alias: 'e',
      },
      party,
    },
  };
}

/**
 * How many rows of a side table (`event_parties`, `event_endpoints`) a page walks in order, per event it needs, before
 * it reads its events by the filters' own indexes: when the query has filters the rows do not answer (`pageStatement`).
 */
const WALK_WINDOW_PER_EVENT = 5;

/** Whether the query names its events by an identifier, an event ID or a business transaction: a few, by their index. */
function namesByKey(query: EventQuery): boolean {
  return (
    query.identifierMatches.length > 0 || query.eventIds !== undefined || query.bizTransactions.length > 0
  );
}

/**
 * Whether the query names what it looks for (`namesByKey`, or a source or destination): such a filter's own index
 * finds its few events, which no walk of a party's named events in time order beats.
 */
function namesItsEvents(query: EventQuery): boolean {
  return namesByKey(query) || query.sources.length > 0 || query.destinations.length > 0;
}

/**
 * The query's tests that a party's rows of `event_parties` answer without the event (migration 0021): its columns, and
 * whether the event has ILMD (every ILMD filter needs it) or sensor elements.
 */
function partyRowClauses(c: Conditions, query: EventQuery): string[] {
  return [
    ...columnClauses(c, query, 'p'),
    ...(query.fields.some((filter) => filter.scope === 'ilmd') ? ['p.has_ilmd'] : []),
    ...(testsSensorElements(query.sensor) ? ['p.has_sensor_elements'] : []),
  ];
}

/**
 * The WHERE clauses of the query's own filters (without the visibility rule); how many, and how many of them test the
 * columns an event shares with its rows of `event_parties` (`columnClauses`).
 */
function filterClausesOfQuery(c: Conditions, query: EventQuery, irregularLots: boolean): ClauseCount {
  const before = c.clauses.length;
  const columns = columnClauses(c, query, 'e');
  for (const clause of columns) c.add(clause);
  // HASATTR_ and EQ_ATTR_ select by master data attributes; the service holds no master data, so no event has them.
  if (query.masterDataFilters.length > 0) c.add('FALSE');
  for (const [list, values] of Object.entries(query.persistentDisposition))
    c.add(`(e.document -> 'persistentDisposition' -> ${c.param(list)}) ?| ${c.param(values)}::text[]`);
  if (query.eventIds) {
    const ids = c.param(query.eventIds);
    c.add(`(e.event_id = ANY(${ids}) OR e.event_hash = ANY(${ids}))`);
  }
  if (query.transformationIds)
    c.add(`e.document ->> 'transformationID' = ANY(${c.param(query.transformationIds)})`);
  for (const match of query.identifierMatches) c.add(identifierClause(c, match.roles, match.values));
  for (const [column, filters] of [
    ['biz_transactions', query.bizTransactions],
    ['sources', query.sources],
    ['destinations', query.destinations],
  ] as const) {
    // Containment of {type: [id]}, which the column's partial GIN index (migration 0016) answers.
    for (const filter of filters) {
      const contains = filter.values.map(
        (id) => `e.${column} @> ${c.param(JSON.stringify({ [filter.type]: [id] }))}::jsonb`,
      );
      c.add(`(e.${column} <> '{}' AND (${contains.join(' OR ')}))`);
    }
  }
  for (const filter of query.quantities) c.add(quantityClause(c, filter));
  const declaration = query.errorDeclaration;
  if (declaration.exists) c.add('e.error_declared_at IS NOT NULL');
  if (declaration.time.ge) c.add(`e.error_declared_at >= ${c.param(declaration.time.ge)}`);
  if (declaration.time.lt) c.add(`e.error_declared_at < ${c.param(declaration.time.lt)}`);
  if (declaration.reasons)
    c.add(`e.document -> 'errorDeclaration' ->> 'reason' = ANY(${c.param(declaration.reasons)})`);
  if (declaration.correctiveEventIds)
    c.add(
      `(e.document -> 'errorDeclaration' -> 'correctiveEventIDs') ?| ${c.param(declaration.correctiveEventIds)}::text[]`,
    );
  for (const filter of query.fields) {
    const lots = indexedLots(filter);
    if (lots) c.add(lotClause(c, lots, irregularLots));
    c.add(fieldClause(c, filter));
  }
  const sensor = sensorClause(c, query.sensor);
  if (sensor) c.add(sensor);
  return { all: c.clauses.length - before, columns: columns.length };
}

/** A query without filters: only the visibility rule applies. */
const BLANK_QUERY: EventQuery = parseEventQuery(new URLSearchParams(), { defaultPerPage: 1, maxPerPage: 1 });

/** The sort key values of a row, as text (`to_json`), for the next page's cursor. */
interface KeyColumns {
  k0?: string | null;
  k1?: string | null;
  k2?: string | null;
}

interface SortColumn {
  expression: string;
  type: 'timestamptz' | 'numeric' | 'text';
  /** A column no event lacks (event or record time): sorted without NULLS LAST, so that its index gives the order. */
  notNull?: boolean;
}

/**
 * The sort: the page order's key columns then the event hash, all in its direction (events without the key last).
 * `source` names the table whose time columns and hash the page is read in the order of.
 */
function sortOf(
  c: Conditions,
  query: EventQuery,
  source: PageSource,
): { join: string; columns: SortColumn[]; direction: 'ASC' | 'DESC' } {
  const { key, direction } = pageOrder(query);
  if (key === 'eventTime' || key === 'recordTime') {
    const column = `${source.alias}.${key === 'eventTime' ? 'event_time' : 'record_time'}`;
    return { join: '', columns: [{ expression: column, type: 'timestamptz', notNull: true }], direction };
  }
  const path = c.param(FIELD_PATH.top);
  return {
    join: `LEFT JOIN LATERAL (SELECT jsonb_path_query_first(e.document, ${path}::jsonpath, ${fieldKeys(c, key)}) AS v) o ON TRUE`,
    columns: [
      { expression: 'json_number_or_null(o.v)', type: 'numeric' },
      { expression: 'json_time_or_null(o.v)', type: 'timestamptz' },
      {
        expression: `(CASE WHEN jsonb_typeof(o.v) = 'string' THEN o.v #>> '{}' END) COLLATE "C"`,
        type: 'text',
      },
    ],
    direction,
  };
}

/** Events strictly after the cursor in the sort (keyset pagination; a NULL key sorts after every value). */
function afterClause(
  c: Conditions,
  source: PageSource,
  columns: SortColumn[],
  direction: 'ASC' | 'DESC',
  cursor: PageCursor,
): string {
  const beyond = direction === 'ASC' ? '>' : '<';
  const hash = c.param(cursor.eventHash);
  const hashColumn = `${source.alias}.event_hash`;
  if (columns.length === 1) {
    return `(${columns[0]!.expression}, ${hashColumn}) ${beyond} (${c.param(cursor.keys[0])}::${columns[0]!.type}, ${hash})`;
  }
  const keys = cursor.keys.map((key, i) => (key === null ? null : `${c.param(key)}::${columns[i]!.type}`));
  const same = (i: number) =>
    keys[i] === null ? `${columns[i]!.expression} IS NULL` : `${columns[i]!.expression} = ${keys[i]}`;
  const terms: string[] = [];
  for (let i = 0; i <= columns.length; i++) {
    const prefix = Array.from({ length: i }, (_, j) => same(j));
    if (i === columns.length) terms.push([...prefix, `${hashColumn} ${beyond} ${hash}`].join(' AND '));
    else if (keys[i] !== null)
      terms.push(
        [
          ...prefix,
          `(${columns[i]!.expression} ${beyond} ${keys[i]} OR ${columns[i]!.expression} IS NULL)`,
        ].join(' AND '),
      );
  }
  return `((${terms.join(') OR (')}))`;
}

/** The ORDER BY terms of a sort: its key columns (`of` names each), then the event hash. */
function orderTerms(
  sort: { columns: SortColumn[]; direction: 'ASC' | 'DESC' },
  of: (column: number) => string,
  hash: string,
): string {
  return [
    ...sort.columns.map((col, i) => `${of(i)} ${sort.direction}${col.notNull ? '' : ' NULLS LAST'}`),
    `${hash} ${sort.direction}`,
  ].join(', ');
}

/** How many of the query's WHERE clauses `filterClausesOfQuery` wrote, and how many of them test event columns. */
interface ClauseCount {
  all: number;
  columns: number;
}

/**
 * The source or destination a page walks in order (`event_endpoints`, migration 0022): the first `EQ_source_…` or
 * `EQ_destination_…` filter of one id, unless the query names its events by a sharper key (an identifier, an event
 * ID, a business transaction), whose index finds its few events faster.
 */
function endpointToWalk(query: EventQuery): { side: string; type: string; id: string } | undefined {
  if (namesByKey(query)) return undefined;
  for (const [side, filters] of [
    ['source', query.sources],
    ['destination', query.destinations],
  ] as const) {
    const one = filters.find((filter) => filter.values.length === 1);
    if (one) return { side, type: one.type, id: one.values[0]! };
  }
  return undefined;
}

/**
 * The statement of one page of at most `size` events (the page and one more, which says whether a next page exists):
 * the events `own` selects; for a party, merged with those of others that name it (`named`).
 *
 * A page in event or record time order is walked where it can be: rows of a side table in the page's order, at most
 * WALK_WINDOW_PER_EVENT per event needed (or `size`, when the rows answer every filter of the query: every row walked
 * is then an event of the page), joined to their events and filtered. When that window is full and still short of
 * `size` matches (a filter the rows do not answer and few of them pass), the page is read as it would be without the
 * walk, by the filters' own indexes, as a walk through all of them would take longer.
 * - A filter of one source or destination (`endpointToWalk`) walks that entry's rows of `event_endpoints`, which keep
 *   to what the party may see in the index.
 * - Otherwise a party's named events are walked in its rows of `event_parties` (migrations 0019, 0021), which skip in
 *   the index those that fail the filters they answer (`partyRowClauses`), and merged with its own. A query that
 *   names its events (`namesItsEvents`) reads them by the GIN indexes instead.
 * An order by an extension field has no walk.
 */
function pageStatement(
  c: Conditions,
  query: EventQuery,
  size: number,
  clauses: ClauseCount,
  own: PageSource,
  named?: { source: PageSource; party: string },
): string {
  const limit = c.param(size);
  const branch = (source: PageSource) => {
    const sort = sortOf(c, query, source);
    const after = query.after ? [afterClause(c, source, sort.columns, sort.direction, query.after)] : [];
    const keyColumns = sort.columns.map(
      (col, i) => `to_json(${col.expression}) #>> '{}' AS k${i}, ${col.expression} AS s${i}`,
    );
    return {
      sort,
      sql: `(SELECT e.event_hash, e.event_time, e.document, e.namespaces, e.captured_by_gcps, ${keyColumns.join(', ')}
        FROM ${source.from} ${sort.join} WHERE ${[...source.where, ...c.clauses, ...after, 'TRUE'].join(' AND ')}
        ORDER BY ${orderTerms(sort, (i) => sort.columns[i]!.expression, `${source.alias}.event_hash`)} LIMIT ${limit})`,
    };
  };
  const mine = branch(own);
  const merged = `ORDER BY ${orderTerms(mine.sort, (i) => `v.s${i}`, 'v.event_hash')} LIMIT ${limit}`;
  // Built when used: a branch's parameters must all occur in the statement.
  const unwalked = () =>
    named ? `(SELECT * FROM (${mine.sql} UNION ALL ${branch(named.source).sql}) v ${merged})` : mine.sql;
  const { key, direction } = pageOrder(query);
  if (key !== 'eventTime' && key !== 'recordTime') return unwalked();

  // The rows walked (alias p), in the page's order, then their events, each by its key: OFFSET 0 keeps the planner from
  // reading the filter's events by their own index (the GIN index of a destination: all its 6,520 events) to join.
  const walk = (table: string, conditions: string[], answersAll: boolean) => {
    const windowed: PageSource = {
      from: 'walk_window p CROSS JOIN LATERAL (SELECT * FROM events WHERE events.event_hash = p.event_hash OFFSET 0) e',
      where: [],
      alias: 'p',
    };
    const time = key === 'eventTime' ? 'event_time' : 'record_time';
    const walkSort = sortOf(c, query, windowed);
    const after = query.after ? [afterClause(c, windowed, walkSort.columns, direction, query.after)] : [];
    const window = c.param(answersAll ? size : size * WALK_WINDOW_PER_EVENT);
    return {
      ctes: `WITH walk_window AS MATERIALIZED (
        SELECT p.event_hash, p.event_time, p.record_time FROM ${table} p WHERE ${[...conditions, ...after].join(' AND ')}
        ORDER BY p.${time} ${direction}, p.event_hash ${direction} LIMIT ${window}),
      walked AS MATERIALIZED ${branch(windowed).sql},
      walk_fell_short AS MATERIALIZED (
        SELECT (SELECT count(*) FROM walk_window) = ${window} AND (SELECT count(*) FROM walked) < ${limit} AS yes)`,
      walked: '(SELECT * FROM walked WHERE NOT (SELECT yes FROM walk_fell_short))',
      fellShort: '(SELECT yes FROM walk_fell_short)',
    };
  };

  const endpoint = endpointToWalk(query);
  if (endpoint) {
    const times = timeClauses(c, query, 'p');
    const visible = named ? [visibleTo('p', named.party)] : [];
    const conditions = [
      `p.side = ${c.param(endpoint.side)}`,
      `p.type = ${c.param(endpoint.type)}`,
      `p.id = ${c.param(endpoint.id)}`,
      ...visible,
      ...times,
    ];
    const w = walk('event_endpoints', conditions, clauses.all === times.length + 1);
    return `${w.ctes}
      SELECT * FROM (${w.walked} UNION ALL (SELECT * FROM ${unwalked()} f WHERE ${w.fellShort})) v ${merged}`;
  }
  if (!named || namesItsEvents(query)) return unwalked();
  // The party's rows hold no event of its own capture (migration 0021).
  const w = walk(
    'event_parties',
    [`p.party = ${named.party}`, ...partyRowClauses(c, query)],
    clauses.all === clauses.columns,
  );
  return `${w.ctes}
    SELECT * FROM (
      ${mine.sql}
      UNION ALL ${w.walked}
      UNION ALL (SELECT * FROM ${branch(named.source).sql} g WHERE ${w.fellShort})) v ${merged}`;
}

@Injectable()
export class EventQueryRepository {
  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>) {}

  /**
   * One page of matching events the principal may see, in the query's order, and where the next page starts when
   * more follow. Throws QueryTooLargeError when more events than maxEventCount match.
   */
  async find(query: EventQuery, principal: Principal): Promise<{ events: StoredEvent[]; next?: PageCursor }> {
    if (!query.fields.some((filter) => indexedLots(filter)))
      return this.findOn(this.database.pool, query, principal, true);
    // Whether any event has an irregular lot number index entry decides the statement (one lot walks the index in
    // order), so both are read in one snapshot.
    return inTransaction(this.database.pool, async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const { rows } = await client.query<{ irregular: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM events WHERE document ? 'ilmd' AND event_lot_number(document, namespaces) = $1) AS irregular`,
        [IRREGULAR_LOT],
      );
      return this.findOn(client, query, principal, rows[0]!.irregular);
    });
  }

  private async findOn(
    db: Pool | PoolClient,
    query: EventQuery,
    principal: Principal,
    irregularLots: boolean,
  ): Promise<{ events: StoredEvent[]; next?: PageCursor }> {
    const c = new Conditions();
    const party = seesEveryParty(principal) ? undefined : c.param(principal.party);
    const clauses = filterClausesOfQuery(c, query, irregularLots);
    const { own, named } = visibleParts(party);
    const max = query.maxEventCount;
    if (max !== undefined) {
      const counted = [own, ...(named ? [named.source] : [])].map(
        (source) =>
          `(SELECT 1 FROM ${source.from} WHERE ${[...source.where, ...c.clauses, 'TRUE'].join(' AND ')} LIMIT ${max + 1})`,
      );
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (${counted.join(' UNION ALL ')}) t`,
        c.params,
      );
      if (rows[0]!.n > max) throw new QueryTooLargeError(max);
    }
    const served = query.after?.served ?? 0;
    const pageSize =
      query.eventCountLimit === undefined
        ? query.perPage
        : Math.min(query.perPage, query.eventCountLimit - served);
    if (pageSize <= 0) return { events: [] };

    const { rows } = await db.query<
      {
        event_hash: string;
        event_time: Date;
        document: EpcisEvent;
        namespaces: Record<string, string>;
        captured_by_gcps: string[] | null;
      } & KeyColumns
    >(pageStatement(c, query, pageSize + 1, clauses, own, named), c.params);
    const page = rows.slice(0, pageSize);
    const events = page.map((r) => ({
      eventHash: r.event_hash,
      eventTime: r.event_time,
      document: r.document,
      namespaces: r.namespaces,
      capturerGcps: r.captured_by_gcps ?? [],
    }));
    const last = page[page.length - 1];
    const limitReached = query.eventCountLimit !== undefined && served + page.length >= query.eventCountLimit;
    if (rows.length <= pageSize || !last || limitReached) return { events };
    return {
      events,
      next: {
        keys: orderColumnKinds(pageOrder(query).key).map((_, i) => last[`k${i}` as keyof KeyColumns] ?? null),
        eventHash: last.event_hash,
        served: served + page.length,
      },
    };
  }

  /**
   * One page of the values of a REST binding collection that occur in events the principal may see, in byte order
   * after `after`, with the company prefixes of one of their events' capturers (for GS1-EPC-Format).
   */
  async resourceValues(
    kind: ResourceKind,
    principal: Principal,
    limit: number,
    after?: string,
  ): Promise<Array<{ value: string; gcps: string[] }>> {
    const c = new Conditions();
    filterClauses(c, BLANK_QUERY, principal);
    const afterClause = (column: string) => (after === undefined ? '' : `AND ${column} > ${c.param(after)}`);
    if (kind === 'epcs') {
      const visible = c.clauses.length > 0 ? `AND ${c.clauses.join(' AND ')}` : '';
      const { rows } = await this.database.pool.query<{ value: string; gcps: string[] | null }>(
        `SELECT DISTINCT ON (x.key) x.key AS value, e.captured_by_gcps AS gcps
         FROM event_epcs x JOIN events e ON e.event_hash = x.event_hash
         WHERE x.role = ANY(${c.param(EPC_ROLES)}) ${afterClause('x.key')} ${visible}
         ORDER BY x.key LIMIT ${c.param(limit)}`,
        c.params,
      );
      return rows.map((r) => ({ value: r.value, gcps: r.gcps ?? [] }));
    }
    const column = `e.${RESOURCE_COLUMNS[kind]}`;
    c.add(`${column} IS NOT NULL`);
    const bound = afterClause(`${column} COLLATE "C"`);
    const { rows } = await this.database.pool.query<{ value: string; gcps: string[] | null }>(
      `SELECT DISTINCT ON (${column} COLLATE "C") ${column} AS value, e.captured_by_gcps AS gcps
       FROM events e ${c.where()} ${bound}
       ORDER BY ${column} COLLATE "C" LIMIT ${c.param(limit)}`,
      c.params,
    );
    return rows.map((r) => ({ value: r.value, gcps: r.gcps ?? [] }));
  }

  /**
   * The hashes of those `candidates` (events not necessarily stored) that `query` selects for `principal`: the same
   * SQL as `find`, run over the candidates given as rows in place of the `events` and `event_epcs` tables.
   */
  async matching(
    query: EventQuery,
    principal: Principal,
    candidates: CandidateEvent[],
  ): Promise<Set<string>> {
    if (candidates.length === 0) return new Set();
    const c = new Conditions();
    const rows = c.param(JSON.stringify(candidates.map((candidate) => candidate.row)));
    const epcs = c.param(
      JSON.stringify(
        candidates.flatMap(({ row, identifiers }) =>
          identifiers.map((i) => ({
            key: i.key,
            role: i.role,
            event_hash: row.event_hash,
            event_type: row['event_type'],
          })),
        ),
      ),
    );
    filterClauses(c, query, principal);
    // A CTE named like a table hides the table in this statement: the filters read the candidates.
    const { rows: matched } = await this.database.pool.query<{ event_hash: string }>(
      `WITH events AS (SELECT * FROM jsonb_populate_recordset(NULL::events, ${rows}::jsonb)),
            event_epcs AS (SELECT * FROM jsonb_populate_recordset(NULL::event_epcs, ${epcs}::jsonb))
       SELECT e.event_hash FROM events e ${c.where()}`,
      c.params,
    );
    return new Set(matched.map((r) => r.event_hash));
  }
}
