import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@pedigree/auth';
import type { PayloadOf, Topics } from '@pedigree/contracts';
import {
  documentEventHashes,
  EPCIS_CONTEXT_URI,
  documentEvents,
  EpcisException,
  type EpcisProblem,
  eventListPointer,
  jsonPointer,
  namespacesFromJsonLdContext,
  parseEpcisJson,
  parseEpcisXml,
  validateEpcisDocument,
  type AnyEpcisDocument,
  type EpcisEvent,
} from '@pedigree/epcis';
import { EnvelopeProducer } from '@pedigree/kafka';
import { pedigreeMetrics } from '@pedigree/observability';
import { LOGGER, SERVICE_CONFIG, TOPICS, type Logger } from '@pedigree/service-runtime';
import type { SerializationConfig } from '../config';
import { epcisProblem, fromEpcisException } from '../epcis-problems';
import { AgentAppointmentRepository } from '../agents/agent-appointment.repository';
import { CaptureJobRepository, type CaptureJob } from './capture-job.repository';
import { commissioningViolations, errorDeclarationViolations } from './capture-policy';

export type CaptureFormat = 'json' | 'xml';

export interface CaptureOptions {
  /** Refuse the document when validation has warnings too, not only errors (POST /capture?strict=true). */
  strict?: boolean;
}

/**
 * Capture: parse (JSON-LD or XML 2.0/1.2), validate, authorise, hash, and publish every event to Kafka. The job is
 * reported successful only once Kafka acknowledged every event; a document that fails any check publishes nothing.
 * Validation warnings do not stop a capture (unless it is strict): they are kept on the capture job.
 */
@Injectable()
export class CaptureService {
  constructor(
    private readonly jobs: CaptureJobRepository,
    private readonly producer: EnvelopeProducer,
    @Inject(SERVICE_CONFIG) private readonly config: SerializationConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(AgentAppointmentRepository)
    private readonly appointments: Pick<AgentAppointmentRepository, 'principalsOf'>,
  ) {}

  async parse(text: string, format: CaptureFormat): Promise<AnyEpcisDocument> {
    try {
      return format === 'xml' ? await parseEpcisXml(text) : parseEpcisJson(text);
    } catch (error) {
      if (error instanceof EpcisException) throw fromEpcisException(error);
      throw error;
    }
  }

  /** Wraps a single event (POST /events) in an EPCIS document so it takes the same path as a document. */
  wrapEvent(event: Record<string, unknown>): AnyEpcisDocument {
    const { '@context': context, ...rest } = event;
    return {
      '@context': context ?? EPCIS_CONTEXT_URI,
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: new Date().toISOString(),
      epcisBody: { eventList: [rest] },
    } as unknown as AnyEpcisDocument;
  }

  /**
   * Everything capture checks and computes before publishing, without publishing: the document validated whole (its
   * warnings returned; with `strict` they refuse it), the capturer authorised, and one message payload per event (GS1
   * event hash, `eventID` defaulting to it).
   */
  prepare(
    document: AnyEpcisDocument,
    principal: Principal,
    capture: { captureId: string; recordTime: string; appointedBy?: readonly string[] },
    { strict = false }: CaptureOptions = {},
  ): { payloads: Array<PayloadOf<Topics['epcisEvents']>>; warnings: EpcisProblem[] } {
    const events = documentEvents(document);
    if (events.length > this.config.CAPTURE_MAX_EVENTS) {
      throw epcisProblem(
        'CaptureLimitExceededException',
        413,
        `the document has ${events.length} events; at most ${this.config.CAPTURE_MAX_EVENTS} are accepted per capture`,
      );
    }
    const validation = validateEpcisDocument(document, { strict });
    if (!validation.valid) {
      throw epcisProblem(
        'ValidationException',
        400,
        `${validation.problems.length} problem(s) in the document`,
        validation.problems,
      );
    }
    const violations = commissioningViolations(principal, document, eventListPointer(document));
    if (violations.length > 0) {
      throw epcisProblem(
        'SecurityException',
        403,
        `party ${principal.party} may not commission these identifiers`,
        violations,
      );
    }

    const hashes = documentEventHashes(document);
    const appointedBy = capture.appointedBy ?? [];
    const namespaces = namespacesFromJsonLdContext(document['@context']);
    const payloads = events.map((event, i) => {
      const record: EpcisEvent = {
        ...event,
        recordTime: capture.recordTime,
        eventID: event.eventID ?? hashes[i],
      };
      return {
        eventHash: hashes[i]!,
        captureId: capture.captureId,
        capturedBy: principal.party,
        ...(principal.roles.includes('admin') ? { capturedByAdmin: true } : {}),
        capturedByRoles: [...principal.roles],
        capturedByGcps: [...principal.gcps],
        ...(appointedBy.length > 0 ? { appointedBy: [...appointedBy] } : {}),
        recordTime: capture.recordTime,
        namespaces,
        event: record,
      };
    });
    this.checkEventSizes(payloads, eventListPointer(document));
    return { payloads, warnings: validation.warnings };
  }

