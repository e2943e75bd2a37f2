/**
 * The largest and smallest of many numbers, without spreading them into Math.max/Math.min (which throws a RangeError
 * beyond the engine's argument limit, about 120,000 on V8: a month of readings a second apart). Infinity for none.
 */
export function largestOf(values: Iterable<number>): number {
  let largest = Number.NEGATIVE_INFINITY;
  for (const value of values) if (value > largest) largest = value;
  return largest;
}

export function smallestOf(values: Iterable<number>): number {
  let smallest = Number.POSITIVE_INFINITY;
  for (const value of values) if (value < smallest) smallest = value;
  return smallest;
}
