import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, ownsCompanyPrefix, Roles, type Principal } from '@pedigree/auth';
import { packAnswerSchema } from '@pedigree/contracts';
import { bodyContent, problemContent, ProblemException } from '@pedigree/service-runtime';
import {
  jsonObject,
  parseExpiryExtension,
  parsePackInput,
  parseScan,
  PackRequestError,
} from './pack-request';
import { FORBIDDEN_CODES } from './decisions';
import { isPackOperation, PACK_OPERATIONS } from './pack-view';
import { EXPIRY_FIELD, GLN_FIELD, GTIN_FIELD, LOT_FIELD, PACK_BODY } from './verification-openapi';
import { VerificationService, type PackAnswer } from './verification.service';
import { VERIFICATION_STORE, type VerificationStore } from './verification-store';

function badRequest(error: unknown): never {
  if (error instanceof PackRequestError) {
    throw new ProblemException({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: error.message,
      field: error.field,
    });
  }
  throw error;
}

function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    return badRequest(error);
  }
}

/** The answer body: NMVS-style return code and alert, the pack, the DSCSA view (libs/contracts, PackAnswer). */
const ANSWER = bodyContent(packAnswerSchema);
/** A refusal for who or where the requester is: the pack answer, or (role or token) a problem. */
const FORBIDDEN = { ...ANSWER, ...problemContent() };

const OPERATING_ROLES = ['manufacturer', 'distributor', 'dispenser', 'admin'] as const;

/** 200 when applied; 403 when refused for who or where the requester is; 409 when refused for the pack's state. */
function statusOf(answer: PackAnswer): number {
  if (answer.applied) return 200;
  return FORBIDDEN_CODES.has(answer.returnCode) ? 403 : 409;
}

/** EU FMD-style pack verification and state changes (NMVS-style return codes and alerts), and scanned-code verification. */
@ApiTags('verification (EU FMD packs)')
@Controller()
export class PacksController {
  constructor(
    private readonly verification: VerificationService,
    @Inject(VERIFICATION_STORE) private readonly store: VerificationStore,
  ) {}

