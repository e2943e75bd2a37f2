import { createHash } from 'node:crypto';
import type { EpcisEventMessage, LeafKind } from '@pedigree/contracts';
import { errorDeclarationHash } from '@pedigree/epcis';
import { canonicalJson, hashLeaf } from '@pedigree/merkle';

/** The log entry of one message: the 32-byte value logged and the name anyone can look its proof up by. */
export interface LeafEntry {
  kind: LeafKind;
  /** SHA-256 value logged, 64 lowercase hex digits. */
  entry: string;
  /** RFC 9162 leaf hash of the entry. */
  leafHash: string;
  /** The GS1 event hash ID for EPCIS events; `ni:///sha-256;<entry>` for the others (error declarations too). */
  eventHash: string;
}

const GS1_EVENT_HASH = /^ni:\/\/\/sha-256;([0-9a-f]{64})\?ver=CBV2\.0$/;
const ANY_HASH = /^(?:ni:\/\/\/sha-256;)?([0-9a-fA-F]{64})(?:\?ver=CBV2\.0)?$/;

/**
 * The leaf of a captured EPCIS event: the SHA-256 inside its GS1 CBV 2.0 event hash ID. An error declaration (the
 * event sent again with errorDeclaration, which the GS1 hash leaves out) is logged as what it adds: the SHA-256 of
 * its declaration hash (libs/epcis errorDeclarationHash: the event hash ID and the declaration), so it gets a leaf of
 * its own (ADR 0016).
 */
export function epcisLeaf(message: Pick<EpcisEventMessage, 'eventHash' | 'event' | 'namespaces'>): LeafEntry {
  const digest = GS1_EVENT_HASH.exec(message.eventHash)?.[1];
  if (digest === undefined) throw new Error(`not a GS1 CBV 2.0 event hash ID: ${message.eventHash}`);
  const declaration = message.event.errorDeclaration;
  if (declaration === undefined)
    return { kind: 'epcis-event', entry: digest, leafHash: hashLeaf(digest), eventHash: message.eventHash };
  const name = errorDeclarationHash(message.eventHash, declaration, message.namespaces);
  const entry = entryOfEventHash(name)!;
  return { kind: 'epcis-error-declaration', entry, leafHash: hashLeaf(entry), eventHash: name };
}

/** The leaf of any other message: the SHA-256 of the RFC 8785 canonical JSON of its payload. */
export function jsonLeaf(kind: Exclude<LeafKind, 'epcis-event'>, payload: unknown): LeafEntry {
  const entry = createHash('sha256').update(canonicalJson(payload), 'utf8').digest('hex');
  return { kind, entry, leafHash: hashLeaf(entry), eventHash: `ni:///sha-256;${entry}` };
}

/** The entry (lowercase hex) an event hash names: a GS1 event hash ID, an `ni:///sha-256;` URI or bare hex. */
export function entryOfEventHash(eventHash: string): string | undefined {
  return ANY_HASH.exec(eventHash)?.[1]?.toLowerCase();
}
