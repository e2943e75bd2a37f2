import type { SchemaObject } from '@nestjs/swagger';

/**
 * The request fields of the verification routes as their OpenAPI description declares them: the syntax
 * pack-request.ts and vrs-request.ts accept (a GTIN's or GLN's check digit is checked beyond it), with the pack of the
 * README's story as example (commissioned by the example of POST /capture).
 */

/** GS1 AI encodable character set 82, as AI 10 (lot) and AI 21 (serial) take it: 1 to 20 characters. */
const SET_82 = `^[!"%&'()*+,\\-./0-9:;<=>?A-Z_a-z]{1,20}$`;

export const GTIN_FIELD: SchemaObject = {
  type: 'string',
  description: 'GTIN-14 (with a valid check digit)',
  pattern: '^\\d{14}$',
  example: '10614141073464',
};
export const SERIAL_FIELD: SchemaObject = {
  type: 'string',
  description: 'serial number (AI 21)',
  pattern: SET_82,
  example: '2017',
};
export const LOT_FIELD: SchemaObject = {
  type: 'string',
  description: 'lot/batch number (AI 10)',
  pattern: SET_82,
  example: 'LOT1',
};
/** YYMMDD as in AI 17 (DD 00: the month's last day), or an ISO date. */
export const EXPIRY_FIELD: SchemaObject = {
  type: 'string',
  description: 'YYMMDD (as in AI 17; DD 00 is the last day of the month) or YYYY-MM-DD',
  pattern: '^(\\d{2}(0[1-9]|1[0-2])(0\\d|[12]\\d|3[01])|\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01]))$',
  example: '2028-12-31',
};
export const GLN_FIELD: SchemaObject = {
  type: 'string',
  description: 'GLN (with a valid check digit)',
  pattern: '^\\d{13}$',
  example: '0614141000005',
};

/** `{gtin, serial, lot?, expiry?, location?}` of POST /packs/…. */
export const PACK_BODY: SchemaObject = {
  type: 'object',
  required: ['gtin', 'serial'],
  properties: {
    gtin: GTIN_FIELD,
    serial: SERIAL_FIELD,
    lot: LOT_FIELD,
    expiry: EXPIRY_FIELD,
    location: { ...GLN_FIELD, description: 'GLN of the premises; the party of the token when absent' },
  },
};
