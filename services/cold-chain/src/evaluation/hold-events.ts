import type { EpcisEventMessage } from '@pedigree/contracts';
import {
  assertValidEpcisDocument,
  documentEventHashes,
  EPCIS_CONTEXT_URI,
  namespacesFromJsonLdContext,
  type EpcisEvent,
} from '@pedigree/epcis';
import { formatDigitalLink } from '@pedigree/gs1';
import { PEDIGREE_DISPOSITIONS, RELEASE_DISPOSITION } from '@pedigree/registry';

export type HoldAction = 'quarantine' | 'reject' | 'release';

const DISPOSITION: Record<HoldAction, string> = {
  quarantine: PEDIGREE_DISPOSITIONS.quarantined,
  reject: PEDIGREE_DISPOSITIONS.rejected,
  release: RELEASE_DISPOSITION,
};

/**
 * The EPCIS event a quarantine, rejection or release of an excursion's packs is captured as: an ObjectEvent OBSERVE
 * naming each pack (GS1 Digital Link), bizStep `holding`, a Pedigree disposition (libs/registry), as the message capture
 * would publish on epcis.events.v1 — so it is in every pack's history, the serialization service's registry holds the
 * packs, and the ledger-writer anchors it. `capturedBy` is the party on whose behalf it is captured (the deciding
 * manufacturer, or the profile's owner for an automatic quarantine); it carries the platform's (admin) authority, as
 * the packs are usually held by someone else by then (docs/adr/0018-cold-chain-service.md).
 */
export function holdEventMessage(
  action: HoldAction,
  packs: ReadonlyArray<{ gtin: string; serial: string }>,
  capture: { excursionId: string; capturedBy: string; at: Date },
): EpcisEventMessage {
  const event = {
    type: 'ObjectEvent',
    eventTime: capture.at.toISOString(),
    eventTimeZoneOffset: '+00:00',
    epcList: packs.map((p) =>
      formatDigitalLink([
        { ai: '01', value: p.gtin },
        { ai: '21', value: p.serial },
      ]),
    ),
    action: 'OBSERVE',
    bizStep: 'holding',
    disposition: DISPOSITION[action],
  };
  const document = {
    '@context': EPCIS_CONTEXT_URI,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: capture.at.toISOString(),
    epcisBody: { eventList: [event] },
  };
  assertValidEpcisDocument(document);
  const [hash] = documentEventHashes(document);
  const recordTime = capture.at.toISOString();
  return {
    eventHash: hash!,
    captureId: `coldchain:${capture.excursionId}:${action}`,
    capturedBy: capture.capturedBy,
    capturedByAdmin: true,
    capturedByRoles: ['admin'],
    capturedByGcps: [],
    recordTime,
    namespaces: namespacesFromJsonLdContext(document['@context']),
    event: { ...event, recordTime, eventID: hash } as unknown as EpcisEvent,
  };
}
