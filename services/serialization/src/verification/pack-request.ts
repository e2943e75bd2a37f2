import {
  Gs1Error,
  hasGroupSeparatorNotation,
  isValidGs1Key,
  parseAnyIdentifier,
  parseYymmdd,
  replaceGroupSeparatorNotations,
  validateElement,
  type IdentifierDescription,
} from '@pedigree/gs1';
import type { PackInput } from './verification.service';

/** A pack request body that cannot be used: answered 400 naming the field. */
export class PackRequestError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'PackRequestError';
  }
}

/** The request body as a JSON object (bodies reach controllers as text). */
export function jsonObject(body: unknown): Record<string, unknown> {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch (error) {
      throw new PackRequestError(`the body is not JSON: ${(error as Error).message}`, '');
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new PackRequestError('the body must be a JSON object', '');
  return value as Record<string, unknown>;
}

function text(body: Record<string, unknown>, field: string, required: boolean): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    if (required) throw new PackRequestError(`${field} is required`, field);
    return undefined;
  }
  if (typeof value !== 'string' || value.length === 0)
    throw new PackRequestError(`${field} must be a non-empty string`, field);
  return value;
}

function gs1(ai: string, value: string, field: string): void {
  try {
    validateElement({ ai, value });
  } catch (error) {
    if (error instanceof Gs1Error) throw new PackRequestError(error.message, field);
    throw error;
  }
}

/** An expiry as scanned (YYMMDD, DD=00 for the month's last day) or as an ISO date. */
export function isoExpiry(value: string, field = 'expiry', now: Date = new Date()): string {
  try {
    if (/^\d{6}$/.test(value)) return parseYymmdd(value, true, '17', { now }).iso;
  } catch (error) {
    if (error instanceof Gs1Error) throw new PackRequestError(error.message, field);
    throw error;
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = iso ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!iso || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new PackRequestError(`${field} "${value}" is neither YYMMDD nor an ISO date`, field);
  }
  return value;
}

function location(body: Record<string, unknown>): string | undefined {
  const value = text(body, 'location', false);
  if (value !== undefined && !isValidGs1Key('GLN', value))
    throw new PackRequestError(`location ${value} is not a GLN with a valid check digit`, 'location');
  return value;
}

/** `{gtin, serial, lot?, expiry?, location?}` of POST /packs/…. */
export function parsePackInput(body: unknown): PackInput {
  const b = jsonObject(body);
  const gtin = text(b, 'gtin', true)!;
  if (!/^\d{14}$/.test(gtin) || !isValidGs1Key('GTIN', gtin))
    throw new PackRequestError(`gtin ${gtin} is not a GTIN-14 with a valid check digit`, 'gtin');
  const serial = text(b, 'serial', true)!;
  gs1('21', serial, 'serial');
  const lot = text(b, 'lot', false);
  if (lot !== undefined) gs1('10', lot, 'lot');
  const expiry = text(b, 'expiry', false);
  const input: PackInput = { gtin, serial };
  if (lot !== undefined) input.lot = lot;
  if (expiry !== undefined) input.expiry = isoExpiry(expiry);
  const premises = location(b);
  if (premises !== undefined) input.location = premises;
  return input;
}

/** The description of `code`, or undefined when it is no valid GS1 code; other errors are thrown. */
function tryDescribe(code: string, now: Date): IdentifierDescription | undefined {
  try {
    return describe(code, now);
  } catch (error) {
    if (error instanceof PackRequestError) return undefined;
    throw error;
  }
}

/** A scanned code is read leniently (a sloppy Digital Link: scheme case, trailing "/", GTIN-13 in the path). */
function describe(code: string, now: Date): IdentifierDescription {
  try {
    return parseAnyIdentifier(code, { now, lenient: true });
  } catch (error) {
    if (error instanceof Gs1Error) throw new PackRequestError(error.message, 'code');
    throw error;
  }
}

/**
 * The scanned code, with the group separator written as text (`\x1d`, `\u001d`, `<GS>`, `{GS}`, `[GS]`, `^]`, `␝`)
 * read as ASCII 29 only where that cannot change the meaning of a valid code. The notations other than `<GS>` hold a
 * character outside GS1 AI encodable character set 82 (`\`, `{`, `}`, `[`, `]`, `^`, `␝`): no AI value may hold it, a
 * Digital Link may not carry it unencoded (RFC 3986) and a bracketed element string only knows `\(`, so text with
 * such a notation is never a valid code as it stands and reading it as GS is safe. Set 82 does hold `<` and `>`, so
 * `<GS>` can be data, e.g. inside a serial number (21): the code is read both ways and refused when both are valid.
 */
function describeScan(code: string, now: Date): IdentifierDescription {
  if (!hasGroupSeparatorNotation(code)) return describe(code, now);
  const withSeparators = replaceGroupSeparatorNotations(code);
  const asWritten = tryDescribe(code, now);
  if (asWritten === undefined) return describe(withSeparators, now);
  if (tryDescribe(withSeparators, now) === undefined) return asWritten;
  throw new PackRequestError(
    'the code is ambiguous: it is valid both with "<GS>" as text and with "<GS>" as the group separator; send the ' +
      'group separator as the character ASCII 29 (\\u001d in JSON)',
    'code',
  );
}

/**
 * `{code, location?}` of POST /verifications: a GS1 Digital Link URI, an element string, or the raw DataMatrix text a
 * scanner returns (`]d2` symbology identifier, GS separators, also written as text — see describeScan) — the pack's
 * GTIN, serial, lot and expiry.
 */
export function parseScan(body: unknown, now: Date = new Date()): PackInput {
  const b = jsonObject(body);
  const code = text(b, 'code', true)!;
  const description = describeScan(code, now);
  const value = (ai: string) => description.elements.find((e) => e.ai === ai)?.value;
  const gtin = value('01');
  const serial = value('21');
  if (gtin === undefined || serial === undefined)
    throw new PackRequestError('the code must carry a GTIN (01) and a serial number (21)', 'code');
  const input: PackInput = { gtin, serial };
  const lot = value('10');
  if (lot !== undefined) input.lot = lot;
  if (description.dates?.['17'] !== undefined) input.expiry = description.dates['17'];
  const premises = location(b);
  if (premises !== undefined) input.location = premises;
  return input;
}

/** `{gtin, lot, originalExpiry, extendedExpiry}` of POST /expiry-extensions. */
export function parseExpiryExtension(body: unknown): {
  gtin: string;
  lot: string;
  originalExpiry: string;
  extendedExpiry: string;
} {
  const b = jsonObject(body);
  const gtin = text(b, 'gtin', true)!;
  if (!/^\d{14}$/.test(gtin) || !isValidGs1Key('GTIN', gtin))
    throw new PackRequestError(`gtin ${gtin} is not a GTIN-14 with a valid check digit`, 'gtin');
  const lot = text(b, 'lot', true)!;
  gs1('10', lot, 'lot');
  const originalExpiry = isoExpiry(text(b, 'originalExpiry', true)!, 'originalExpiry');
  const extendedExpiry = isoExpiry(text(b, 'extendedExpiry', true)!, 'extendedExpiry');
  if (extendedExpiry <= originalExpiry)
    throw new PackRequestError('extendedExpiry must be later than originalExpiry', 'extendedExpiry');
  return { gtin, lot, originalExpiry, extendedExpiry };
}