  /** Refuses the capture when an event's message would exceed CAPTURE_MAX_EVENT_BYTES (Kafka refuses larger ones). */
  private checkEventSizes(
    payloads: ReadonlyArray<PayloadOf<Topics['epcisEvents']>>,
    listPointer: string,
  ): void {
    const limit = this.config.CAPTURE_MAX_EVENT_BYTES;
    const oversized = payloads.flatMap((payload, index) => {
      const bytes = Buffer.byteLength(JSON.stringify(payload));
      return bytes > limit
        ? [
            {
              pointer: jsonPointer(listPointer, index),
              message: `the event has ${bytes} bytes; at most ${limit}`,
            },
          ]
        : [];
    });
    if (oversized.length > 0) {
      throw epcisProblem(
        'CaptureLimitExceededException',
        413,
        `${oversized.length} event(s) exceed ${limit} bytes, the most accepted per event`,
        oversized,
      );
    }
  }

  /** 403 for a declaration of an event another party captured, when that event is already stored. */
  private async refuseForeignErrorDeclarations(
    document: AnyEpcisDocument,
    principal: Principal,
    payloads: ReadonlyArray<PayloadOf<Topics['epcisEvents']>>,
  ): Promise<void> {
    const declarations = payloads
      .map(({ eventHash, event }, index) => ({
        index,
        eventHash,
        declared: event.errorDeclaration !== undefined,
      }))
      .filter((d) => d.declared);
    if (declarations.length === 0) return;
    const capturers = await this.jobs.capturersOf(declarations.map((d) => d.eventHash));
    const violations = errorDeclarationViolations(
      principal,
      declarations,
      capturers,
      eventListPointer(document),
    );
    if (violations.length > 0) {
      throw epcisProblem(
        'SecurityException',
        403,
        `party ${principal.party} may not declare events of other parties in error`,
        violations,
      );
    }
  }

  /**
   * 409 ResourceAlreadyExistsException for an event whose eventID is already captured or given earlier in the
   * document — another event or the same one again (GS1 guidance, gs1/EPCIS#403; ADR 0020). An error declaration
   * repeats its event's eventID by definition (EPCIS 2.0 §7.4.1.2) and is never refused for it. Only eventIDs the
   * capturer gave are recorded; events without one are stored once by their GS1 event hash.
   */
  private async refuseTakenEventIds(
    document: AnyEpcisDocument,
    payloads: ReadonlyArray<PayloadOf<Topics['epcisEvents']>>,
    captureId: string,
  ): Promise<void> {
    const given = documentEvents(document);
    const listPointer = eventListPointer(document);
    const problems: EpcisProblem[] = [];
    const inDocument = new Set<string>();
    const ids: Array<{ eventId: string; eventHash: string; index: number }> = [];
    payloads.forEach(({ eventHash, event }, index) => {
      const eventId = given[index]?.eventID;
      if (typeof eventId !== 'string' || event.errorDeclaration !== undefined) return;
      if (inDocument.has(eventId))
        problems.push({
          pointer: jsonPointer(jsonPointer(listPointer, index), 'eventID'),
          message: `eventID ${eventId} is given to an event earlier in the document`,
        });
      inDocument.add(eventId);
      ids.push({ eventId, eventHash, index });
    });
    if (problems.length === 0) {
      const taken = new Set((await this.jobs.reserveEventIds(captureId, ids)).map((t) => t.eventId));
      for (const { eventId, index } of ids)
        if (taken.has(eventId))
          problems.push({
            pointer: jsonPointer(jsonPointer(listPointer, index), 'eventID'),
            message: `eventID ${eventId} is already captured`,
          });
    }
    if (problems.length > 0)
      throw epcisProblem(
        'ResourceAlreadyExistsException',
        409,
        `${problems.length} event(s) carry an eventID already captured; an error declaration (errorDeclaration) is how a captured event is corrected`,
        problems,
      );
  }

  async capture(
    document: AnyEpcisDocument,
    principal: Principal,
    options: CaptureOptions = {},
  ): Promise<{ job: CaptureJob; eventHashes: string[]; eventIds: string[] }> {
    const captureId = randomUUID();
    // Read before the record time is taken: an appointment in force when the event is recorded counts (ADR 0023).
    const appointedBy = await this.appointments.principalsOf(principal.party);
    const { payloads, warnings } = this.prepare(
      document,
      principal,
      { captureId, recordTime: new Date().toISOString(), appointedBy },
      options,
    );
    await this.refuseForeignErrorDeclarations(document, principal, payloads);
    await this.refuseTakenEventIds(document, payloads, captureId);
    await this.jobs.start(captureId, principal.party, payloads.length, warnings);
    try {
      await this.producer.publish(
        this.topics.epcisEvents,
        payloads.map((payload) => ({ key: captureId, payload })),
      );
      pedigreeMetrics().capturedEvents.add(payloads.length);
    } catch (error) {
      this.logger.error({ err: error, captureId }, 'capture could not be published to Kafka');
      await this.jobs.releaseEventIds(captureId);
      await this.jobs.fail(captureId, [
        {
          type: 'epcisException:ImplementationException',
          title: 'events could not be stored',
          detail: (error as Error).message,
        },
      ]);
      throw epcisProblem(
        'ImplementationException',
        503,
        `capture ${captureId} failed: the event log is unavailable; retry later`,
      );
    }
    return {
      job: await this.jobs.succeed(captureId),
      eventHashes: payloads.map((p) => p.eventHash),
      eventIds: payloads.map((p) => String(p.event.eventID)),
    };
  }
}
