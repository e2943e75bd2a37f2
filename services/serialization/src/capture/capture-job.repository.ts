import { Inject, Injectable } from '@nestjs/common';
import { eq, inArray } from 'drizzle-orm';
import type { DatabaseHandle } from '@pedigree/database';
import { DATABASE } from '@pedigree/service-runtime';
import * as schema from '../db/schema';

export type CaptureJob = typeof schema.captureJobs.$inferSelect;
type CaptureError = CaptureJob['errors'][number];
export type CaptureWarning = CaptureJob['warnings'][number];

@Injectable()
export class CaptureJobRepository {
  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle<typeof schema>) {}

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
        createdAt: new Date(),
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

  async find(captureId: string): Promise<CaptureJob | undefined> {
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
