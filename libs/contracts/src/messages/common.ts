import { z } from 'zod';

/** A GS1 Global Location Number: 13 digits (check digit verified by libs/gs1 where it matters). */
export const glnSchema = z.string().regex(/^\d{13}$/, 'a GLN is 13 digits');
export const gtinSchema = z.string().regex(/^\d{14}$/, 'a GTIN is 14 digits');
export const sha256HexSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'a SHA-256 hash is 64 lowercase hex digits');
export const isoTimestampSchema = z.iso.datetime({ offset: true });
