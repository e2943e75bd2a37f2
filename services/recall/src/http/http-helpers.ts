import { Readable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';
import { ProblemException } from '@pedigree/service-runtime';
import type { z } from 'zod';
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

/** `format`: `json` (default) or `csv`; `xlsx` is not offered (ADR 0019). */
export function format(raw: unknown): 'json' | 'csv' {
  if (raw === undefined || raw === 'json') return 'json';
  if (raw === 'csv') return 'csv';
  throw badRequest('format must be json or csv (xlsx is not offered: see ADR 0019)');
}

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

/** A CSV answer streamed from `rows` (pulled page by page as the client reads). */
export function csvStream(
  header: readonly string[],
  rows: AsyncIterable<readonly unknown[]>,
  filename: string,
): StreamableFile {
  async function* lines() {
    yield csvLine(header);
    for await (const row of rows) yield csvLine(row);
  }
  return new StreamableFile(Readable.from(lines()), {
    type: 'text/csv; charset=utf-8',
    // Header-safe: a lot may hold any character; the file name keeps only these.
    disposition: `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
  });
}

export const CSV_CONTENT = { 'text/csv': { schema: { type: 'string' as const } } };
