import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal, Roles, type Principal } from '@pedigree/auth';
import { partyGln } from '@pedigree/gs1';
import { bodyContent, jsonObjectBody, problemContent, ProblemException } from '@pedigree/service-runtime';
import { AgentAppointmentRepository, type AgentAppointment } from './agent-appointment.repository';

const CAPTURING_ROLES = ['manufacturer', 'distributor', 'dispenser', 'admin'] as const;

const appointmentSchema = z.object({
  principal: z.string().describe('GLN of the party the agent captures for'),
  agent: z.string().describe('GLN of the agent'),
  appointedAt: z.string().describe('events the agent captures from this instant on (record time) count'),
  revokedAt: z
    .string()
    .nullable()
    .describe('events recorded from this instant on no longer count; null: in force'),
});
type AppointmentView = z.infer<typeof appointmentSchema>;
const APPOINTMENT = bodyContent(appointmentSchema);
const APPOINTMENTS = bodyContent(z.object({ appointments: z.array(appointmentSchema) }));

const AGENT_PARAMETER = {
  name: 'agent',
  description: 'the agent: a GLN, a PGLN or SGLN EPC URI, or a Digital Link with (417) or (414)',
  example: '4012345000009',
};

function view(row: AgentAppointment): AppointmentView {
  return {
    principal: row.principal,
    agent: row.agent,
    appointedAt: row.appointedAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

function problem(status: 400 | 404 | 409, detail: string, field?: string): ProblemException {
  const title = { 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict' }[status];
  return new ProblemException({ type: 'about:blank', title, status, detail, ...(field ? { field } : {}) });
}

/** The agent a request names, as a GLN; 400 naming the field otherwise, and for the caller's own party. */
function agentOf(value: unknown, principal: Principal, field: string): string {
  const gln = typeof value === 'string' ? partyGln(value) : undefined;
  if (gln === undefined)
    throw problem(
      400,
      `${field} must be a party's GLN (13 digits, valid check digit), PGLN/SGLN URI or Digital Link`,
      field,
    );
  if (gln === principal.party) throw problem(400, 'a party cannot appoint itself as its agent', field);
  return gln;
}

/**
 * Appointed agents (docs/authorisation.md): a party lets another capture for it — a logistics provider shipping and
 * receiving its goods. The agent's events change the objects the principal holds (or receives as a shipment's named
 * recipient) as the principal's own would.
 */
@ApiTags('authorisation')
@Controller('agents')
export class AgentsController {
  constructor(private readonly appointments: AgentAppointmentRepository) {}

  @Post()
  @HttpCode(201)
  @Roles(...CAPTURING_ROLES)
  @ApiOperation({ summary: 'Appoint an agent that captures for the caller’s party from now on' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['agent'],
      additionalProperties: false,
      properties: {
        agent: { type: 'string', description: AGENT_PARAMETER.description, example: AGENT_PARAMETER.example },
      },
    },
  })
  @ApiResponse({ status: 201, description: 'appointed', content: APPOINTMENT })
  @ApiResponse({
    status: 400,
    description: 'no body object, an unknown field, or no valid agent',
    content: problemContent(),
  })
  @ApiResponse({ status: 409, description: 'the agent is already appointed', content: problemContent() })
  async appoint(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<AppointmentView> {
    const fields = jsonObjectBody(body);
    const unknown = Object.keys(fields).find((key) => key !== 'agent');
    if (unknown !== undefined) throw problem(400, `unknown field ${unknown}`, unknown);
    const agent = agentOf(fields.agent, principal, 'agent');
    const row = await this.appointments.appoint(principal.party, agent, principal.subject);
    if (row === undefined)
      throw problem(409, `${agent} is already appointed as agent of ${principal.party}`, 'agent');
    return view(row);
  }

  @Get()
  @Roles(...CAPTURING_ROLES, 'regulator')
  @ApiOperation({
    summary:
      'The appointments naming the caller’s party as principal or agent, in force and ended, newest first (regulators and admins: all)',
  })
  @ApiResponse({ status: 200, description: 'the appointments', content: APPOINTMENTS })
  async list(@CurrentPrincipal() principal: Principal): Promise<{ appointments: AppointmentView[] }> {
    const everyone = principal.roles.includes('admin') || principal.roles.includes('regulator');
    const rows = await this.appointments.list(everyone ? undefined : principal.party);
    return { appointments: rows.map(view) };
  }

  @Delete(':agent')
  @Roles(...CAPTURING_ROLES)
  @ApiOperation({
    summary: 'End the caller’s appointment of an agent: its events recorded from now on do not count',
  })
  @ApiParam(AGENT_PARAMETER)
  @ApiResponse({ status: 200, description: 'ended', content: APPOINTMENT })
  @ApiResponse({ status: 400, description: 'no valid agent', content: problemContent() })
  @ApiResponse({
    status: 404,
    description: 'the caller has no appointment of this agent in force',
    content: problemContent(),
  })
  async revoke(
    @Param('agent') agentParameter: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AppointmentView> {
    const agent = agentOf(agentParameter, principal, 'agent');
    const row = await this.appointments.revoke(principal.party, agent, principal.subject);
    if (row === undefined) throw problem(404, `${principal.party} has no appointment of ${agent} in force`);
    return view(row);
  }
}
