/** xsd:dateTimeStamp in the RFC 3339 form EPCIS 2.0 JSON uses: a `T` separator and a mandatory offset. */
const DATE_TIME_STAMP = /^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/;
const DATE_TIME_WITHOUT_OFFSET = /^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?$/;
const TIME_ZONE_OFFSET = /^([+-])(\d\d):(\d\d)$/;

/** Why a timestamp is not an xsd:dateTimeStamp, or undefined when it is one. */
export function dateTimeStampProblem(value: unknown, field: string): string | undefined {
  return checkDateTimeStamp(value, field).problem;
}

/** The instant of an xsd:dateTimeStamp (milliseconds since the epoch), or why `value` is not one. */
export function checkDateTimeStamp(
  value: unknown,
  field: string,
): { time: number; problem?: undefined } | { time?: undefined; problem: string } {
  if (typeof value !== 'string') return { problem: `${field} must be a date-time string` };
  if (DATE_TIME_STAMP.test(value)) {
    const time = Date.parse(value);
    return Number.isNaN(time)
      ? { problem: `${field} ${JSON.stringify(value)} is not a valid date-time` }
      : { time };
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
