import { readingBatchSchema } from '@pedigree/contracts';
import type { z } from 'zod';
import { isTemperatureType, isTemperatureUnit } from './temperature';

export type ReadingBatch = z.infer<typeof readingBatchSchema>;

/** One problem of a readings request: the row (CSV line, or index of the reading in a JSON batch) and field. */
export interface ReadingProblem {
  /** CSV: the line number (the header is line 1). JSON: the batch's index in the array (0 for a single batch). */
  row: number;
  /** CSV: the column. JSON: the path inside the batch, e.g. `readings/3/time`. */
  field: string;
  message: string;
}

export class ReadingsInputError extends Error {
  constructor(readonly problems: ReadingProblem[]) {
    super(problems.map((p) => `row ${p.row}, ${p.field}: ${p.message}`).join('; '));
    this.name = 'ReadingsInputError';
  }
}

export interface ReadingsInputOptions {
  now: Date;
  /** Readings later than now + this are refused (a logger's clock may run a little ahead). */
  maxFutureMs: number;
  /** Most readings one request may carry. */
  maxReadings: number;
  /** Most problems reported (the rest are counted in the last one). */
  maxProblems?: number;
  /** Readings older than now − this are refused (they would open storage for a time nobody keeps). */
  maxAgeMs?: number;
}

/** Longest logger id and subject accepted. */
export const MAX_IDENTIFIER_LENGTH = 200;

