import { Readable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';
import { ProblemException } from '@pedigree/service-runtime';
import type { z } from 'zod';
import { XLSX_CONTENT_TYPE, XLSX_MAX_ROWS, xlsxStream, type XlsxCell, type XlsxColumn } from '@pedigree/xlsx';
import { RecallRuleError } from '../recalls/recall-model';

/** A 400 problem naming what is wrong with the request. */
export function badRequest(detail: string, extra: Record<string, unknown> = {}): ProblemException {
  return new ProblemException({ type: 'about:blank', title: 'Bad Request', status: 400, detail, ...extra });
}

const TITLES: Record<number, string> = { 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict' };

/** Turns a refusal of the recall rules into its problem+json answer; anything else goes on. */
export function asProblem(error: unknown): never {
  if (error instanceof RecallRuleError) {
    throw new ProblemException({
      type: 'about:blank',
      title: TITLES[error.status] ?? 'Error',
      status: error.status,
      detail: error.message,
      code: error.code,
    });
  }
  throw error;
}

/**
 * Parses the request body (the runtime hands it over as text) as JSON and checks it with `schema`, or answers 400
 * naming each problem (`field: message`).
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  let value: unknown = body ?? {};
  if (typeof body === 'string') {
    try {
      value = body.trim() === '' ? {} : JSON.parse(body);
    } catch (error) {
      throw badRequest(`the body is not JSON: ${(error as Error).message}`);
    }
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw badRequest(
    result.error.issues.map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`).join('; '),
  );
}

/** `perPage` as a whole number from 1 to `max` (default `fallback`). */
export function perPage(raw: unknown, fallback: number, max: number): number {
  if (raw === undefined) return Math.min(fallback, max);
  const n = typeof raw === 'string' && /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= max)) throw badRequest(`perPage must be a whole number from 1 to ${max}`);
  return n;
}

/** An opaque page token: base64url JSON of the position. */
export function encodeToken(position: object): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeToken<T>(raw: unknown, isPosition: (value: unknown) => value is T): T | undefined {
  if (raw === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(String(raw), 'base64url').toString('utf8'));
    if (isPosition(value)) return value;
  } catch {
    // an unreadable token is answered below
  }
  throw badRequest('pageToken is not a token this service gave out');
}

export type ExportFormat = 'csv' | 'xlsx';

/** `format`: `json` (default), `csv` or `xlsx`. */
export function format(raw: unknown): 'json' | ExportFormat {
  if (raw === undefined || raw === 'json') return 'json';
  if (raw === 'csv' || raw === 'xlsx') return raw;
  throw badRequest('format must be json, csv or xlsx');
}

/** The `format` query parameter of an operation that exports. */
export const FORMAT_QUERY = {
  name: 'format',
  required: false,
  description:
    'json (default); csv or xlsx (one worksheet: typed cells, autofilter, frozen header) streamed whole',
  schema: { type: 'string' as const, enum: ['json', 'csv', 'xlsx'] },
};

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a leading =+-@ is defused. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = Array.isArray(value) ? value.join(' ') : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * An export streamed as CSV or as an .xlsx workbook of one worksheet named `sheet`, from `rows` (pulled page by page as
 * the client reads). `basename` gets the format's extension.
 */
export function exportFile(
  as: ExportFormat,
  columns: readonly XlsxColumn[],
  rows: AsyncIterable<readonly XlsxCell[]>,
  basename: string,
  sheet: string,
): StreamableFile {
  async function* lines() {
    yield csvLine(columns.map((c) => c.header));
    for await (const row of rows) yield csvLine(row);
  }
  return new StreamableFile(Readable.from(as === 'csv' ? lines() : xlsxStream(columns, rows, sheet)), {
    type: as === 'csv' ? 'text/csv; charset=utf-8' : XLSX_CONTENT_TYPE,
    // Header-safe: a lot may hold any character; the file name keeps only these.
    disposition: `attachment; filename="${basename.replace(/[^A-Za-z0-9._-]/g, '_')}.${as}"`,
  });
}

/** An xlsx worksheet holds at most this many rows below its header; a larger export answers 422 (use CSV). */
export function checkXlsxRows(as: ExportFormat, rows: number): void {
  if (as === 'xlsx' && rows > XLSX_MAX_ROWS - 1)
    throw new ProblemException({
      type: 'about:blank',
      title: 'Unprocessable Content',
      status: 422,
      detail: `${rows} rows are more than an xlsx worksheet holds (${XLSX_MAX_ROWS - 1}); ask for format=csv`,
    });
}

/** The media types of an export besides JSON. */
export const EXPORT_CONTENT = {
  'text/csv': { schema: { type: 'string' as const } },
  [XLSX_CONTENT_TYPE]: { schema: { type: 'string' as const, format: 'binary' } },
};
