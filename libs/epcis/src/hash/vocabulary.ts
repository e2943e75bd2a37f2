/**
 * CBV vocabulary values in the event hash are always written as GS1 Web URIs: bare words (JSON-LD
 * notation, `shipping`) are expanded with the namespace of the field's vocabulary, and the CBV 1.x URNs
 * (`urn:epcglobal:cbv:bizstep:shipping`) are replaced by their CBV 2.0 Web URI equivalents.
 */
export const CBV = 'https://ref.gs1.org/cbv/';
export const GS1_VOC = 'https://gs1.org/voc/';

/** Namespaces that turn a bare word into a full URI, per vocabulary-valued field. */
export const VOCABULARY_NAMESPACE = {
  bizStep: `${CBV}BizStep-`,
  disposition: `${CBV}Disp-`,
  bizTransactionType: `${CBV}BTT-`,
  sourceDestinationType: `${CBV}SDT-`,
  errorReason: `${CBV}ER-`,
  component: `${CBV}Comp-`,
  measurementType: GS1_VOC,
  sensorAlertType: GS1_VOC,
} as const;

export type VocabularyNamespace = (typeof VOCABULARY_NAMESPACE)[keyof typeof VOCABULARY_NAMESPACE];

const CBV_URN = 'urn:epcglobal:cbv:';
const CBV_URN_TO_WEB_URI: ReadonlyArray<readonly [string, string]> = [
  ['urn:epcglobal:cbv:bizstep:', VOCABULARY_NAMESPACE.bizStep],
  ['urn:epcglobal:cbv:disp:', VOCABULARY_NAMESPACE.disposition],
  ['urn:epcglobal:cbv:btt:', VOCABULARY_NAMESPACE.bizTransactionType],
  ['urn:epcglobal:cbv:sdt:', VOCABULARY_NAMESPACE.sourceDestinationType],
  ['urn:epcglobal:cbv:er:', VOCABULARY_NAMESPACE.errorReason],
];

/** A bare word carries no scheme or prefix: it has no colon. */
export function isBareWord(value: string): boolean {
  return value !== '' && !value.includes(':');
}

/** Replaces a CBV 1.x vocabulary URN by the CBV 2.0 Web URI; other values are returned unchanged. */
export function cbvUrnToWebUri(value: string): string {
  if (!value.startsWith(CBV_URN)) return value;
  for (const [urnPrefix, webUriPrefix] of CBV_URN_TO_WEB_URI) {
    if (value.startsWith(urnPrefix)) return webUriPrefix + value.slice(urnPrefix.length);
  }
  return value;
}
