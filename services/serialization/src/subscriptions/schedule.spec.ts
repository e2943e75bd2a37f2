import { nextRun, parseSchedule, ScheduleError } from './schedule';

describe('query schedules', () => {
  const at = (iso: string) => new Date(iso);

  it('runs at 01:05:00 every day when hour and minute are given (second omitted is 0)', () => {
    const schedule = parseSchedule({ hour: '1', minute: '5' });
    expect(nextRun(schedule, at('2026-03-01T00:00:00Z'))).toEqual(at('2026-03-01T01:05:00Z'));
    expect(nextRun(schedule, at('2026-03-01T01:05:00Z'))).toEqual(at('2026-03-02T01:05:00Z'));
  });

  it('takes lists and ranges, bracketed or not', () => {
    const schedule = parseSchedule({ second: '0,30', minute: '[10-11]', hour: '8' });
    expect(nextRun(schedule, at('2026-03-01T08:10:00Z'))).toEqual(at('2026-03-01T08:10:30Z'));
    expect(nextRun(schedule, at('2026-03-01T08:10:30Z'))).toEqual(at('2026-03-01T08:11:00Z'));
    expect(nextRun(schedule, at('2026-03-01T08:11:30Z'))).toEqual(at('2026-03-02T08:10:00Z'));
  });

  it('every second when second lists them all', () => {
    const schedule = parseSchedule({ second: '0-59' });
    expect(nextRun(schedule, at('2026-03-01T08:10:59.500Z'))).toEqual(at('2026-03-01T08:11:00Z'));
  });

  it('honours day of month, month and ISO day of week (Monday 1)', () => {
    // 2026-03-02 is a Monday.
    expect(nextRun(parseSchedule({ dayOfWeek: '1' }), at('2026-02-28T12:00:00Z'))).toEqual(
      at('2026-03-02T00:00:00Z'),
    );
    expect(
      nextRun(
        parseSchedule({ month: '2', dayOfMonth: '29', hour: '0', minute: '0' }),
        at('2026-03-01T00:00:00Z'),
      ),
    ).toEqual(at('2028-02-29T00:00:00Z'));
  });

  it('refuses values out of range, malformed fields and schedules no date matches', () => {
    expect(() => parseSchedule({ minute: '60' })).toThrow(ScheduleError);
    expect(() => parseSchedule({ hour: 'x' })).toThrow(ScheduleError);
    expect(() => parseSchedule({ month: '2', dayOfMonth: '30' })).toThrow(/no date/);
  });
});
