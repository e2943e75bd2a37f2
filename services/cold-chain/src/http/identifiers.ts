import { canonicalIdentifier } from '@pedigree/epcis';
import { isValidGs1Key } from '@pedigree/gs1';
import { badRequest } from './problems';

/** A GTIN path parameter: 14 digits with a valid check digit. */
export function gtinParameter(gtin: string): string {
  if (!/^\d{14}$/.test(gtin) || !isValidGs1Key('GTIN', gtin))
    throw badRequest('gtin must be a GTIN-14 (14 digits, valid check digit)', { field: 'gtin' });
  return gtin;
}

/** An SSCC path parameter — the 18 digits, its EPC URI or a GS1 Digital Link — as the registry keys it. */
export function ssccKey(value: string): string {
  if (/^\d{18}$/.test(value)) {
    if (!isValidGs1Key('SSCC', value)) throw badRequest('sscc: the check digit is wrong', { field: 'sscc' });
    return `https://id.gs1.org/00/${value}`;
  }
  let key: string;
  try {
    key = canonicalIdentifier(value);
  } catch {
    key = value;
  }
  const match = /^https:\/\/id\.gs1\.org\/00\/(\d{18})$/.exec(key);
  if (!match || !isValidGs1Key('SSCC', match[1]!))
    throw badRequest('sscc must be 18 digits, an SSCC EPC URI or a GS1 Digital Link of an SSCC', {
      field: 'sscc',
    });
  return key;
}

/** The registry key of the pack `gtin`/`serial`. */
export function packKey(gtin: string, serial: string): string {
  if (serial.length === 0 || serial.length > 20)
    throw badRequest('serial must be 1 to 20 characters', { field: 'serial' });
  return canonicalIdentifier(`https://id.gs1.org/01/${gtin}/21/${encodeURIComponent(serial)}`);
}

/** 18 digits of an SSCC key, for answers. */
export function ssccOf(key: string): string | undefined {
  return /^https:\/\/id\.gs1\.org\/00\/(\d{18})$/.exec(key)?.[1];
}
