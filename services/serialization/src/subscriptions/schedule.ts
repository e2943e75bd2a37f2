import type { SubscriptionSchedule } from '@pedigree/contracts';

/**
 * EPCIS query schedules (EPCIS 1.2 §8.2.5.3, kept by the 2.0 REST binding): each field a comma-separated list of
 * values and ranges (`lo-hi`, also written `[lo-hi]`); an omitted field matches every value, except `second`, which is
 * 0 when omitted. Times are UTC.
 */
const FIELDS = {
  second: { min: 0, max: 59 },
  minute: { min: 0, max: 59 },
  hour: { min: 0, max: 23 },
  dayOfMonth: { min: 1, max: 31 },
  month: { min: 1, max: 12 },
  dayOfWeek: { min: 1, max: 7 },
} as const;
type Field = keyof typeof FIELDS;

export type ParsedSchedule = Record<Field, ReadonlySet<number>>;

export class ScheduleError extends Error {}

function parseField(field: Field, text: string | undefined): Set<number> {
  const { min, max } = FIELDS[field];
  const all = () => new Set(Array.from({ length: max - min + 1 }, (_, i) => min + i));
  if (text === undefined) return field === 'second' ? new Set([0]) : all();
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^\s*\[?\s*(\d{1,2})\s*(?:-\s*(\d{1,2})\s*)?\]?\s*$/.exec(part);
    if (!match) throw new ScheduleError(`schedule.${field}: "${part}" is not a number or a range lo-hi`);
    const lo = Number(match[1]);
    const hi = match[2] === undefined ? lo : Number(match[2]);
    if (lo < min || hi > max || lo > hi)
      throw new ScheduleError(`schedule.${field}: ${part} is outside ${min}-${max}`);
    for (let v = lo; v <= hi; v++) values.add(v);
  }
  return values;
}

export function parseSchedule(schedule: SubscriptionSchedule): ParsedSchedule {
  const parsed = Object.fromEntries(
    (Object.keys(FIELDS) as Field[]).map((field) => [field, parseField(field, schedule[field])]),
  ) as unknown as ParsedSchedule;
  if (nextRun(parsed, new Date(Date.UTC(2000, 0, 1))) === undefined)
    throw new ScheduleError('schedule: no date matches it');
  return parsed;
}

/** The first instant strictly after `after` (whole seconds, UTC) that the schedule selects; none within 8 years. */
export function nextRun(schedule: ParsedSchedule, after: Date): Date | undefined {
  const start = Math.floor(after.getTime() / 1000) + 1;
  let minute = Math.floor(start / 60);
  const seconds = [...schedule.second].sort((a, b) => a - b);
  const limit = minute + 8 * 366 * 24 * 60;
  for (; minute < limit; minute++) {
    const at = new Date(minute * 60_000);
    // ISO day of week: Monday 1 … Sunday 7.
    const dayOfWeek = at.getUTCDay() === 0 ? 7 : at.getUTCDay();
    if (!schedule.month.has(at.getUTCMonth() + 1) || !schedule.dayOfMonth.has(at.getUTCDate())) {
      minute += 24 * 60 - at.getUTCHours() * 60 - at.getUTCMinutes() - 1;
      continue;
    }
    if (!schedule.dayOfWeek.has(dayOfWeek)) {
      minute += 24 * 60 - at.getUTCHours() * 60 - at.getUTCMinutes() - 1;
      continue;
    }
    if (!schedule.hour.has(at.getUTCHours())) {
      minute += 60 - at.getUTCMinutes() - 1;
      continue;
    }
    if (!schedule.minute.has(at.getUTCMinutes())) continue;
    const from = minute * 60 < start ? start - minute * 60 : 0;
    const second = seconds.find((s) => s >= from);
    if (second !== undefined) return new Date((minute * 60 + second) * 1000);
  }
  return undefined;
}
