import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  consistencyProofAnswerSchema,
  headsPageSchema,
  inclusionProofBundleSchema,
  type AnchoredHeadView,
  type ConsistencyProofAnswer,
  type HeadsPage,
  type InclusionProofBundle,
  type ProofAnchor,
} from '@pedigree/contracts';
import { consistencyProof, inclusionProof } from '@pedigree/merkle';
import { bodyContent, ProblemException } from '@pedigree/service-runtime';
import { entryOfEventHash } from '../log/leaf';
import { LogRepository } from '../log/log-repository';
import type { AnchoredHead } from '../log/ports';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

function problem(status: number, type: string, title: string, detail: string): ProblemException {
  return new ProblemException({ type: `urn:pedigree:problem:${type}`, title, status, detail });
}

function anchorOf(head: AnchoredHead): ProofAnchor {
  return {
    channel: head.channel,
    chaincode: head.chaincode,
    transactionId: head.transactionId,
    blockNumber: head.blockNumber,
    anchoredAt: head.anchoredAt,
  };
}

function headView(head: AnchoredHead): AnchoredHeadView {
  return {
    treeSize: head.treeSize,
    rootHash: head.rootHash,
    previousTreeSize: head.previousTreeSize,
    previousRootHash: head.previousRootHash,
    anchor: anchorOf(head),
  };
}

function treeSizeParameter(
  name: string,
  value: string | undefined,
  { required }: { required: boolean },
): number | undefined {
  if (value === undefined || value === '') {
    if (required) throw problem(400, 'invalid-parameter', 'Bad Request', `${name} is required`);
    return undefined;
  }
  if (!/^\d{1,15}$/.test(value))
    throw problem(
      400,
      'invalid-parameter',
      'Bad Request',
      `${name} must be a tree size (a whole number), got "${value}"`,
    );
  return Number(value);
}

/** Inclusion and consistency proofs over the anchored heads of the log, for regulators and auditors (any role). */
@ApiTags('proofs')
@ApiBearerAuth()
@Controller()
export class ProofsController {
  constructor(private readonly log: LogRepository) {}

  @Get('proofs/:eventHash')
  @ApiOperation({
    summary:
      'Inclusion proof of a logged entry in the newest anchored head, with its Fabric anchor: an EPCIS event by its GS1 ' +
      'event hash ID, an error declaration by its declaration hash, an excursion or recall notice by the ni:///sha-256 ' +
      'name of its canonical JSON (any of them also as 64 hex digits)',
  })
  @ApiParam({
    name: 'eventHash',
    description: 'GS1 event hash ID, ni:///sha-256;<hex> or 64 hex digits',
    example: 'ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69?ver=CBV2.0',
  })
  @ApiResponse({
    status: 200,
    description: 'the inclusion proof bundle',
    content: bodyContent(inclusionProofBundleSchema),
  })
  @ApiResponse({ status: 400, description: 'not an event hash' })
  @ApiResponse({
    status: 404,
    description: 'the log has no leaf for this event hash, or no anchored head holds it yet',
  })
  async proof(@Param('eventHash') eventHash: string): Promise<InclusionProofBundle> {
    const entry = entryOfEventHash(eventHash);
    if (!entry) {
      throw problem(
        400,
        'invalid-event-hash',
        'Bad Request',
        `"${eventHash}" is not an event hash (ni:///sha-256;<hex>[?ver=CBV2.0] or 64 hex digits)`,
      );
    }
    const leaf = await this.log.leafByEntry(entry);
    if (!leaf)
      throw problem(
        404,
        'unknown-event-hash',
        'Not Found',
        `the log has no leaf for event hash ${eventHash}`,
      );
    const head = await this.log.newestAnchoredHead();
    if (!head || head.treeSize <= leaf.leafIndex) {
      throw problem(
        404,
        'not-yet-anchored',
        'Not Found',
        `the event is leaf ${leaf.leafIndex} of the log, but no anchored head contains it yet` +
          (head ? ` (the newest anchored head has ${head.treeSize} leaves)` : ' (nothing is anchored yet)'),
      );
    }
    const proof = await inclusionProof(this.log, leaf.leafIndex, head.treeSize);
    return {
      eventHash: leaf.eventHash,
      kind: leaf.kind,
      entry: leaf.entry,
      leafHash: leaf.leafHash,
      leafIndex: leaf.leafIndex,
      treeSize: head.treeSize,
      rootHash: head.rootHash,
      auditPath: [...proof.path],
      anchor: anchorOf(head),
    };
  }

