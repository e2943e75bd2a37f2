import type { AnyEpcisDocument, Vocabulary } from '../model/documents';
import type { EpcisEvent } from '../model/events';

/** The JSON pointer of the event list of a document (capture document or query document). */
export function eventListPointer(doc: Pick<AnyEpcisDocument, 'type'>): string {
  return doc.type === 'EPCISQueryDocument'
    ? '/epcisBody/queryResults/resultsBody/eventList'
    : '/epcisBody/eventList';
}

/** The events of an EPCISDocument or an EPCISQueryDocument, in document order. */
export function documentEvents(doc: AnyEpcisDocument): EpcisEvent[] {
  return doc.type === 'EPCISQueryDocument'
    ? (doc.epcisBody.queryResults.resultsBody.eventList ?? [])
    : (doc.epcisBody.eventList ?? []);
}

/** The master data vocabularies of a document (EPCISDocument header or query results body). */
export function documentVocabularies(doc: AnyEpcisDocument): Vocabulary[] {
  return doc.type === 'EPCISQueryDocument'
    ? (doc.epcisBody.queryResults.resultsBody.vocabularyList ?? [])
    : (doc.epcisHeader?.epcisMasterData?.vocabularyList ?? []);
}
