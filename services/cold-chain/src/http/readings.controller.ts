import { Controller, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles, type Principal } from '@pedigree/auth';
import { readingBatchSchema, type Topics } from '@pedigree/contracts';
import type { DatabaseHandle } from '@pedigree/database';
import { EnvelopeProducer } from '@pedigree/kafka';
import {
  ApiRequestContent,
  bodyContent,
  DATABASE,
  openApiSchema,
  SERVICE_CONFIG,
  TOPICS,
} from '@pedigree/service-runtime';
import type { ColdChainConfig } from '../config';
import { loggerKey } from '../ingest/translate';
import { readingsAcceptedSchema } from './answers';
import { forbidden, readingsProblem, unsupportedMediaType } from './problems';
import {
  chunkBatches,
  parseReadingsCsv,
  parseReadingsJson,
  ReadingsInputError,
  type ReadingBatch,
  type ReadingsInputOptions,
} from '@pedigree/temperature';

/** The coldchain.readings.v1 payload (libs/contracts), as a request body. */
const BATCH_SCHEMA = openApiSchema(readingBatchSchema.omit({ sentBy: true }));

const READING_EXAMPLE = {
  loggerId: 'urn:epc:id:giai:0614141.LOGGER-17',
  subject: 'urn:epc:id:sscc:0614141.1234567890',
  readings: [{ time: '2026-03-02T10:00:00Z', type: 'Temperature', value: 5.2, uom: 'CEL' }],
};

/** Temperature readings in, as data loggers and their gateways send them. */
@ApiTags('readings')
@Controller('readings')
export class ReadingsController {
  constructor(
    private readonly producer: EnvelopeProducer,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(SERVICE_CONFIG) private readonly config: ColdChainConfig,
    @Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles('manufacturer', 'distributor', 'dispenser', 'admin')
  @ApiOperation({
    summary:
      'Send readings: a batch {loggerId, subject?, readings} or an array of batches (JSON), or a logger’s CSV export (loggerId,time,value,uom with a header; `subject` as query parameter). 202 once Kafka acknowledged them; a bad row refuses the whole request.',
  })
  @ApiRequestContent({
    'application/json': {
      schema: { oneOf: [BATCH_SCHEMA, { type: 'array', items: BATCH_SCHEMA, minItems: 1 }] },
      example: READING_EXAMPLE,
    },
    'text/csv': {
      schema: { type: 'string' },
      example: 'loggerId,time,value,uom\nLOGGER-17,2026-03-02T10:00:00Z,5.2,CEL\n',
    },
  })
  @ApiQuery({
    name: 'subject',
    required: false,
    description: 'CSV only: the EPC (e.g. an SSCC) the loggers travel with',
  })
  @ApiResponse({ status: 202, description: 'stored in Kafka', content: bodyContent(readingsAcceptedSchema) })
  @ApiResponse({
    status: 400,
    description:
      'bad readings: `errors: [{row, field, message}]` (CSV: row = line, header = 1; JSON: row = the batch’s index, field = its path); nothing was kept',
  })
  @ApiResponse({ status: 403, description: 'a logger’s readings come from another party' })
  @ApiResponse({ status: 415, description: 'neither application/json nor text/csv' })
  async post(
    @Req() request: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
    @Query('subject') subject?: string,
  ): Promise<{ readings: number; batches: number }> {
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const text = typeof request.body === 'string' ? request.body : '';
    const options: ReadingsInputOptions = {
      now: new Date(),
      maxFutureMs: this.config.READINGS_MAX_FUTURE_SECONDS * 1000,
      maxReadings: this.config.READINGS_MAX_PER_REQUEST,
      maxAgeMs: this.config.READINGS_RETENTION_DAYS * 86_400_000,
    };
    let batches: ReadingBatch[];
    try {
      if (mediaType === 'application/json') batches = parseReadingsJson(text, options);
      else if (mediaType === 'text/csv')
        batches = parseReadingsCsv(text, subject === '' ? undefined : subject, options);
      else throw unsupportedMediaType('readings are application/json or text/csv');
    } catch (error) {
      if (error instanceof ReadingsInputError) throw readingsProblem(error.problems);
      throw error;
    }
    await this.claimLoggers(batches, principal);
    const messages = chunkBatches(batches, this.config.READINGS_PER_MESSAGE).map((batch) => ({
      key: loggerKey(batch.loggerId),
      payload: { ...batch, sentBy: principal.party },
    }));
    const count = batches.reduce((sum, b) => sum + b.readings.length, 0);
    // A few readings are published apart from bulk uploads, so that they do not wait behind their backlog.
    const topic =
      count <= this.config.READINGS_PRIORITY_MAX_PER_REQUEST
        ? this.topics.coldchainReadingsPriority
        : this.topics.coldchainReadings;
    await this.producer.publish(topic, messages);
    return { readings: count, batches: messages.length };
  }

  /** A logger's readings come from one party: the first to send them (an admin may send anyone's). */
  private async claimLoggers(batches: readonly ReadingBatch[], principal: Principal): Promise<void> {
    const loggers = [...new Set(batches.map((b) => loggerKey(b.loggerId)))];
    await this.database.pool.query(
      `INSERT INTO loggers (logger_id, owner) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`,
      [loggers, principal.party],
    );
    if (principal.roles.includes('admin')) return;
    const { rows } = await this.database.pool.query<{ logger_id: string }>(
      `SELECT logger_id FROM loggers WHERE logger_id = ANY($1::text[]) AND owner <> $2 ORDER BY logger_id`,
      [loggers, principal.party],
    );
    if (rows.length > 0)
      throw forbidden(`the readings of ${rows.map((r) => r.logger_id).join(', ')} come from another party`);
  }
}
