import type { Pool } from 'pg';
import { inTransaction } from '@pedigree/database';
import type { z } from 'zod';
import type { recallNoticeSchema } from '@pedigree/contracts';
import { RegistryRepository } from './registry-repository';

export type RecallNotice = z.infer<typeof recallNoticeSchema>;

/** Records recall notices and marks the registry items in (or released from) each recall's scope. */
export class RecallProjector {
  constructor(private readonly pool: Pool) {}

  async project(notices: Array<{ notice: RecallNotice; offset: string }>): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const repository = new RegistryRepository(client);
      for (const { notice, offset } of notices) {
        if (!(await repository.insertRecallNotice({ ...notice, offset }))) continue;
        await repository.applyRecalls(await repository.keysOfRecall(notice.recallId));
      }
    });
  }
}
