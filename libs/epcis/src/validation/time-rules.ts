import { daysInMonth } from '@pedigree/gs1';

/** xsd:dateTimeStamp in the RFC 3339 form EPCIS 2.0 JSON uses: a `T` separator and a mandatory offset. */
const DATE_TIME_STAMP = /^(-?\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:Z|[+-](\d\d):(\d\d))$/;
const DATE_TIME_WITHOUT_OFFSET = /^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?$/;
const TIME_ZONE_OFFSET = /^([+-])(\d\d):(\d\d)$/;

/**
 * The instants the event store holds: years 0001 to 9999 in UTC. PostgreSQL's timestamptz reaches from 4713 BC to
 * 294276 AD but refuses year 0000 and the signed six-digit years JavaScript writes outside 0000-9999.
 */
export const EARLIEST_STORED_TIME = new Date(0).setUTCFullYear(1, 0, 1);
export const LATEST_STORED_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Why the fields of a date-time are out of range (a 31 February, a minute 61, an offset of 15 hours), or undefined. */
function fieldRangeProblem(match: RegExpExecArray): string | undefined {
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12) return `has no month ${match[2]}`;
  if (day < 1 || day > daysInMonth(year, month)) return `has no day ${match[3]} in month ${match[2]}`;
  const endOfDay = hour === 24 && minute === 0 && second === 0 && /^0*$/.test(match[7] ?? '');
  if ((hour > 23 && !endOfDay) || minute > 59 || second > 59) return 'has a time of day out of range';
  if (match[8] !== undefined) {
    const offsetHours = Number(match[8]);
    const offsetMinutes = Number(match[9]);
    if (offsetMinutes > 59 || offsetHours > 14 || (offsetHours === 14 && offsetMinutes > 0)) {
      return 'has a time zone offset out of range (-14:00 to +14:00)';
    }
  }
  return undefined;
}

/** Why a timestamp is not an xsd:dateTimeStamp, or undefined when it is one. */
export function dateTimeStampProblem(value: unknown, field: string): string | undefined {
  return checkDateTimeStamp(value, field).problem;
}

/**
 * The instant of an xsd:dateTimeStamp (milliseconds since the epoch), or why `value` is not one or lies outside the
 * years the event store holds (0001-9999 UTC).
 */
export function checkDateTimeStamp(
  value: unknown,
  field: string,
): { time: number; problem?: undefined } | { time?: undefined; problem: string } {
  if (typeof value !== 'string') return { problem: `${field} must be a date-time string` };
  const match = DATE_TIME_STAMP.exec(value);
  if (match) {
    const range = fieldRangeProblem(match);
    if (range !== undefined) return { problem: `${field} ${JSON.stringify(value)} ${range}` };
    const time = Date.parse(value);
    if (Number.isNaN(time)) return { problem: `${field} ${JSON.stringify(value)} is not a valid date-time` };
    if (time < EARLIEST_STORED_TIME || time > LATEST_STORED_TIME) {
      return {
        problem: `${field} ${JSON.stringify(value)} is outside the years 0001-9999 (UTC) that the store holds`,
      };
    }
    return { time };
  }
  if (DATE_TIME_WITHOUT_OFFSET.test(value)) {
    return { problem: `${field} ${JSON.stringify(value)} must carry a time zone offset (Z or ±hh:mm)` };
  }
  return {
    problem: `${field} ${JSON.stringify(value)} must be an RFC 3339 date-time with offset, e.g. 2024-05-01T10:00:00.000+02:00`,
  };
}

/** Why an eventTimeZoneOffset is invalid (EPCIS: `±hh:mm`, from -14:00 to +14:00), or undefined. */
export function timeZoneOffsetProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'eventTimeZoneOffset must be a string of the form ±hh:mm';
  const match = TIME_ZONE_OFFSET.exec(value);
  if (!match) return `eventTimeZoneOffset ${JSON.stringify(value)} must have the form ±hh:mm, e.g. +01:00`;
  const hours = Number(match[2]);
  const minutes = Number(match[3]);
  if (minutes > 59) return `eventTimeZoneOffset ${JSON.stringify(value)} has minutes out of range (00-59)`;
  if (hours > 14 || (hours === 14 && minutes > 0)) {
    return `eventTimeZoneOffset ${JSON.stringify(value)} is out of range (-14:00 to +14:00)`;
  }
  return undefined;
}
