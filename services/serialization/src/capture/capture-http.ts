import { z } from 'zod';
import { epcisProblem } from '../epcis-problems';
import type { CaptureJob } from './capture-job.repository';

/** The `strict` query parameter of POST /capture and POST /events: absent or `false` is lenient, `true` strict. */
export function strictParameter(value: unknown): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw epcisProblem(
    'ValidationException',
    400,
    `the query parameter strict must be true or false, not ${JSON.stringify(value)}`,
  );
}

/** The answer of `GET /capture/{captureID}` (its OpenAPI body too). */
export const captureJobDocumentSchema = z.strictObject({
  captureID: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }).optional(),
  running: z.boolean(),
  success: z.boolean(),
  captureErrorBehaviour: z.string(),
  errors: z.array(z.strictObject({ type: z.string(), title: z.string(), detail: z.string().optional() })),
  warnings: z.array(z.strictObject({ pointer: z.string(), message: z.string() })),
});
export type CaptureJobDocument = z.infer<typeof captureJobDocumentSchema>;

/**
 * The capture job document of the EPCIS 2.0 REST binding, plus `warnings`: the validation warnings
 * (`{pointer, message}`) of the captured document, which did not stop the capture.
 */
export function captureJobDocument(job: CaptureJob): CaptureJobDocument {
  return {
    captureID: job.captureId,
    createdAt: job.createdAt.toISOString(),
    ...(job.finishedAt ? { finishedAt: job.finishedAt.toISOString() } : {}),
    running: job.running,
    success: job.success,
    captureErrorBehaviour: job.captureErrorBehaviour,
    errors: job.errors,
    warnings: job.warnings,
  };
}
