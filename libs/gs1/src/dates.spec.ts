import fc from 'fast-check';
import { daysInMonth, parseYymmdd, resolveCentury } from './dates';
import { Gs1Error } from './errors';

const in2025 = new Date('2025-06-15T00:00:00Z');

describe('resolveCentury (GS1 General Specifications §7.12)', () => {
  it.each([
    [25, 2025], // same year
    [75, 2075], // +50: still this century
    [76, 1976], // +51: previous century
    [99, 1999],
    [0, 2000],
    [74, 2074],
  ])('in 2025 resolves %d to %d', (yy, year) => {
    expect(resolveCentury(yy, in2025)).toBe(year);
  });

  it('moves to the next century when the year is 50 or more behind', () => {
    const in2080 = new Date('2080-01-01T00:00:00Z');
    expect(resolveCentury(30, in2080)).toBe(2130); // −50
    expect(resolveCentury(31, in2080)).toBe(2031); // −49
    const in1999 = new Date('1999-01-01T00:00:00Z');
    expect(resolveCentury(10, in1999)).toBe(2010);
    expect(resolveCentury(49, in1999)).toBe(2049); // −50
    expect(resolveCentury(50, in1999)).toBe(1950); // −49 stays in this century
  });

  it('always lands within 49 years behind to 50 years ahead', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1950, max: 2300 }), fc.integer({ min: 0, max: 99 }), (year, yy) => {
        const resolved = resolveCentury(yy, new Date(Date.UTC(year, 5, 1)));
        return resolved % 100 === yy && resolved - year >= -49 && resolved - year <= 50;
      }),
    );
  });
});

describe('parseYymmdd', () => {
  it('parses a date to ISO 8601', () => {
    expect(parseYymmdd('261231', true, '17', { now: in2025 }).iso).toBe('2026-12-31');
  });

  it('reads day 00 as the last day of the month, leap years included', () => {
    expect(parseYymmdd('240200', true, '17', { now: in2025 })).toMatchObject({
      iso: '2024-02-29',
      dayWasZero: true,
    });
    expect(parseYymmdd('250200', true, '17', { now: in2025 }).iso).toBe('2025-02-28');
    expect(parseYymmdd('250400', true, '17', { now: in2025 }).iso).toBe('2025-04-30');
    expect(parseYymmdd('251200', true, '17', { now: in2025 }).iso).toBe('2025-12-31');
  });

  it('rejects day 00 where the AI does not allow it', () => {
    expect(() => parseYymmdd('250200', false, '7006', { now: in2025 })).toThrow(/day 00/);
  });

  it.each([
    ['251300', 'month 13'],
    ['250015', 'month 00'],
    ['250431', 'day 31'],
    ['250229', 'day 29'], // 2025 is no leap year
  ])('rejects %s (%s)', (value) => {
    expect(() => parseYymmdd(value, true, '17', { now: in2025 })).toThrow(
      expect.objectContaining({ code: 'DATE', ai: '17' }) as Gs1Error,
    );
  });

  it('accepts 29 February in a leap year resolved by the window', () => {
    expect(parseYymmdd('280229', true, '17', { now: in2025 }).iso).toBe('2028-02-29');
  });

  it('rejects non-numeric input', () => {
    expect(() => parseYymmdd('25A231', true)).toThrow(Gs1Error);
  });

  it('agrees with the calendar for every valid date', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (yy, mm, dd) => {
          const year = resolveCentury(yy, in2025);
          const value = [yy, mm, dd].map((n) => String(n).padStart(2, '0')).join('');
          if (dd > daysInMonth(year, mm)) {
            expect(() => parseYymmdd(value, true, '17', { now: in2025 })).toThrow(Gs1Error);
          } else {
            expect(parseYymmdd(value, true, '17', { now: in2025 }).iso).toBe(
              `${year}-${value.slice(2, 4)}-${value.slice(4, 6)}`,
            );
          }
        },
      ),
    );
  });
});