  @Get('heads')
  @ApiOperation({ summary: 'Anchored heads of the log, newest first (Link rel="next" for the next page)' })
  @ApiQuery({
    name: 'limit',
    required: false,
    description: `page size, at most ${MAX_PAGE} (default ${DEFAULT_PAGE})`,
    schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE, example: 10 },
  })
  @ApiQuery({
    name: 'before',
    required: false,
    description: 'only heads smaller than this tree size',
    schema: { type: 'integer', minimum: 0 },
  })
  @ApiResponse({
    status: 200,
    description: 'anchored heads, newest first; Link rel="next" and `next` when there are more',
    content: bodyContent(headsPageSchema),
  })
  @ApiResponse({ status: 400, description: 'limit or before is not a tree size, or limit is out of range' })
  async heads(
    @Query('limit') limitText: string | undefined,
    @Query('before') beforeText: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HeadsPage> {
    const limit = treeSizeParameter('limit', limitText, { required: false }) ?? DEFAULT_PAGE;
    if (limit < 1 || limit > MAX_PAGE)
      throw problem(400, 'invalid-parameter', 'Bad Request', `limit must be between 1 and ${MAX_PAGE}`);
    const before = treeSizeParameter('before', beforeText, { required: false });
    const rows = await this.log.anchoredHeads(limit + 1, before);
    const page = rows.slice(0, limit);
    const next =
      rows.length > limit ? `/heads?limit=${limit}&before=${page[page.length - 1]!.treeSize}` : undefined;
    if (next) void reply.header('link', `<${next}>; rel="next"`);
    return { heads: page.map(headView), ...(next ? { next } : {}) };
  }

  @Get('consistency')
  @ApiOperation({
    summary: 'Consistency proof between two anchored heads (from ≤ to): the larger log extends the smaller',
  })
  @ApiQuery({
    name: 'from',
    required: true,
    description: 'tree size of the smaller anchored head',
    schema: { type: 'integer', minimum: 0, example: 1 },
  })
  @ApiQuery({
    name: 'to',
    required: true,
    description: 'tree size of the larger anchored head',
    schema: { type: 'integer', minimum: 0, example: 2 },
  })
  @ApiResponse({
    status: 200,
    description: 'the consistency proof and both heads',
    content: bodyContent(consistencyProofAnswerSchema),
  })
  @ApiResponse({ status: 400, description: 'from or to is missing or not a tree size, or from > to' })
  @ApiResponse({ status: 404, description: 'no anchored head has one of the tree sizes' })
  async consistency(
    @Query('from') fromText: string | undefined,
    @Query('to') toText: string | undefined,
  ): Promise<ConsistencyProofAnswer> {
    const from = treeSizeParameter('from', fromText, { required: true })!;
    const to = treeSizeParameter('to', toText, { required: true })!;
    if (from > to)
      throw problem(
        400,
        'invalid-parameter',
        'Bad Request',
        `from (${from}) must not be larger than to (${to})`,
      );
    const [first, second] = await Promise.all([this.log.anchoredHead(from), this.log.anchoredHead(to)]);
    for (const [size, head] of [
      [from, first],
      [to, second],
    ] as const) {
      if (!head) throw problem(404, 'unknown-head', 'Not Found', `no anchored head has tree size ${size}`);
    }
    const proof = await consistencyProof(this.log, from, to);
    return {
      firstSize: from,
      secondSize: to,
      firstRoot: first!.rootHash,
      secondRoot: second!.rootHash,
      path: [...proof.path],
      first: headView(first!),
      second: headView(second!),
    };
  }
}
