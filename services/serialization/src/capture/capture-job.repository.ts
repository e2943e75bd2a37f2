import { Inject, Injectable } from '@nestjs/common';
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import { inTransaction, type DatabaseHandle } from '@pedigree/database';
import { DATABASE, SERVICE_CONFIG } from '@pedigree/service-runtime';
import type { SerializationConfig } from '../config';
import * as schema from '../db/schema';

export type CaptureJob = typeof schema.captureJobs.$inferSelect;
type CaptureError = CaptureJob['errors'][number];
export type CaptureWarning = CaptureJob['warnings'][number];

/** The error of a job that did not end in time: its request was killed, or its process died, mid-flight. */
export function interruptedJobError(timeoutSeconds: number): CaptureError {
  return {
    type: 'epcisException:ImplementationException',
    title: 'capture interrupted',
    detail: `the capture did not finish within ${timeoutSeconds} seconds (its request or process ended); capture the document again`,
  };
}

class EventIdsTaken extends Error {
  constructor(readonly taken: Array<{ eventId: string; eventHash: string }>) {
    super('eventIDs taken');
  }
}

/**
 * Capture jobs in PostgreSQL. A job ends: succeeded or failed by its request, or, when its request or process died
 * mid-flight, failed when read after CAPTURE_JOB_TIMEOUT_SECONDS. That decision is written to the database (against
 * the database's clock), so every replica reports the same.
 */
@Injectable()
export class CaptureJobRepository {
  constructor(
    @Inject(DATABASE) private readonly database: DatabaseHandle<typeof schema>,
    @Inject(SERVICE_CONFIG) private readonly config: Pick<SerializationConfig, 'CAPTURE_JOB_TIMEOUT_SECONDS'>,
  ) {}

  async start(
    captureId: string,
    capturedBy: string,
    eventCount: number,
    warnings: CaptureWarning[] = [],
  ): Promise<CaptureJob> {
    const [job] = await this.database.db
      .insert(schema.captureJobs)
      .values({
        captureId,
        capturedBy,
        createdAt: sql`now()`,
        running: true,
        success: true,
        captureErrorBehaviour: 'rollback',
        eventCount,
        errors: [],
        warnings,
      })
      .returning();
    return job!;
  }

  async succeed(captureId: string): Promise<CaptureJob> {
    return this.finish(captureId, true, []);
  }

  async fail(captureId: string, errors: CaptureError[]): Promise<CaptureJob> {
    return this.finish(captureId, false, errors);
  }

  /** The party that captured each stored event of `hashes` (those not stored are absent). */
  async capturersOf(hashes: string[]): Promise<Map<string, string>> {
    if (hashes.length === 0) return new Map();
    const rows = await this.database.db
      .select({ eventHash: schema.events.eventHash, capturedBy: schema.events.capturedBy })
      .from(schema.events)
      .where(inArray(schema.events.eventHash, hashes));
    return new Map(rows.map((r) => [r.eventHash, r.capturedBy]));
  }

  /**
   * Records the eventIDs a capture gives its events (ADR 0020), unless one is already taken — recorded by an earlier
   * capture, or stored before the record existed: then nothing is recorded and the taken ones are returned. The same
   * event captured again takes its eventID too (GS1 guidance: 409). Concurrent captures of one eventID are serialised
   * by its primary key.
   */
  async reserveEventIds(
    captureId: string,
    ids: Array<{ eventId: string; eventHash: string }>,
  ): Promise<Array<{ eventId: string; eventHash: string }>> {
    if (ids.length === 0) return [];
    return inTransaction(this.database.pool, async (client) => {
      const rows = JSON.stringify(ids.map((i) => ({ event_id: i.eventId, event_hash: i.eventHash })));
      await client.query(
        `INSERT INTO captured_event_ids (event_id, event_hash, capture_id)
         SELECT event_id, event_hash, $2 FROM jsonb_to_recordset($1::jsonb) AS r(event_id text, event_hash text)
         ON CONFLICT (event_id) DO NOTHING`,
        [rows, captureId],
      );
      const { rows: taken } = await client.query<{ eventId: string; eventHash: string }>(
        `SELECT r.event_id AS "eventId", r.event_hash AS "eventHash"
         FROM jsonb_to_recordset($1::jsonb) AS r(event_id text, event_hash text)
         WHERE EXISTS (SELECT 1 FROM captured_event_ids c WHERE c.event_id = r.event_id AND c.capture_id <> $2)
            OR EXISTS (SELECT 1 FROM events e WHERE e.event_id = r.event_id)`,
        [rows, captureId],
      );
      // Refused: roll the records of this capture back with the transaction.
      if (taken.length > 0) throw new EventIdsTaken(taken);
      return [];
    }).catch((error: unknown) => {
      if (error instanceof EventIdsTaken) return error.taken;
      throw error;
    });
  }

  /** Forgets the eventIDs a capture recorded (its events were not published). */
  async releaseEventIds(captureId: string): Promise<void> {
    await this.database.pool.query('DELETE FROM captured_event_ids WHERE capture_id = $1', [captureId]);
  }

  /** One page of a party's capture jobs, newest first, after `after` (the last job of the previous page). */
  async list(
    capturedBy: string,
    limit: number,
    after?: { createdAt: string; captureId: string },
  ): Promise<CaptureJob[]> {
    const { captureJobs: jobs } = schema;
    return this.database.db
      .select()
      .from(jobs)
      .where(
        and(
          eq(jobs.capturedBy, capturedBy),
          after === undefined
            ? undefined
            : sql`(${jobs.createdAt}, ${jobs.captureId}) < (${after.createdAt}::timestamptz, ${after.captureId})`,
        ),
      )
      .orderBy(sql`${jobs.createdAt} DESC, ${jobs.captureId} DESC`)
      .limit(limit);
  }

  /** The job, after failing it if it has been running for longer than CAPTURE_JOB_TIMEOUT_SECONDS. */
  async find(captureId: string): Promise<CaptureJob | undefined> {
    const timeout = this.config.CAPTURE_JOB_TIMEOUT_SECONDS;
    const [expired] = await this.database.db
      .update(schema.captureJobs)
      .set({
        running: false,
        success: false,
        errors: [interruptedJobError(timeout)],
        finishedAt: sql`now()`,
      })
      .where(
        and(
          eq(schema.captureJobs.captureId, captureId),
          eq(schema.captureJobs.running, true),
          lt(schema.captureJobs.createdAt, sql`now() - make_interval(secs => ${timeout})`),
        ),
      )
      .returning();
    if (expired) return expired;
    const [job] = await this.database.db
      .select()
      .from(schema.captureJobs)
      .where(eq(schema.captureJobs.captureId, captureId));
    return job;
  }

  private async finish(captureId: string, success: boolean, errors: CaptureError[]): Promise<CaptureJob> {
    const [job] = await this.database.db
      .update(schema.captureJobs)
      .set({ running: false, success, errors, finishedAt: new Date() })
      .where(eq(schema.captureJobs.captureId, captureId))
      .returning();
    return job!;
  }
}
