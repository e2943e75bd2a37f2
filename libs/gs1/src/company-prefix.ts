import { lookupAi } from './ai-table';
import { Gs1Error } from './errors';

/** One row of a GS1 Company Prefix length table (like GS1's published gcpprefixformatlist). */
export interface CompanyPrefixLengthEntry {
  prefix: string;
  length: number;
}

/**
 * How to split a GS1 key into GS1 Company Prefix and the rest, needed to build EPC URIs: either the
 * length itself or a table where the longest matching prefix wins.
 */
export interface CompanyPrefixOptions {
  gcpLength?: number;
  prefixLengths?: readonly CompanyPrefixLengthEntry[];
}

export const MIN_GCP_LENGTH = 4;
export const MAX_GCP_LENGTH = 12;

/** The longest table entry that is a prefix of `digits`, or undefined. */
export function lookupCompanyPrefixLength(
  digits: string,
  table: readonly CompanyPrefixLengthEntry[],
): CompanyPrefixLengthEntry | undefined {
  let best: CompanyPrefixLengthEntry | undefined;
  for (const entry of table) {
    if (digits.startsWith(entry.prefix) && (best === undefined || entry.prefix.length > best.prefix.length)) {
      best = entry;
    }
  }
  return best;
}

/**
 * The GS1 Company Prefix length of the key `value` of AI `ai` (e.g. 01, 00, 414), from `options.gcpLength`
 * or the longest matching prefix in `options.prefixLengths`. Throws UNKNOWN_GCP_LENGTH otherwise.
 */
export function resolveCompanyPrefixLength(
  ai: string,
  value: string,
  options: CompanyPrefixOptions = {},
): number {
  const definition = lookupAi(ai);
  const offset = definition?.gcpOffset ?? 0;
  const title = definition?.title ?? ai;
  const digits = value.slice(offset);
  let length = options.gcpLength;
  if (length === undefined && options.prefixLengths) {
    length = lookupCompanyPrefixLength(digits, options.prefixLengths)?.length;
  }
  if (length === undefined) {
    throw new Gs1Error(
      'UNKNOWN_GCP_LENGTH',
      `GS1 Company Prefix length is unknown for AI (${ai}) ${title} ${value}: ` +
        'pass { gcpLength } or a prefix-length table entry that matches it',
      ai,
    );
  }
  if (!Number.isInteger(length) || length < MIN_GCP_LENGTH || length > MAX_GCP_LENGTH) {
    throw new Gs1Error(
      'UNKNOWN_GCP_LENGTH',
      `GS1 Company Prefix length ${length} for AI (${ai}) is outside ${MIN_GCP_LENGTH}-${MAX_GCP_LENGTH}`,
      ai,
    );
  }
  if (!/^[0-9]+$/.test(digits.slice(0, length)) || digits.length < length) {
    throw new Gs1Error(
      'UNKNOWN_GCP_LENGTH',
      `AI (${ai}) ${title} ${value} does not start with a ${length}-digit GS1 Company Prefix`,
      ai,
    );
  }
  return length;
}
