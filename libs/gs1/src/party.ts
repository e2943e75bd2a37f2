import { parseEpcUri } from './epc-uri';
import { Gs1Error } from './errors';
import { parseAnyIdentifier } from './identifier';
import { isValidGs1Key } from './keys';

/**
 * The GLN a party identifier stands for: a bare GLN, an SGLN or PGLN EPC URI (`urn:epc:id:sgln:…`,
 * `urn:epc:id:pgln:…`), or a Digital Link / element string with AI (414) or (417). An SGLN with an
 * extension is a place inside that party's location and so stands for the same GLN.
 */
export function partyGln(identifier: string): string | undefined {
  if (/^[0-9]{13}$/.test(identifier)) return isValidGs1Key('GLN', identifier) ? identifier : undefined;
  try {
    const elements = identifier.startsWith('urn:epc:')
      ? parseEpcUri(identifier).elements
      : parseAnyIdentifier(identifier).elements;
    return elements.find((element) => element.ai === '414' || element.ai === '417')?.value;
  } catch (error) {
    if (error instanceof Gs1Error) return undefined;
    throw error;
  }
}
