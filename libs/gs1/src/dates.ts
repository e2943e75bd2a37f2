import { Gs1Error } from './errors';

/** Options shared by everything that resolves two-digit years. */
export interface DateOptions {
  /** The "current" date for the century sliding window; defaults to the time of the call. */
  now?: Date;
}

/**
 * Resolves a two-digit year to a four-digit year with the sliding window of GS1 General Specifications §7.12:
 * a difference YY − (current year mod 100) of 51…99 means the previous century, −99…−50 the next century,
 * anything else the current century.
 */
export function resolveCentury(twoDigitYear: number, now: Date = new Date()): number {
  const currentYear = now.getUTCFullYear();
  const currentCentury = Math.floor(currentYear / 100) * 100;
  const difference = twoDigitYear - (currentYear % 100);
  if (difference >= 51) return currentCentury - 100 + twoDigitYear;
  if (difference <= -50) return currentCentury + 100 + twoDigitYear;
  return currentCentury + twoDigitYear;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export interface Gs1Date {
  year: number;
  month: number;
  day: number;
  /** True when the encoded day was 00 ("last day of the month"), so `day` was resolved. */
  dayWasZero: boolean;
  /** ISO 8601 calendar date, e.g. `2026-12-31`. */
  iso: string;
}

/**
 * Parses a GS1 YYMMDD date. `allowZeroDay` permits DD=00, which stands for the last day of the month
 * (AIs 11, 12, 13, 15, 16, 17); the resolved day is then the month's last day.
 */
export function parseYymmdd(
  value: string,
  allowZeroDay: boolean,
  ai?: string,
  options: DateOptions = {},
): Gs1Date {
  if (!/^[0-9]{6}$/.test(value)) {
    throw new Gs1Error('DATE', `${label(ai)}date "${value}" is not YYMMDD`, ai);
  }
  const year = resolveCentury(Number(value.slice(0, 2)), options.now);
  const month = Number(value.slice(2, 4));
  const encodedDay = Number(value.slice(4, 6));
  if (month < 1 || month > 12) {
    throw new Gs1Error('DATE', `${label(ai)}date "${value}" has month ${pad(month, 2)}, expected 01-12`, ai);
  }
  const lastDay = daysInMonth(year, month);
  if (encodedDay === 0 && !allowZeroDay) {
    throw new Gs1Error('DATE', `${label(ai)}date "${value}" has day 00, which this AI does not allow`, ai);
  }
  if (encodedDay > lastDay) {
    throw new Gs1Error(
      'DATE',
      `${label(ai)}date "${value}" has day ${pad(encodedDay, 2)}, but ${year}-${pad(month, 2)} has ${lastDay} days`,
      ai,
    );
  }
  const day = encodedDay === 0 ? lastDay : encodedDay;
  return { year, month, day, dayWasZero: encodedDay === 0, iso: `${year}-${pad(month, 2)}-${pad(day, 2)}` };
}

/** Validates HH (00-23), MM and SS (00-59) parts that follow a date. */
export function parseTimeOfDay(value: string, ai?: string): string {
  const parts = value.match(/.{2}/g) ?? [];
  const [hours, minutes = '00', seconds = '00'] = parts;
  if (
    hours === undefined ||
    value.length % 2 !== 0 ||
    Number(hours) > 23 ||
    Number(minutes) > 59 ||
    Number(seconds) > 59
  ) {
    throw new Gs1Error('DATE', `${label(ai)}time "${value}" is not a valid HH[MM[SS]]`, ai);
  }
  return `${hours}:${minutes}:${seconds}`;
}

function label(ai?: string): string {
  return ai === undefined ? '' : `AI (${ai}) `;
}
