import type { HourSummary, Reading } from '@pedigree/temperature';

/** A reading_hours row as HOUR_COLUMNS selects it (times in epoch ms). */
export interface HourSummaryRow {
  first_t: number;
  last_t: number;
  count: number;
  last_celsius: number;
  last_min_celsius: number | null;
  last_max_celsius: number | null;
  block_low: number | null;
  block_high: number | null;
  block_peak: number | null;
  block_celsius_ms: number | null;
  block_arrhenius_ms: number | null;
  spacings: string[];
  spacing_counts: number[];
}

/** The columns of reading_hours that `hourSummaryOf` reads. */
export const HOUR_COLUMNS = `(extract(epoch FROM first_time) * 1000)::float8 AS first_t,
  (extract(epoch FROM last_time) * 1000)::float8 AS last_t, count, last_celsius, last_min_celsius, last_max_celsius,
  block_low, block_high, block_peak, block_celsius_ms, block_arrhenius_ms, spacings, spacing_counts`;

/** An hour's summary as stored. */
export function hourSummaryOf(row: HourSummaryRow): HourSummary {
  const last: Reading = {
    time: row.last_t,
    celsius: row.last_celsius,
    minCelsius: row.last_min_celsius,
    maxCelsius: row.last_max_celsius,
  };
  if (row.count < 2) return { last };
  return {
    block: {
      from: row.first_t,
      to: row.last_t,
      count: row.count - 1,
      low: row.block_low!,
      high: row.block_high!,
      peak: row.block_peak!,
      celsiusMs: row.block_celsius_ms!,
      arrheniusMs: row.block_arrhenius_ms!,
      spacings: row.spacings.map((spacing, i) => [Number(spacing), row.spacing_counts[i]!] as const),
    },
    last,
  };
}
