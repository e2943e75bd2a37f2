import type { ExtensionFields, JsonLdContext, JsonObject, JsonValue } from './json';

/**
 * The EPCIS 2.0 event model in its JSON-LD form (EPCIS 2.0 §7.4, GS1 EPCIS JSON schema): the canonical
 * in-memory model of the project. Values are plain JSON; vocabulary values may be bare CBV words
 * (`shipping`) or URIs, identifiers are EPC URIs or GS1 Digital Link URIs.
 */

/** An absolute URI (EPC pure identity URI, GS1 Digital Link URI, CBV URI, any URI). */
export type Uri = string;

/** An xsd:dateTimeStamp in RFC 3339 form, e.g. `2005-04-03T20:33:31.116-06:00`. */
export type DateTimeStamp = string;

/** A time zone offset `±hh:mm` between -14:00 and +14:00. */
export type TimeZoneOffset = string;

export type EpcisAction = 'ADD' | 'OBSERVE' | 'DELETE';
export const EPCIS_ACTIONS: readonly EpcisAction[] = ['ADD', 'OBSERVE', 'DELETE'];

export const EPCIS_EVENT_TYPES = [
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
] as const;
export type EpcisEventType = (typeof EPCIS_EVENT_TYPES)[number];

/** A bare CBV word or a URI (the JSON-LD `@vocab` value types of EPCIS 2.0). */
export type VocabularyValue = string;

/** EPCIS 2.0 §7.3.3.3 quantity element (epcClass + optional quantity and UN/ECE Rec 20 unit of measure). */
export interface QuantityElement {
  epcClass: Uri;
  quantity?: number;
  uom?: string;
}

export type ReadPoint = { id: Uri } & ExtensionFields;
export type BusinessLocation = { id: Uri } & ExtensionFields;

/** EPCIS 2.0 §7.3.5.3 business transaction. */
export interface BizTransaction {
  type?: VocabularyValue;
  bizTransaction: Uri;
}

/** EPCIS 2.0 §7.3.5.4 source. */
export interface SourceElement {
  type: VocabularyValue;
  source: Uri;
}

/** EPCIS 2.0 §7.3.5.4 destination. */
export interface DestinationElement {
  type: VocabularyValue;
  destination: Uri;
}

/** EPCIS 2.0 §7.3.5.2 persistent disposition: dispositions set and/or unset by the event. */
export interface PersistentDisposition {
  set?: VocabularyValue[];
  unset?: VocabularyValue[];
}

/** EPCIS 2.0 §7.4.1.2 error declaration. */
export type ErrorDeclaration = {
  declarationTime: DateTimeStamp;
  reason?: VocabularyValue;
  correctiveEventIDs?: Uri[];
} & ExtensionFields;

/** EPCIS 2.0 §7.3.8.2 sensor metadata. */
export type SensorMetadata = {
  time?: DateTimeStamp;
  startTime?: DateTimeStamp;
  endTime?: DateTimeStamp;
  deviceID?: Uri;
  deviceMetadata?: Uri;
  rawData?: Uri;
  dataProcessingMethod?: Uri;
  bizRules?: Uri;
} & ExtensionFields;

/** EPCIS 2.0 §7.3.8.3 sensor report. */
export type SensorReport = {
  /** Measurement type: a gs1:MeasurementType bare word or a URI. */
  type?: VocabularyValue;
  /** Alert type: a gs1:SensorAlertType bare word or a URI. */
  exception?: VocabularyValue;
  deviceID?: Uri;
  deviceMetadata?: Uri;
  rawData?: Uri;
  dataProcessingMethod?: Uri;
  bizRules?: Uri;
  time?: DateTimeStamp;
  microorganism?: Uri;
  chemicalSubstance?: Uri;
  coordinateReferenceSystem?: Uri;
  value?: number;
  component?: VocabularyValue;
  stringValue?: string;
  booleanValue?: boolean;
  hexBinaryValue?: string;
  uriValue?: Uri;
  minValue?: number;
  maxValue?: number;
  meanValue?: number;
  sDev?: number;
  percRank?: number;
  percValue?: number;
  /** UN/ECE Recommendation 20 unit code, e.g. `CEL`, `KGM`. */
  uom?: string;
} & ExtensionFields;

/** EPCIS 2.0 §7.3.8.1 sensor element. */
export type SensorElement = {
  sensorMetadata?: SensorMetadata;
  sensorReport: SensorReport[];
} & ExtensionFields;

/** Instance/lot master data (EPCIS 2.0 §7.3.6): namespaced fields only. */
export type Ilmd = { [key: string]: JsonValue };

/** Fields common to every EPCIS 2.0 event (§7.4.1), including the `what/where/why` fields most types share. */
export type EpcisEventCommon = {
  '@context'?: JsonLdContext;
  eventTime: DateTimeStamp;
  eventTimeZoneOffset: TimeZoneOffset;
  recordTime?: DateTimeStamp;
  eventID?: Uri;
  certificationInfo?: Uri | Uri[];
  errorDeclaration?: ErrorDeclaration;
  bizStep?: VocabularyValue;
  disposition?: VocabularyValue;
  readPoint?: ReadPoint;
  bizLocation?: BusinessLocation;
  bizTransactionList?: BizTransaction[];
  sourceList?: SourceElement[];
  destinationList?: DestinationElement[];
  sensorElementList?: SensorElement[];
} & ExtensionFields;

export type ObjectEvent = EpcisEventCommon & {
  type: 'ObjectEvent';
  action: EpcisAction;
  epcList?: Uri[];
  quantityList?: QuantityElement[];
  persistentDisposition?: PersistentDisposition;
  /** Only with action ADD. */
  ilmd?: Ilmd;
};

export type AggregationEvent = EpcisEventCommon & {
  type: 'AggregationEvent';
  action: EpcisAction;
  /** Required for ADD and DELETE, optional for OBSERVE. */
  parentID?: Uri;
  childEPCs?: Uri[];
  childQuantityList?: QuantityElement[];
};

export type TransactionEvent = EpcisEventCommon & {
  type: 'TransactionEvent';
  action: EpcisAction;
  bizTransactionList: BizTransaction[];
  parentID?: Uri;
  epcList?: Uri[];
  quantityList?: QuantityElement[];
};

/** A TransformationEvent has no action. */
export type TransformationEvent = EpcisEventCommon & {
  type: 'TransformationEvent';
  inputEPCList?: Uri[];
  inputQuantityList?: QuantityElement[];
  outputEPCList?: Uri[];
  outputQuantityList?: QuantityElement[];
  transformationID?: Uri;
  persistentDisposition?: PersistentDisposition;
  ilmd?: Ilmd;
};

export type AssociationEvent = EpcisEventCommon & {
  type: 'AssociationEvent';
  action: EpcisAction;
  parentID: Uri;
  childEPCs?: Uri[];
  childQuantityList?: QuantityElement[];
};

export type EpcisEvent =
  ObjectEvent | AggregationEvent | TransactionEvent | TransformationEvent | AssociationEvent;

/** Any JSON object shaped like an event, e.g. an extension event type (the schema's "Extended-Event"). */
export type EpcisEventLike = JsonObject;
