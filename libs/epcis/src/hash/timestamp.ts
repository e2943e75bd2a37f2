/**
 * CBV 2.0 event hash timestamp rule: every timestamp in UTC, written with a capital `Z` and exactly
 * millisecond precision. Fractions are zero-filled to three digits; a longer fraction is rounded at the
 * third digit, up when the fourth digit is 5–9 (e.g. `…03.1415Z` → `…03.142Z`).
 */
const DATE_TIME_STAMP = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;
const MINUTES_PER_DAY = 24 * 60;

/** The canonical form of an xsd:dateTimeStamp, or undefined when `value` is not one. */
export function canonicalTimestamp(value: string): string | undefined {
  const match = DATE_TIME_STAMP.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone] = match;
  const m = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const min = Number(minute);
  const s = Number(second);
  if (m < 1 || m > 12 || d < 1 || d > 31 || h > 24 || min > 59 || s > 60) return undefined;

  const paddedFraction = fraction.padEnd(4, '0');
  const milliseconds = Number(paddedFraction.slice(0, 3)) + (Number(paddedFraction[3]) >= 5 ? 1 : 0);
  const offsetMinutes = zone === 'Z' ? 0 : zoneOffsetMinutes(zone);
  const minuteOfDay = h * 60 + min - offsetMinutes;

  // The common case: the same calendar day in UTC, nothing to carry over. Only the time of day changes.
  if (
    year.length === 4 &&
    d <= 28 &&
    s < 60 &&
    milliseconds < 1000 &&
    minuteOfDay >= 0 &&
    minuteOfDay < MINUTES_PER_DAY
  ) {
    const time = `${pad(Math.floor(minuteOfDay / 60), 2)}:${pad(minuteOfDay % 60, 2)}:${second}.${pad(milliseconds, 3)}`;
    return `${year}-${month}-${day}T${time}Z`;
  }
  // Anything else goes through the calendar: other days, 24:00, leap seconds and rounding carry over.
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

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
