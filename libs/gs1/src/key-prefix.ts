import { lookupAi } from './ai-table';
import type { Gs1Element } from './element';
import { parseEpcUri } from './epc-uri';
import { Gs1Error } from './errors';
import { parseAnyIdentifier } from './identifier';

/**
 * The digits of a GS1 key from where its GS1 Company Prefix starts: the key without the GTIN indicator
 * digit, the SSCC extension digit or the GRAI filler digit (GS1 General Specifications §3). A company
 * prefix owns a key when these digits start with it. Accepts an EPC URI (also class and pattern URIs), a
 * GS1 Digital Link URI, an element string, or an AI and its value; undefined when there is no such key.
 */
export function companyPrefixDigits(identifier: string | Gs1Element): string | undefined {
  if (typeof identifier !== 'string') return keyDigits(identifier);
  try {
    if (identifier.startsWith('urn:epc:')) {
      const epc = parseEpcUri(identifier);
      const key = epc.elements.map(keyDigits).find((digits) => digits !== undefined);
      return key ?? (epc.companyPrefix === '*' ? undefined : epc.companyPrefix);
    }
    return parseAnyIdentifier(identifier)
      .elements.map(keyDigits)
      .find((digits) => digits !== undefined);
  } catch (error) {
    if (error instanceof Gs1Error) return undefined;
    throw error;
  }
}

function keyDigits({ ai, value }: Gs1Element): string | undefined {
  const offset = lookupAi(ai)?.gcpOffset;
  return offset === undefined ? undefined : value.slice(offset);
}
