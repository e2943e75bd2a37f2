import type { EpcisEvent, Uri, DateTimeStamp } from './events';
import type { ExtensionFields, JsonLdContext, JsonValue } from './json';

/** The default EPCIS 2.0 JSON-LD context URI (EPCIS 2.0 §9). */
export const EPCIS_CONTEXT_URI = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';

/** Master data attribute (EPCIS 2.0 §7.5 / §9.8): the attribute's URI and its value. */
export interface VocabularyAttribute {
  id: Uri;
  attribute?: JsonValue;
}

export interface VocabularyElement {
  id: Uri;
  attributes?: VocabularyAttribute[];
  /** Children of a hierarchical vocabulary element (e.g. the sub-locations of a location). */
  children?: Uri[];
}

/** A master data vocabulary, e.g. `urn:epcglobal:epcis:vtype:BusinessLocation`. */
export interface Vocabulary {
  type: Uri;
  vocabularyElementList?: VocabularyElement[];
}

export type EpcisHeader = {
  epcisMasterData?: { vocabularyList?: Vocabulary[] };
} & ExtensionFields;

/** EPCIS 2.0 §9.3 EPCISDocument. */
export type EpcisDocument = {
  '@context': JsonLdContext;
  type: 'EPCISDocument';
  id?: Uri;
  schemaVersion: string;
  creationDate: DateTimeStamp;
  instanceIdentifier?: string;
  sender?: string;
  receiver?: string;
  epcisHeader?: EpcisHeader;
  epcisBody: { eventList: EpcisEvent[] };
} & ExtensionFields;

export interface QueryResults {
  queryName: string;
  subscriptionID?: string;
  resultsBody: { eventList: EpcisEvent[]; vocabularyList?: Vocabulary[] };
}

/** EPCIS 2.0 §9.4 EPCISQueryDocument (the result of a query or subscription). */
export type EpcisQueryDocument = {
  '@context': JsonLdContext;
  type: 'EPCISQueryDocument';
  id?: Uri;
  schemaVersion?: string;
  creationDate?: DateTimeStamp;
  epcisBody: { queryResults: QueryResults };
} & ExtensionFields;

export type AnyEpcisDocument = EpcisDocument | EpcisQueryDocument;
