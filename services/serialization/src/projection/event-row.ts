import type { EpcisEventMessage } from '@pedigree/contracts';
import { canonicalIdentifier, toBareCbvWord } from '@pedigree/epcis';
import { eventFacts, type EventFacts } from '@pedigree/registry';

export type { EpcisEventMessage };

/** The columns of one `events` row (and its EPC index entries), derived from a captured-event message. */
export interface EventRow {
  event_hash: string;
  event_id: string | null;
  event_type: string;
  action: string | null;
  biz_step: string | null;
  disposition: string | null;
  event_time: string;
  record_time: string;
  read_point: string | null;
  biz_location: string | null;
  captured_by: string;
  /** The capturer's roles and company prefixes (null: a message from before they were recorded). */
  captured_by_roles: string[] | null;
  captured_by_gcps: string[] | null;
  /** The parties that had appointed the capturer as agent when capture recorded the event (ADR 0023). */
  appointed_by: string[] | null;
  capture_id: string;
  parties: string[];
  biz_transactions: Record<string, string[]>;
  sources: Record<string, string[]>;
  destinations: Record<string, string[]>;
  error_declared_at: string | null;
  document: Record<string, unknown>;
  namespaces: Record<string, string>;
}

function grouped(
  list: unknown,
  field: string,
  kind: 'bizTransactionType' | 'sourceDestType',
): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  if (!Array.isArray(list)) return groups;
  for (const entry of list) {
    if (!entry || typeof entry !== 'object' || typeof entry[field] !== 'string') continue;
    const type = typeof entry.type === 'string' ? toBareCbvWord(kind, entry.type) : '';
    (groups[type] ??= []).push(entry[field] as string);
  }
  return groups;
}

export function eventRow(message: EpcisEventMessage): { row: EventRow; facts: EventFacts } {
  const e = message.event;
  const facts = eventFacts(e);
  return {
    facts,
    row: {
      event_hash: message.eventHash,
      event_id: typeof e.eventID === 'string' ? e.eventID : null,
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
      capture_id: message.captureId,
      parties: [...new Set([...facts.sourceParties, ...facts.destinationParties])],
      biz_transactions: grouped(e.bizTransactionList, 'bizTransaction', 'bizTransactionType'),
      sources: grouped(e.sourceList, 'source', 'sourceDestType'),
      destinations: grouped(e.destinationList, 'destination', 'sourceDestType'),
      error_declared_at: e.errorDeclaration
        ? (e.errorDeclaration.declarationTime ?? message.recordTime)
        : null,
      document: e,
      namespaces: message.namespaces,
    },
  };
}
