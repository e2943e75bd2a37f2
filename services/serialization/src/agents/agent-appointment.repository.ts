import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, isNull, or, sql } from 'drizzle-orm';
import type { DatabaseHandle } from '@pedigree/database';
import { DATABASE } from '@pedigree/service-runtime';
import * as schema from '../db/schema';

export type AgentAppointment = typeof schema.agentAppointments.$inferSelect;

/** Appointments of agents in PostgreSQL; unique among those in force per principal and agent (a partial index). */
@Injectable()
export class AgentAppointmentRepository {
  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle<typeof schema>) {}

  /** Appoints `agent` for `principal` from now; undefined when an appointment of that agent is already in force. */
  async appoint(
    principal: string,
    agent: string,
    appointedBy: string,
  ): Promise<AgentAppointment | undefined> {
    const [row] = await this.database.db
      .insert(schema.agentAppointments)
      .values({ principal, agent, appointedBy, appointedAt: sql`clock_timestamp()` })
      .onConflictDoNothing()
      .returning();
    return row;
  }

  /** Ends the appointment of `agent` by `principal` in force now; undefined when there is none. */
  async revoke(principal: string, agent: string, revokedBy: string): Promise<AgentAppointment | undefined> {
    const [row] = await this.database.db
      .update(schema.agentAppointments)
      .set({ revokedAt: sql`clock_timestamp()`, revokedBy })
      .where(
        and(
          eq(schema.agentAppointments.principal, principal),
          eq(schema.agentAppointments.agent, agent),
          isNull(schema.agentAppointments.revokedAt),
        ),
      )
      .returning();
    return row;
  }

  /** The parties that have appointed `agent` now: capture gives them to the events it records (ADR 0023). */
  async principalsOf(agent: string): Promise<string[]> {
    const t = schema.agentAppointments;
    const rows = await this.database.db
      .select({ principal: t.principal })
      .from(t)
      .where(and(eq(t.agent, agent), isNull(t.revokedAt)))
      .orderBy(t.principal);
    return rows.map((r) => r.principal);
  }

  /** Every appointment, in force or ended, that names `party` as principal or agent (all of them: undefined). */
  list(party: string | undefined): Promise<AgentAppointment[]> {
    const t = schema.agentAppointments;
    return this.database.db
      .select()
      .from(t)
      .where(party === undefined ? undefined : or(eq(t.principal, party), eq(t.agent, party)))
      .orderBy(desc(t.appointedAt), desc(t.id));
  }
}
