import { hash } from 'node:crypto';
import { EpcisException, jsonPointer } from '../errors';
import { JsonLdNamespaces, namespacesFromJsonLdContext } from './namespaces';
import { buildErrorDeclarationPreHashString, buildPreHashString } from './pre-hash';

/** The version suffix of hash IDs built with the CBV 2.0 algorithm. */
export const EVENT_HASH_VERSION = 'CBV2.0';

/**
 * The canonical pre-hash string of an EPCIS 2.0 JSON-LD event (CBV 2.0, "EPCIS Event Hash ID").
 * `context` holds the namespace prefixes declared by the enclosing document's `@context`; the prefixes
 * of the standard EPCIS context are always known.
 */
export function eventPreHashString(event: Record<string, unknown>, context?: JsonLdNamespaces): string {
  return buildPreHashString(event, context);
}

/** The EPCIS Event Hash ID of an event: `ni:///sha-256;<hex digest>?ver=CBV2.0` (RFC 6920 `ni` URI). */
export function eventHash(event: Record<string, unknown>, context?: JsonLdNamespaces): string {
  return hashIdOf(eventPreHashString(event, context));
}

/**
 * What an error declaration's hash covers: the declared event's hash ID followed by the pre-hash substring of its
 * errorDeclaration (see buildErrorDeclarationPreHashString).
 */
export function errorDeclarationPreHashString(
  eventHashId: string,
  declaration: unknown,
  context?: JsonLdNamespaces,
): string {
  return eventHashId + buildErrorDeclarationPreHashString(declaration, context);
}

/**
 * The hash ID of an error declaration, `ni:///sha-256;<hex digest>` of errorDeclarationPreHashString. Pedigree's own,
 * not a GS1 hash ID: the CBV 2.0 event hash leaves errorDeclaration out, so an event and the declaration that
 * retracts it (the event sent again with errorDeclaration) share their event hash; this one tells them apart, and
 * two declarations of an event differ when their time, reason, corrective events or extensions do.
 */
export function errorDeclarationHash(
  eventHashId: string,
  declaration: unknown,
  context?: JsonLdNamespaces,
): string {
  return `ni:///sha-256;${hash('sha256', errorDeclarationPreHashString(eventHashId, declaration, context), 'hex')}`;
}

/**
 * The hash IDs of all events of an EPCISDocument (`epcisBody.eventList`) or EPCISQueryDocument
 * (`epcisBody.queryResults.resultsBody.eventList`), in document order.
 */
export function documentEventHashes(doc: Record<string, unknown>): string[] {
  const namespaces = namespacesFromJsonLdContext(doc['@context']);
  const { events, pointer } = eventListOf(doc);
  return events.map((event, i) => hashIdOf(buildPreHashString(event, namespaces, jsonPointer(pointer, i))));
}

function hashIdOf(preHashString: string): string {
  const digest = hash('sha256', preHashString, 'hex');
  return `ni:///sha-256;${digest}?ver=${EVENT_HASH_VERSION}`;
}

function eventListOf(doc: Record<string, unknown>): { events: unknown[]; pointer: string } {
  const body = field(doc, 'epcisBody');
  const queryResults = field(body, 'queryResults');
  const candidates = [
    { list: field(body, 'eventList'), pointer: '/epcisBody/eventList' },
    {
      list: field(field(queryResults, 'resultsBody'), 'eventList'),
      pointer: '/epcisBody/queryResults/resultsBody/eventList',
    },
  ];
  const found = candidates.find(({ list }) => Array.isArray(list));
  if (found) return { events: found.list as unknown[], pointer: found.pointer };
  throw new EpcisException('ValidationException', [
    {
      pointer: '/epcisBody',
      message: 'no event list: expected epcisBody.eventList or epcisBody.queryResults.resultsBody.eventList',
    },
  ]);
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