  @Post('packs/verify')
  @HttpCode(200)
  @Roles('manufacturer', 'distributor', 'dispenser', 'regulator', 'admin')
  @ApiOperation({
    summary:
      'Verify a pack; a dispenser’s verification counts as verification for dispensing (clone detection)',
  })
  @ApiBody({ schema: PACK_BODY })
  @ApiResponse({ status: 200, description: 'the verification’s answer', content: ANSWER })
  verify(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<PackAnswer> {
    return this.verification.verifyPack(
      parsed(() => parsePackInput(body)),
      principal,
    );
  }

  @Post('packs/undo')
  @HttpCode(200)
  @Roles(...OPERATING_ROLES)
  @ApiOperation({
    summary:
      'Undo the operation in force (back to active): same party and premises, within 10 days, not expired, not recalled or withdrawn, not destroyed or stolen, not supplied to the public (Regulation (EU) 2016/161 Art. 13)',
  })
  @ApiBody({
    schema: {
      ...PACK_BODY,
      properties: {
        ...PACK_BODY.properties,
        suppliedToPublic: {
          type: 'boolean',
          description: 'the pack was supplied to the public (it may not return to active then)',
          example: false,
        },
      },
    },
  })
  @ApiResponse({ status: 200, description: 'undone', content: ANSWER })
  @ApiResponse({
    status: 403,
    description:
      'refused: NOT_OWN_PREMISES (the location is not the party’s; the pack answer), or the role may not (problem)',
    content: FORBIDDEN,
  })
  @ApiResponse({
    status: 409,
    description: 'refused (UNDO_* or UNKNOWN_SERIAL return code)',
    content: ANSWER,
  })
  async undo(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PackAnswer> {
    const object = parsed(() => jsonObject(body));
    const input = parsed(() => parsePackInput(object));
    const suppliedToPublic = object.suppliedToPublic;
    if (suppliedToPublic !== undefined && typeof suppliedToPublic !== 'boolean')
      badRequest(new PackRequestError('suppliedToPublic must be a boolean', 'suppliedToPublic'));
    const answer = await this.verification.undo(input, principal, suppliedToPublic === true);
    void reply.status(statusOf(answer));
    return answer;
  }

  @Post('packs/:operation')
  @HttpCode(200)
  @Roles(...OPERATING_ROLES)
  @ApiOperation({
    summary: 'Set the pack’s state; captured as an EPCIS event, answered with the new state at once',
  })
  @ApiParam({ name: 'operation', enum: Object.keys(PACK_OPERATIONS), example: 'supply' })
  @ApiBody({ schema: PACK_BODY })
  @ApiResponse({ status: 200, description: 'applied', content: ANSWER })
  @ApiResponse({ status: 404, description: 'no such pack operation' })
  @ApiResponse({
    status: 403,
    description:
      'refused: NOT_HOLDER (another party holds the pack), NOT_OWN_PREMISES (not the party’s location) — the pack answer; or the role may not (problem)',
    content: FORBIDDEN,
  })
  @ApiResponse({
    status: 409,
    description:
      'refused: unknown pack, mismatch, already in that state, not active, expired, recalled, suspect',
    content: ANSWER,
  })
  async operate(
    @Param('operation') operation: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PackAnswer> {
    if (!isPackOperation(operation)) {
      throw new ProblemException({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: `no pack operation ${operation}; known: verify, undo, ${Object.keys(PACK_OPERATIONS).join(', ')}`,
      });
    }
    const answer = await this.verification.operate(
      operation,
      parsed(() => parsePackInput(body)),
      principal,
    );
    void reply.status(statusOf(answer));
    return answer;
  }

  @Post('verifications')
  @HttpCode(200)
  @Roles('manufacturer', 'distributor', 'dispenser', 'regulator', 'admin')
  @ApiOperation({
    summary:
      'Verify a scanned code: a GS1 Digital Link URI, an element string or the raw DataMatrix text (]d2, GS separators)',
    description:
      'The group separator (ASCII 29) may also be written as text: \\x1d, \\u001d, {GS}, [GS], ^] or ␝ are always read ' +
      'as the separator (their characters are outside GS1 AI character set 82, so they can never be data); <GS> is ' +
      'read as the separator only when the code is not valid with "<GS>" as text, and a code valid both ways is ' +
      'refused (400) as ambiguous. A Digital Link is read as scanners and people write it: a scheme in any case, a ' +
      'trailing "/", a GTIN-8, -12 or -13 in the path (padded to 14 digits); otherwise it must follow the GS1 Digital ' +
      'Link URI syntax.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['code'],
      properties: {
        code: {
          type: 'string',
          example: 'https://id.gs1.org/01/10614141073464/21/2017?10=LOT1&17=281231',
        },
        location: GLN_FIELD,
      },
    },
  })
  @ApiResponse({ status: 200, description: 'the verification’s answer', content: ANSWER })
  scan(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<PackAnswer> {
    return this.verification.verifyPack(
      parsed(() => parseScan(body)),
      principal,
      'scan',
    );
  }

  @Post('expiry-extensions')
  @HttpCode(204)
  @Roles('manufacturer', 'admin')
  @ApiOperation({
    summary: 'Announce an extended expiry date for a lot (verification then answers ExpirationExtended)',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['gtin', 'lot', 'originalExpiry', 'extendedExpiry'],
      properties: {
        gtin: { ...GTIN_FIELD, description: 'GTIN-14 under a company prefix of the party' },
        lot: LOT_FIELD,
        originalExpiry: EXPIRY_FIELD,
        extendedExpiry: { ...EXPIRY_FIELD, description: 'later than originalExpiry', example: '2029-06-30' },
      },
    },
  })
  @ApiResponse({ status: 204, description: 'recorded' })
  @ApiResponse({
    status: 403,
    description: 'the GTIN is not under a company prefix of the party, or the role may not',
  })
  async extendExpiry(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<void> {
    const extension = parsed(() => parseExpiryExtension(body));
    if (
      !principal.roles.includes('admin') &&
      !ownsCompanyPrefix(principal, `https://id.gs1.org/01/${extension.gtin}`)
    ) {
      throw new ProblemException({
        type: 'about:blank',
        title: 'Forbidden',
        status: 403,
        detail: `GTIN ${extension.gtin} is not under a company prefix of ${principal.party}`,
      });
    }
    await this.store.saveExpiryExtension({ ...extension, announcedBy: principal.party, at: new Date() });
  }
}
