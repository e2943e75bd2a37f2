import { largestOf, smallestOf } from './extremes';

describe('largestOf / smallestOf', () => {
  it('take any number of values (beyond the engine’s argument limit of Math.max(...values))', () => {
    const values = Array.from({ length: 300_000 }, (_, i) => Math.sin(i) * 40);
    expect(largestOf(values)).toBeCloseTo(40, 3);
    expect(smallestOf(values)).toBeCloseTo(-40, 3);
    expect(largestOf([])).toBe(Number.NEGATIVE_INFINITY);
    expect(smallestOf([])).toBe(Number.POSITIVE_INFINITY);
  });
});
