import { jsonPointer } from '../errors';
import type { AnyEpcisDocument } from '../model/documents';
import type { EpcisEvent } from '../model/events';
import type { JsonValue } from '../model/json';
import type { CbvVocabularyKind } from '../model/vocabulary';
import { canonicalContext, compactIri, expandTerm, resolveEpcisContext } from './context';
import { documentEvents, eventListPointer } from './documents';
import { toBareCbvWord, toCbvUri } from './vocabulary-forms';

export interface NormaliseOptions {
  /** `bare` (default): bare CBV words, the canonical EPCIS 2.0 JSON-LD form; `uri`: full Web URIs. */
  vocabulary?: 'bare' | 'uri';
  /**
   * Namespaced extension keys: `preserve` (default) as written, `compact` as CURIEs where a declared prefix
   * matches, `expanded` as absolute IRIs.
   */
  extensionKeys?: 'preserve' | 'compact' | 'expanded';
}

type KeyMapper = (key: string) => string;

/** Deep copy of a JSON value, renaming every namespaced (colon-containing) key with `mapKey`. */
function copyJson(value: JsonValue, mapKey: KeyMapper): JsonValue {
  if (Array.isArray(value)) return value.map((item) => copyJson(item, mapKey));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    copy[key.includes(':') ? mapKey(key) : key] = copyJson(item, mapKey);
  }
  return copy;
}

function keyMapper(mode: NormaliseOptions['extensionKeys'], namespaces: Record<string, string>): KeyMapper {
  if (mode === 'expanded') return (key) => expandTerm(key, namespaces);
  if (mode === 'compact') return (key) => compactIri(expandTerm(key, namespaces), namespaces);
  return (key) => key;
}

type Holder = Record<string, unknown>;

function convertField(
  holder: Holder | undefined,
  field: string,
  kind: CbvVocabularyKind,
  toUri: boolean,
): void {
  const value = holder?.[field];
  if (typeof value === 'string') holder![field] = toUri ? toCbvUri(kind, value) : toBareCbvWord(kind, value);
}

function convertEach(items: unknown, field: string, kind: CbvVocabularyKind, toUri: boolean): void {
  if (Array.isArray(items)) for (const item of items) convertField(item as Holder, field, kind, toUri);
}

function convertStrings(items: unknown, kind: CbvVocabularyKind, toUri: boolean): void {
  if (!Array.isArray(items)) return;
  items.forEach((item, index) => {
    if (typeof item === 'string') items[index] = toUri ? toCbvUri(kind, item) : toBareCbvWord(kind, item);
  });
}

/** Converts every CBV / GS1 vocabulary value of an event (in place) to bare words or full URIs. */
export function normaliseEventVocabulary(event: EpcisEvent, form: 'bare' | 'uri' = 'bare'): void {
  const toUri = form === 'uri';
  const e = event as unknown as Holder;
  convertField(e, 'bizStep', 'bizStep', toUri);
  convertField(e, 'disposition', 'disposition', toUri);
  const persistent = e['persistentDisposition'] as Holder | undefined;
  convertStrings(persistent?.['set'], 'disposition', toUri);
  convertStrings(persistent?.['unset'], 'disposition', toUri);
  convertEach(e['bizTransactionList'], 'type', 'bizTransactionType', toUri);
  convertEach(e['sourceList'], 'type', 'sourceDestType', toUri);
  convertEach(e['destinationList'], 'type', 'sourceDestType', toUri);
  convertField(e['errorDeclaration'] as Holder | undefined, 'reason', 'errorReason', toUri);
  const sensorElements = e['sensorElementList'];
  if (Array.isArray(sensorElements)) {
    for (const element of sensorElements as Holder[]) {
      const reports = element?.['sensorReport'];
      convertEach(reports, 'type', 'measurementType', toUri);
      convertEach(reports, 'exception', 'sensorAlertType', toUri);
      convertEach(reports, 'component', 'component', toUri);
    }
  }
}

/**
 * Returns a normalised copy of an EPCIS document: the @context in canonical form (EPCIS context URI first,
 * prefix declarations merged into one object), vocabulary values as bare CBV words (or full URIs), and
 * namespaced extension keys as written, compacted or expanded. The input is not modified.
 */
export function normaliseEpcisDocument<T extends AnyEpcisDocument>(
  doc: T,
  options: NormaliseOptions = {},
): T {
  const context = resolveEpcisContext(doc['@context']);
  const mapKey = keyMapper(mode(options), context.namespaces);
  const copy = copyJson(doc as unknown as JsonValue, mapKey) as unknown as T;
  copy['@context'] = canonicalContext(context);
  const originalEvents = documentEvents(doc);
  const events = documentEvents(copy);
  events.forEach((event, index) => {
    const eventContext = event['@context'];
    if (eventContext !== undefined && mode(options) !== 'preserve') {
      const pointer = jsonPointer(eventListPointer(doc), index, '@context');
      const eventNamespaces = {
        ...context.namespaces,
        ...resolveEpcisContext(eventContext, pointer).namespaces,
      };
      events[index] = copyJson(
        originalEvents[index] as unknown as JsonValue,
        keyMapper(mode(options), eventNamespaces),
      ) as unknown as EpcisEvent;
    }
    normaliseEventVocabulary(events[index], options.vocabulary ?? 'bare');
  });
  return copy;
}

function mode(options: NormaliseOptions): NonNullable<NormaliseOptions['extensionKeys']> {
  return options.extensionKeys ?? 'preserve';
}
