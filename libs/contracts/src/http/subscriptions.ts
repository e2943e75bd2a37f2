import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * EPCIS 2.0 query subscriptions (`POST /queries/{name}/subscriptions`), as the serialization service stores and
 * answers them and the `pedigree subscribe` command creates them; and the signature of their deliveries.
 */

/** A schedule as the REST binding writes it: cron-like fields, each a list of values and ranges ("0,30", "1-5"). */
export const subscriptionScheduleSchema = z.strictObject({
  second: z.string().optional(),
  minute: z.string().optional(),
  hour: z.string().optional(),
  dayOfMonth: z.string().optional(),
  month: z.string().optional(),
  dayOfWeek: z.string().optional(),
});
export type SubscriptionSchedule = z.infer<typeof subscriptionScheduleSchema>;

/** The body of `POST /queries/{name}/subscriptions`: a webhook with `stream: true` or a `schedule`. */
export const subscriptionRequestSchema = z.strictObject({
  dest: z.url({ protocol: /^https?$/ }),
  signatureToken: z.string().min(1).max(1000).optional(),
  stream: z.boolean().optional(),
  schedule: subscriptionScheduleSchema.optional(),
  reportIfEmpty: z.boolean().optional(),
  initialRecordTime: z.iso.datetime({ offset: true }).optional(),
});
export type SubscriptionRequest = z.infer<typeof subscriptionRequestSchema>;

/** A failed delivery: when, the receiver's status (none when it could not be reached) and what went wrong. */
export const deliveryFailureSchema = z.strictObject({
  at: z.string(),
  status: z.number().int().nullable(),
  error: z.string(),
  events: z.number().int(),
});

/** A subscription as answered (never its signature token). */
export const subscriptionAnswerSchema = z.strictObject({
  subscriptionID: z.string(),
  queryName: z.string(),
  dest: z.string().optional(),
  stream: z.boolean().optional(),
  schedule: subscriptionScheduleSchema.optional(),
  reportIfEmpty: z.boolean(),
  createdAt: z.string(),
  initialRecordTime: z.string().optional(),
  lastNotifiedAt: z.string().optional(),
  epcFormat: z.string(),
  /** Events matched and not yet acknowledged by the receiver. */
  pendingEvents: z.number().int(),
  /** Deliveries failed in a row since the last acknowledged one; the next attempt is due at `nextAttemptAt`. */
  failedAttempts: z.number().int(),
  nextAttemptAt: z.string(),
  /** The newest failed deliveries, newest first. */
  failures: z.array(deliveryFailureSchema),
});
export type SubscriptionAnswer = z.infer<typeof subscriptionAnswerSchema>;

/** `GS1-Signature` of a delivery: the lowercase hex HMAC-SHA256 of the body, keyed with the signature token. */
export function gs1Signature(body: string | Buffer, signatureToken: string): string {
  return createHmac('sha256', signatureToken).update(body).digest('hex');
}

/** Whether `signature` (a GS1-Signature header) is the signature of `body` under `signatureToken`. */
export function verifyGs1Signature(
  body: string | Buffer,
  signatureToken: string,
  signature: string,
): boolean {
  const expected = Buffer.from(gs1Signature(body, signatureToken), 'utf8');
  const given = Buffer.from(signature.trim().toLowerCase(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
