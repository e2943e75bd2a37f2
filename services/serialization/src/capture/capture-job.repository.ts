import { Inject, Injectable } from '@nestjs/common';
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { DatabaseHandle } from '@pedigree/database';
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