/** Why an identifier (a logger id, a subject EPC) is not acceptable, or undefined. */
function identifierProblem(value: string): string | undefined {
  if (value.length > MAX_IDENTIFIER_LENGTH) return `is longer than ${MAX_IDENTIFIER_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(value)) return 'must not contain spaces or control characters';
  return undefined;
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks what the contract schema cannot: temperature only, a temperature unit, a real instant not in the future. */
function checkReading(
  reading: { time: string; type: string; value: number; uom: string },
  at: (field: string, message: string) => void,
  options: ReadingsInputOptions,
): void {
  if (!isTemperatureType(reading.type)) at('type', 'only Temperature readings are kept');
  if (!isTemperatureUnit(reading.uom)) at('uom', 'must be CEL, FAH or KEL');
  const time = Date.parse(reading.time);
  if (!ISO_WITH_OFFSET.test(reading.time) || Number.isNaN(time))
    at('time', 'must be an ISO 8601 date-time with an offset');
  else if (time > options.now.getTime() + options.maxFutureMs) at('time', 'is in the future');
  else if (options.maxAgeMs !== undefined && time < options.now.getTime() - options.maxAgeMs)
    at('time', 'is older than readings are kept');
}

function limited(problems: ReadingProblem[], options: ReadingsInputOptions): ReadingProblem[] {
  const max = options.maxProblems ?? 100;
  if (problems.length <= max) return problems;
  const rest = problems.length - max;
  return [
    ...problems.slice(0, max),
    { row: problems[max]!.row, field: '', message: `and ${rest} more problems` },
  ];
}

/** A JSON body: one batch or an array of batches (the `coldchain.readings.v1` payload). Throws ReadingsInputError. */
export function parseReadingsJson(text: string, options: ReadingsInputOptions): ReadingBatch[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ReadingsInputError([{ row: 0, field: '', message: `not JSON: ${(error as Error).message}` }]);
  }
  const batches = Array.isArray(body) ? body : [body];
  if (batches.length === 0) throw new ReadingsInputError([{ row: 0, field: '', message: 'no batch' }]);
  const problems: ReadingProblem[] = [];
  const parsed: ReadingBatch[] = [];
  let count = 0;
  batches.forEach((candidate, row) => {
    const result = readingBatchSchema.safeParse(candidate);
    if (!result.success) {
      for (const issue of result.error.issues)
        problems.push({ row, field: issue.path.map(String).join('/'), message: issue.message });
      return;
    }
    const loggerProblem = identifierProblem(result.data.loggerId);
    if (loggerProblem) problems.push({ row, field: 'loggerId', message: loggerProblem });
    const subjectProblem =
      result.data.subject === undefined ? undefined : identifierProblem(result.data.subject);
    if (subjectProblem) problems.push({ row, field: 'subject', message: subjectProblem });
    result.data.readings.forEach((reading, i) =>
      checkReading(
        reading,
        (field, message) => problems.push({ row, field: `readings/${i}/${field}`, message }),
        options,
      ),
    );
    count += result.data.readings.length;
    parsed.push(result.data);
  });
  if (count > options.maxReadings)
    problems.push({
      row: 0,
      field: 'readings',
      message: `more than ${options.maxReadings} readings in one request`,
    });
  if (problems.length > 0) throw new ReadingsInputError(limited(problems, options));
  return parsed;
}

const CSV_COLUMNS = ['loggerId', 'time', 'value', 'uom'] as const;

/** Splits one CSV line (RFC 4180 quoting). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/**
 * A CSV export of data loggers: a header naming `loggerId,time,value,uom` (any order, other columns ignored), one reading
 * a line. The readings of each logger form one batch, travelling with `subject` when given. Throws ReadingsInputError.
 */
export function parseReadingsCsv(
  text: string,
  subject: string | undefined,
  options: ReadingsInputOptions,
): ReadingBatch[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = csvFields(lines[0] ?? '');
  const problems: ReadingProblem[] = [];
  const subjectProblem = subject === undefined ? undefined : identifierProblem(subject);
  if (subjectProblem) throw new ReadingsInputError([{ row: 0, field: 'subject', message: subjectProblem }]);
  const index: Record<string, number> = {};
  for (const column of CSV_COLUMNS) {
    const at = header.indexOf(column);
    if (at < 0) problems.push({ row: 1, field: column, message: `the header has no ${column} column` });
    index[column] = at;
  }
  if (problems.length > 0) throw new ReadingsInputError(problems);
  const byLogger = new Map<string, ReadingBatch['readings']>();
  let count = 0;
  lines.forEach((line, i) => {
    const row = i + 1;
    if (i === 0 || line.trim() === '') return;
    const fields = csvFields(line);
    const cell = (column: (typeof CSV_COLUMNS)[number]) => fields[index[column]!] ?? '';
    const at = (field: string, message: string) => problems.push({ row, field, message });
    const loggerId = cell('loggerId');
    if (loggerId === '') at('loggerId', 'is empty');
    else {
      const problem = identifierProblem(loggerId);
      if (problem) at('loggerId', problem);
    }
    const valueText = cell('value');
    const value = Number(valueText);
    if (valueText === '' || !Number.isFinite(value)) at('value', 'must be a number');
    const reading = { time: cell('time'), type: 'Temperature', value, uom: cell('uom') };
    checkReading(reading, at, options);
    count++;
    if (!byLogger.has(loggerId)) byLogger.set(loggerId, []);
    byLogger.get(loggerId)!.push(reading);
  });
  if (count === 0) problems.push({ row: 2, field: '', message: 'no readings' });
  if (count > options.maxReadings)
    problems.push({ row: 0, field: '', message: `more than ${options.maxReadings} readings in one request` });
  if (problems.length > 0) throw new ReadingsInputError(limited(problems, options));
  return [...byLogger].map(([loggerId, readings]) => ({
    loggerId,
    ...(subject !== undefined ? { subject } : {}),
    readings,
  }));
}

/** Splits batches so that no message carries more than `size` readings (Kafka's message size). */
export function chunkBatches(batches: readonly ReadingBatch[], size: number): ReadingBatch[] {
  return batches.flatMap((batch) => {
    const chunks: ReadingBatch[] = [];
    for (let i = 0; i < batch.readings.length; i += size)
      chunks.push({ ...batch, readings: batch.readings.slice(i, i + size) });
    return chunks;
  });
}
