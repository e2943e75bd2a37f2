import type { EpcisEventMessage } from '@pedigree/contracts';
import { canonicalIdentifier, toBareCbvWord } from '@pedigree/epcis';
import { eventFacts, type EventFacts } from '@pedigree/registry';

/** The columns of one `events` row of the recall service, derived from a captured-event message. */
export interface EventRow {
  event_hash: string;
  event_type: string;
  action: string | null;
  biz_step: string | null;
  disposition: string | null;
  event_time: string;
  record_time: string;
  read_point: string | null;
  biz_location: string | null;
  captured_by: string;
  captured_by_roles: string[] | null;
  captured_by_gcps: string[] | null;
  /** The parties that had appointed the capturer as agent when capture recorded the event (ADR 0023). */
  appointed_by: string[] | null;
  source_parties: string[];
  destination_parties: string[];
  biz_transactions: Array<{ type?: string; id: string }>;
  lot: string | null;
  expiry: string | null;
  error_declared_at: string | null;
  document: Record<string, unknown>;
}

export function eventRow(message: EpcisEventMessage): { row: EventRow; facts: EventFacts } {
  const e = message.event;
  const facts = eventFacts(e);
  return {
    facts,
    row: {
      event_hash: message.eventHash,
      event_type: facts.type,
      action: facts.action ?? null,
      biz_step: facts.bizStep ?? null,
      disposition: facts.disposition ?? null,
      event_time: facts.eventTime.toISOString(),
      record_time: message.recordTime,
      read_point: facts.readPoint === undefined ? null : canonicalIdentifier(facts.readPoint),
      biz_location: facts.bizLocation === undefined ? null : canonicalIdentifier(facts.bizLocation),
      captured_by: message.capturedBy,
      captured_by_roles: message.capturedByRoles ?? (message.capturedByAdmin ? ['admin'] : null),
      captured_by_gcps: message.capturedByGcps ?? null,
      appointed_by: message.appointedBy ?? null,
      source_parties: facts.sourceParties,
      destination_parties: facts.destinationParties,
      biz_transactions: (e.bizTransactionList ?? []).map((b) => ({
        ...(b.type === undefined ? {} : { type: toBareCbvWord('bizTransactionType', b.type) }),
        id: b.bizTransaction,
      })),
      lot: facts.lot ?? null,
      expiry: facts.expiry ?? null,
      error_declared_at: e.errorDeclaration
        ? (e.errorDeclaration.declarationTime ?? message.recordTime)
        : null,
      document: e as unknown as Record<string, unknown>,
    },
  };
}
