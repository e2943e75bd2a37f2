/**
 * CBV 2.0 event hash timestamp rule: every timestamp in UTC, written with a capital `Z` and exactly
 * millisecond precision. Fractions are zero-filled to three digits; a longer fraction is rounded at the
 * third digit, up when the fourth digit is 5–9 (e.g. `…03.1415Z` → `…03.142Z`).
 */
const DATE_TIME_STAMP = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;
/** Already canonical: a four-digit year, a day that every month has, UTC, exactly milliseconds. */
const CANONICAL_DATE_TIME_STAMP =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** The canonical form of an xsd:dateTimeStamp, or undefined when `value` is not one. */
export function canonicalTimestamp(value: string): string | undefined {
  const trimmed = value.trim();
  if (CANONICAL_DATE_TIME_STAMP.test(trimmed)) return trimmed;
  const match = DATE_TIME_STAMP.exec(trimmed);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone] = match;
  const [m, d, h, min, s] = [month, day, hour, minute, second].map(Number);
  if (m < 1 || m > 12 || d < 1 || d > 31 || h > 24 || min > 59 || s > 60) return undefined;

  const paddedFraction = fraction.padEnd(4, '0');
  const milliseconds = Number(paddedFraction.slice(0, 3)) + (Number(paddedFraction[3]) >= 5 ? 1 : 0);
  const offsetMinutes = zone === 'Z' ? 0 : zoneOffsetMinutes(zone);

  const utc = new Date(0);
  utc.setUTCFullYear(Number(year), m - 1, d);
  utc.setUTCHours(h, min - offsetMinutes, s, milliseconds);
  if (Number.isNaN(utc.getTime())) return undefined;
  return utc.toISOString();
}

function zoneOffsetMinutes(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
}
