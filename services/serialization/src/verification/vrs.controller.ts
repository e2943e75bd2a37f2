import { Controller, Get, Header, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles, type Principal } from '@pedigree/auth';
import { connectivityAnswerSchema, vrsResponseSchema, type ConnectivityAnswer } from '@pedigree/contracts';
import { pedigreeMetrics, timed } from '@pedigree/observability';
import { bodyContent, ProblemException, SERVICE_CONFIG } from '@pedigree/service-runtime';
import type { SerializationConfig } from '../config';
import { VerificationService } from './verification.service';
import { GLN_FIELD, GTIN_FIELD, LOT_FIELD, SERIAL_FIELD } from './verification-openapi';
import {
  GS1US_VERSION,
  parseConnectivityRequest,
  parseVrsRequest,
  VrsRequestError,
  type RawVrsRequest,
  type VrsResponse,
} from './vrs-request';

const VERSION_HEADER = 'gs1us-version';

function vrsProblem(error: VrsRequestError): ProblemException {
  return new ProblemException({
    type: 'about:blank',
    title: error.status === 403 ? 'Forbidden' : 'Bad Request',
    status: error.status,
    detail: error.message,
    parameter: error.parameter,
  });
}

function versionOf(request: FastifyRequest): string | undefined {
  const value = request.headers[VERSION_HEADER];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * The DSCSA Verification Router Service responder, as the GS1 Lightweight Messaging Standard for Verification and the
 * GS1 US implementation guideline 1.3 define it (choices in docs/adr/0005-vrs-responder-choices.md).
 */
@ApiTags('verification (DSCSA VRS)')
@Controller()
export class VrsController {
  constructor(
    private readonly verification: VerificationService,
    @Inject(SERVICE_CONFIG) private readonly config: SerializationConfig,
  ) {}

  private responderGln(): string {
    if (this.config.VRS_RESPONDER_GLN === undefined) {
      throw new ProblemException({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'VRS_RESPONDER_GLN is not configured',
      });
    }
    return this.config.VRS_RESPONDER_GLN;
  }

  /** The requester named in reqGLN must be the party of the token, unless the caller is a router (admin). */
  private checkRequester(reqGLN: string, principal: Principal): void {
    if (reqGLN !== principal.party && !principal.roles.includes('admin')) {
      throw vrsProblem(
        new VrsRequestError(
          `reqGLN ${reqGLN} is not the party of the access token (${principal.party})`,
          'reqGLN',
          403,
        ),
      );
    }
  }

  @Get('verify/gtin/:gtin/lot/:lot/ser/:serial')
  @Roles('manufacturer', 'distributor', 'dispenser', 'regulator', 'admin')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Verify a product identifier (GS1 Lightweight Messaging Standard, GS1 US guideline 1.3)',
  })
  @ApiHeader({
    name: 'GS1US-Version',
    required: false,
    description: `guideline release of the requester, e.g. ${GS1US_VERSION}`,
  })
  @ApiParam({ name: 'gtin', schema: GTIN_FIELD })
  @ApiParam({ name: 'lot', schema: LOT_FIELD })
  @ApiParam({ name: 'serial', schema: SERIAL_FIELD })
  @ApiQuery({
    name: 'exp',
    description:
      'expiration date YYMMDD (AI 17; DD 00 is the last day of the month; the parameter may also be named 17)',
    schema: { type: 'string', pattern: '^\\d{2}(0[1-9]|1[0-2])(0\\d|[12]\\d|3[01])$', example: '281231' },
  })
  @ApiQuery({
    name: 'linkType',
    description: 'the GS1 link type of the request',
    enum: ['verificationService', 'gs1:verificationService'],
  })
  @ApiQuery({
    name: 'context',
    description: 'request context, one of VRS_CONTEXTS (default: dscsaSaleableReturn)',
    example: 'dscsaSaleableReturn',
  })
  @ApiQuery({
    name: 'reqGLN',
    description: 'GLN of the requester: the party of the token (unless an admin routes the request)',
    schema: GLN_FIELD,
  })
  @ApiQuery({
    name: 'corrUUID',
    description: 'correlation UUID, echoed in the response',
    schema: { type: 'string', format: 'uuid', example: '0f7a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b' },
  })
  @ApiQuery({
    name: 'ctrlPossessAtt',
    required: false,
    description: 'requester attests control/possession of the product (1.3)',
    enum: ['true', 'false'],
  })
  @ApiQuery({
    name: 'email',
    required: false,
    description: 'requester contact e-mail (1.3)',
    example: 'returns@example.com',
  })
  @ApiQuery({
    name: 'telephone',
    required: false,
    description: 'requester contact telephone (1.3)',
    example: '+1 555 0100',
  })
  @ApiResponse({
    status: 200,
    description: 'the verification response message',
    content: bodyContent(vrsResponseSchema),
  })
  @ApiResponse({
    status: 400,
    description: 'malformed request (check digit, date, unknown context or parameter)',
  })
  @ApiResponse({ status: 401, description: 'no or bad access token' })
  @ApiResponse({
    status: 403,
    description: 'the requester may not verify, or reqGLN is not the token’s party',
  })
  @ApiResponse({ status: 503, description: 'VRS_RESPONDER_GLN is not configured' })
  async verify(
    @Param() params: { gtin: string; lot: string; serial: string },
    @Query() query: RawVrsRequest['query'],
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ): Promise<VrsResponse> {
    void reply.header('GS1US-Version', GS1US_VERSION);
    let parsed;
    try {
      parsed = parseVrsRequest({ ...params, query, version: versionOf(request) }, this.config.VRS_CONTEXTS);
    } catch (error) {
      if (error instanceof VrsRequestError) throw vrsProblem(error);
      throw error;
    }
    this.checkRequester(parsed.reqGLN, principal);
    return timed(
      pedigreeMetrics().verificationDuration,
      () => this.verification.verifyVrs(parsed, principal, this.responderGln()),
      (answer) => ({ verified: answer?.data.verified === true }),
    );
  }

  @Get('checkConnectivity')
  @Roles('manufacturer', 'distributor', 'dispenser', 'regulator', 'admin')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary:
      'Check connectivity with this verification responder (401 without a valid token, 403 if not permitted)',
  })
  @ApiHeader({
    name: 'GS1US-Version',
    required: false,
    description: `guideline release of the requester, e.g. ${GS1US_VERSION}`,
  })
  @ApiQuery({ name: 'gtin', required: false, schema: GTIN_FIELD })
  @ApiQuery({
    name: 'reqGLN',
    description: 'GLN of the requester: the party of the token',
    schema: GLN_FIELD,
  })
  @ApiQuery({ name: 'context', required: false, example: 'dscsaSaleableReturn' })
  @ApiResponse({
    status: 200,
    description: 'the responder answers',
    content: bodyContent(connectivityAnswerSchema),
  })
  @ApiResponse({
    status: 400,
    description: 'malformed request (GTIN check digit, reqGLN, unknown context, GS1US-Version)',
  })
  @ApiResponse({
    status: 403,
    description: 'the requester may not verify, or reqGLN is not the token’s party',
  })
  @ApiResponse({ status: 503, description: 'VRS_RESPONDER_GLN is not configured' })
  connectivity(
    @Query() query: RawVrsRequest['query'],
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ): ConnectivityAnswer {
    void reply.header('GS1US-Version', GS1US_VERSION);
    let parsed;
    try {
      parsed = parseConnectivityRequest(query, this.config.VRS_CONTEXTS, versionOf(request));
    } catch (error) {
      if (error instanceof VrsRequestError) throw vrsProblem(error);
      throw error;
    }
    this.checkRequester(parsed.reqGLN, principal);
    const responderGLN = this.responderGln();
    this.verification.recordConnectivity(principal, parsed.reqGLN, parsed.context, parsed.gtin);
    return { responderGLN };
  }
}
