import { createHash } from 'node:crypto';
import {
  canonicalIdentifier,
  dateTimeStampProblem,
  EPCIS_ACTIONS,
  EPCIS_EVENT_TYPES,
  toBareCbvWord,
  type EpcisProblem,
} from '@pedigree/epcis';

export type IdentifierMatch = { roles: readonly string[]; values: string[] };

/** An EPCIS SimpleEventQuery, parsed and normalised; what the repository turns into SQL. */
export interface EventQuery {
  eventTypes?: string[];
  eventTime: { ge?: Date; lt?: Date };
  recordTime: { ge?: Date; lt?: Date };
  actions?: string[];
  bizSteps?: string[];
  dispositions?: string[];
  readPoints?: string[];
  bizLocations?: string[];
  eventIds?: string[];
  identifierMatches: IdentifierMatch[];
  bizTransactions: Array<{ type: string; values: string[] }>;
  sources: Array<{ type: string; values: string[] }>;
  destinations: Array<{ type: string; values: string[] }>;
  perPage: number;
  after?: { eventTime: Date; eventHash: string };
  /** Identifies the filter (not the page), so that a page token is only accepted for the query it came from. */
  fingerprint: string;
}

export class QueryParameterError extends Error {
  constructor(readonly problems: EpcisProblem[]) {
    super(problems.map((p) => p.message).join('; '));
  }
}

const MATCH_ROLES: Record<string, readonly string[]> = {
  MATCH_epc: ['epc', 'child'],
  MATCH_parentID: ['parent'],
  MATCH_inputEPC: ['input'],
  MATCH_outputEPC: ['output'],
  MATCH_anyEPC: ['epc', 'child', 'parent', 'input', 'output'],
  MATCH_epcClass: ['quantity', 'childQuantity'],
};

const PREFIXED = /^(EQ_bizTransaction|EQ_source|EQ_destination)_(.+)$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const EVENT_HASH = /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/;

export interface PageToken {
  eventTime: string;
  eventHash: string;
  fingerprint: string;
}

export function encodePageToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodePageToken(text: string): PageToken | undefined {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<PageToken>;
    // A token is the client's to send back: one with a time that is no instant or a hash that is no GS1 event hash
    // is not one we issued (the page query would fail on it), whatever its fingerprint says.
    if (
      typeof token.eventTime === 'string' &&
      dateTimeStampProblem(token.eventTime, 'eventTime') === undefined &&
      typeof token.eventHash === 'string' &&
      EVENT_HASH.test(token.eventHash) &&
      typeof token.fingerprint === 'string'
    ) {
      return token as PageToken;
    }
  } catch {
    // Not a token we issued.
  }
  return undefined;
}

/**
 * Parses the query parameters of `GET /events` (EPCIS 2.0 REST binding, SimpleEventQuery). Multi-valued parameters
 * are pipe-delimited (`eventType=ObjectEvent|AggregationEvent`) or repeated. Unknown parameters and bad values are
 * QueryParameterException problems.
 */
export function parseEventQuery(
  params: URLSearchParams,
  limits: { defaultPerPage: number; maxPerPage: number },
): EventQuery {
  const problems: EpcisProblem[] = [];
  const bad = (name: string, message: string) =>
    problems.push({ pointer: `/query/${name}`, message: `${name}: ${message}` });
  const values = (name: string) =>
    params
      .getAll(name)
      .flatMap((v) => v.split('|'))
      .map((v) => v.trim())
      .filter((v) => v !== '');
  const time = (name: string): Date | undefined => {
    const raw = params.get(name);
    if (raw === null) return undefined;
    if (!TIME.test(raw) || Number.isNaN(Date.parse(raw))) {
      bad(name, `"${raw}" is not a date-time with a time zone (e.g. 2026-01-31T12:00:00Z)`);
      return undefined;
    }
    return new Date(raw);
  };

  const query: EventQuery = {
    eventTime: { ge: time('GE_eventTime'), lt: time('LT_eventTime') },
    recordTime: { ge: time('GE_recordTime'), lt: time('LT_recordTime') },
    identifierMatches: [],
    bizTransactions: [],
    sources: [],
    destinations: [],
    perPage: limits.defaultPerPage,
    fingerprint: '',
  };
  const filterParts: string[] = [];

  for (const name of new Set(params.keys())) {
    const list = values(name);
    if (name !== 'nextPageToken' && name !== 'perPage') filterParts.push(`${name}=${list.join('|')}`);
    if (name.startsWith('GE_') || name.startsWith('LT_')) {
      if (!['GE_eventTime', 'LT_eventTime', 'GE_recordTime', 'LT_recordTime'].includes(name))
        bad(name, 'unknown parameter');
      continue;
    }
    if (list.length === 0 && name !== 'nextPageToken') {
      bad(name, 'needs a value');
      continue;
    }
    const prefixed = PREFIXED.exec(name);
    if (prefixed) {
      const kind = prefixed[1] === 'EQ_bizTransaction' ? 'bizTransactionType' : 'sourceDestType';
      const entry = { type: toBareCbvWord(kind, prefixed[2]!), values: list };
      if (prefixed[1] === 'EQ_bizTransaction') query.bizTransactions.push(entry);
      else if (prefixed[1] === 'EQ_source') query.sources.push(entry);
      else query.destinations.push(entry);
      continue;
    }
    if (MATCH_ROLES[name]) {
      query.identifierMatches.push({ roles: MATCH_ROLES[name]!, values: list.map(canonicalIdentifier) });
      continue;
    }
    switch (name) {
      case 'eventType':
        query.eventTypes = list;
        for (const type of list)
          if (!(EPCIS_EVENT_TYPES as readonly string[]).includes(type))
            bad(name, `"${type}" is not an EPCIS event type`);
        break;
      case 'EQ_action':
        query.actions = list;
        for (const action of list)
          if (!(EPCIS_ACTIONS as readonly string[]).includes(action))
            bad(name, `"${action}" is not ${EPCIS_ACTIONS.join(', ')}`);
        break;
      case 'EQ_bizStep':
        query.bizSteps = list.map((v) => toBareCbvWord('bizStep', v));
        break;
      case 'EQ_disposition':
        query.dispositions = list.map((v) => toBareCbvWord('disposition', v));
        break;
      case 'EQ_readPoint':
        query.readPoints = list.map(canonicalIdentifier);
        break;
      case 'EQ_bizLocation':
        query.bizLocations = list.map(canonicalIdentifier);
        break;
      case 'EQ_eventID':
        query.eventIds = list;
        break;
      case 'perPage': {
        const n = Number(list[0]);
        if (!Number.isInteger(n) || n < 1 || n > limits.maxPerPage)
          bad(name, `must be a whole number from 1 to ${limits.maxPerPage}`);
        else query.perPage = n;
        break;
      }
      case 'nextPageToken':
        break;
      default:
        bad(name, 'unknown parameter');
    }
  }

  query.fingerprint = createHash('sha256')
    .update(filterParts.sort().join('&'))
    .digest('base64url')
    .slice(0, 16);
  const tokenText = params.get('nextPageToken');
  if (tokenText !== null) {
    const token = decodePageToken(tokenText);
    if (!token || token.fingerprint !== query.fingerprint)
      bad('nextPageToken', 'not a page token of this query');
    else query.after = { eventTime: new Date(token.eventTime), eventHash: token.eventHash };
  }
  if (problems.length > 0) throw new QueryParameterError(problems);
  return query;
}
