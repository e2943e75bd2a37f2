import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Principal } from '@pedigree/auth';
import { TOPICS } from '@pedigree/contracts';
import { parseEpcisJson, parseEpcisXml } from '@pedigree/epcis';
import { gs1StandardsPath } from '@pedigree/gs1';
import type { EnvelopeProducer } from '@pedigree/kafka';
import type { Logger } from '@pedigree/service-runtime';
import { ProblemException } from '@pedigree/service-runtime';
import type { SerializationConfig } from '../config';
import { captureJobDocument, strictParameter } from './capture-http';
import type { CaptureJob, CaptureJobRepository, CaptureWarning } from './capture-job.repository';
import { CaptureService } from './capture.service';

const admin: Principal = { subject: 'a', party: '0614141000005', roles: ['admin'], gcps: [] };
const allPossibleFields = path.join(gs1StandardsPath('gs1-epcis'), 'examples', 'all-possible-fields');
const example = (file: string) => readFileSync(path.join(allPossibleFields, file), 'utf8');

/** Keeps capture jobs in memory. */
class MemoryJobs {
  readonly jobs = new Map<string, CaptureJob>();
  /** Stored events: hash → capturer. */
  readonly stored = new Map<string, string>();

  async capturersOf(hashes: string[]) {
    return new Map(hashes.flatMap((hash) => (this.stored.has(hash) ? [[hash, this.stored.get(hash)!]] : [])));
  }

  readonly eventIds = new Map<string, { eventHash: string; captureId: string }>();

  async reserveEventIds(captureId: string, ids: Array<{ eventId: string; eventHash: string }>) {
    const taken = ids.filter((i) => {
      const held = this.eventIds.get(i.eventId);
      return held !== undefined && held.captureId !== captureId;
    });
    if (taken.length === 0)
      for (const i of ids)
        if (!this.eventIds.has(i.eventId)) this.eventIds.set(i.eventId, { ...i, captureId });
    return taken;
  }

  async releaseEventIds(captureId: string) {
    for (const [id, held] of this.eventIds) if (held.captureId === captureId) this.eventIds.delete(id);
  }

  async start(captureId: string, capturedBy: string, eventCount: number, warnings: CaptureWarning[] = []) {
    const job: CaptureJob = {
      captureId,
      capturedBy,
      createdAt: new Date('2026-01-01T00:00:00Z'),
      finishedAt: null,
      running: true,
      success: true,
      captureErrorBehaviour: 'rollback',
      eventCount,
      errors: [],
      warnings,
    };
    this.jobs.set(captureId, job);
    return job;
  }

  async fail(captureId: string) {
    const job = { ...this.jobs.get(captureId)!, running: false, success: false };
    this.jobs.set(captureId, job);
    return job;
  }

  async succeed(captureId: string) {
    const job = {
      ...this.jobs.get(captureId)!,
      running: false,
      finishedAt: new Date('2026-01-01T00:00:01Z'),
    };
    this.jobs.set(captureId, job);
    return job;
  }
}

function service(limits: Partial<SerializationConfig> = {}) {
  const jobs = new MemoryJobs();
  const published: unknown[] = [];
  const producer = {
    publish: async (_topic: string, messages: unknown[]) => void published.push(...messages),
  };
  const capture = new CaptureService(
    jobs as unknown as CaptureJobRepository,
    producer as unknown as EnvelopeProducer,
    { CAPTURE_MAX_EVENTS: 100, CAPTURE_MAX_EVENT_BYTES: 1_000_000, ...limits } as SerializationConfig,
    { error: () => undefined } as unknown as Logger,
    TOPICS,
    { principalsOf: async (agent: string) => (agent === admin.party ? ['4012345000009'] : []) },
  );
  return { capture, published, jobs };
}

async function refusal(promise: Promise<unknown>): Promise<ProblemException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProblemException) return error;
    throw error;
  }
  throw new Error('expected a ProblemException');
}

describe('CaptureService: validation warnings', () => {
  it.each(['object_event_all_possible_fields.jsonld', 'object_event_all_possible_fields.xml'])(
    'captures GS1 %s and keeps its warnings on the job',
    async (file) => {
      const { capture, published } = service();
      const text = example(file);
      const document = file.endsWith('.xml') ? await parseEpcisXml(text) : parseEpcisJson(text);
      const { job } = await capture.capture(document, admin);
      expect(published).toHaveLength(1);
      // The capturer is the appointed agent of one party: its events carry that principal (ADR 0023).
      expect(published[0]).toMatchObject({ payload: { appointedBy: ['4012345000009'] } });
      expect(job.success).toBe(true);
      expect(job.warnings).toContainEqual({
        pointer: '/epcisBody/eventList/0/sensorElementList/0/sensorReport/0/chemicalSubstance',
        message: 'a sensorReport names either a microorganism or a chemicalSubstance, not both',
      });
      expect(captureJobDocument(job).warnings).toEqual(job.warnings);
    },
  );

  it('refuses the same document in strict mode, listing the warnings as errors, and publishes nothing', async () => {
    const { capture, published } = service();
    const error = await refusal(
      capture.capture(parseEpcisJson(example('object_event_all_possible_fields.jsonld')), admin, {
        strict: true,
      }),
    );
    expect(error.problem).toMatchObject({ type: 'epcisException:ValidationException', status: 400 });
    expect(error.problem['errors']).toContainEqual({
      pointer: '/epcisBody/eventList/0/sensorElementList/0/sensorReport/0/meanValue',
      detail: 'meanValue 13.2 is below minValue 26',
    });
    expect(published).toEqual([]);
  });
});

describe('CaptureService: the limits of the store', () => {
  const objectEvent = (fields: Record<string, unknown>) =>
    captureDocument({
      type: 'ObjectEvent',
      eventTime: '2024-05-01T10:00:00Z',
      eventTimeZoneOffset: '+00:00',
      action: 'OBSERVE',
      epcList: ['urn:epc:id:sgtin:0614141.107346.2018'],
      ...fields,
    });

  it.each([
    ['a NUL character', { bizStep: 'shipping\u0000' }, '/epcisBody/eventList/0/bizStep'],
    ['year 0000', { eventTime: '0000-01-01T00:00:00Z' }, '/epcisBody/eventList/0/eventTime'],
    ['a 1 MB bizStep', { bizStep: 'x'.repeat(1 << 20) }, '/epcisBody/eventList/0/bizStep'],
  ])(
    'refuses %s with a 400 ValidationException naming the field, and publishes nothing',
    async (_, fields, pointer) => {
      const { capture, published } = service();
      const error = await refusal(capture.capture(objectEvent(fields), admin));
      expect(error.problem).toMatchObject({ type: 'epcisException:ValidationException', status: 400 });
      expect((error.problem['errors'] as Array<{ pointer: string }>).map((e) => e.pointer)).toContain(
        pointer,
      );
      expect(published).toEqual([]);
    },
  );

  it('refuses 10,000 levels of nesting with a 400 naming the depth limit, before hashing', async () => {
    const nested = `${'{"example:n":'.repeat(10_000)}"leaf"${'}'.repeat(10_000)}`;
    const text = JSON.stringify(objectEvent({ 'example:deep': 'NESTED' })).replace('"NESTED"', nested);
    const { capture, published } = service();
    const error = await refusal(capture.capture(parseEpcisJson(text), admin));
    expect(error.problem).toMatchObject({ type: 'epcisException:ValidationException', status: 400 });
    expect(error.problem['errors']).toEqual([
      expect.objectContaining({ detail: 'nests deeper than 32 levels, the most the store accepts' }),
    ]);
    expect(published).toEqual([]);
  });

  it('refuses an event over CAPTURE_MAX_EVENT_BYTES with a 413 naming the per-event limit', async () => {
    const { capture, published } = service({ CAPTURE_MAX_EVENT_BYTES: 50_000 });
    const epcList = Array.from({ length: 2000 }, (_, i) => `urn:epc:id:sgtin:0614141.107346.${i}`);
    const error = await refusal(capture.capture(objectEvent({ epcList }), admin));
    expect(error.problem).toMatchObject({
      type: 'epcisException:CaptureLimitExceededException',
      status: 413,
      detail: '1 event(s) exceed 50000 bytes, the most accepted per event',
    });
    expect(error.problem['errors']).toEqual([
      {
        pointer: '/epcisBody/eventList/0',
        detail: expect.stringMatching(/^the event has \d+ bytes; at most 50000$/),
      },
    ]);
    expect(published).toEqual([]);
  });
});

function captureDocument(event: Record<string, unknown>) {
  return parseEpcisJson(
    JSON.stringify({
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2024-05-01T11:00:00Z',
      epcisBody: { eventList: [event] },
    }),
  );
}

describe('CaptureService: error declarations (docs/authorisation.md)', () => {
  const manufacturer: Principal = {
    subject: 'm',
    party: '0614141000005',
    roles: ['manufacturer'],
    gcps: ['0614141'],
  };
  const distributor: Principal = { subject: 'd', party: '4012345000009', roles: ['distributor'], gcps: [] };
  const shipping = {
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime: '2026-03-02T10:00:00Z',
    eventTimeZoneOffset: '+00:00',
    epcList: ['urn:epc:id:sgtin:0614141.107346.1'],
    bizStep: 'shipping',
  };
  const declared = {
    ...shipping,
    errorDeclaration: { declarationTime: '2026-03-03T10:00:00Z', reason: 'incorrect_data' },
  };

  async function setUp() {
    const { capture, published, jobs } = service();
    const { eventHashes } = await capture.capture(capture.wrapEvent(shipping), manufacturer);
    jobs.stored.set(eventHashes[0]!, manufacturer.party);
    return { capture, published };
  }

  it('refuses another party’s declaration of a stored event with 403 SecurityException, publishing nothing', async () => {
    const { capture, published } = await setUp();
    const error = await refusal(capture.capture(capture.wrapEvent(declared), distributor));
    expect(error.problem).toMatchObject({ type: 'epcisException:SecurityException', status: 403 });
    expect(error.problem['errors']).toEqual([
      expect.objectContaining({ pointer: '/epcisBody/eventList/0/errorDeclaration' }),
    ]);
    expect(published).toHaveLength(1);
  });

  it.each([
    ['its capturer', manufacturer],
    ['an admin', admin],
  ])('captures the declaration by %s', async (_who, principal) => {
    const { capture, published } = await setUp();
    await capture.capture(capture.wrapEvent(declared), principal);
    expect(published).toHaveLength(2);
  });
});

describe('strictParameter', () => {
  it.each([
    [undefined, false],
    ['false', false],
    ['true', true],
  ])('%s → %s', (value, strict) => {
    expect(strictParameter(value)).toBe(strict);
  });

  it.each(['yes', '1', ['true', 'true']])('refuses %j with a 400 ValidationException', (value) => {
    expect(() => strictParameter(value)).toThrow(ProblemException);
    try {
      strictParameter(value);
    } catch (error) {
      expect((error as ProblemException).problem).toMatchObject({
        type: 'epcisException:ValidationException',
        status: 400,
      });
    }
  });
});

describe('CaptureService: eventIDs (ADR 0020)', () => {
  const manufacturer: Principal = {
    subject: 'm',
    party: '0614141000005',
    roles: ['manufacturer'],
    gcps: ['0614141'],
  };
  const event = (serial: number, eventID = 'urn:uuid:6a0c3f8e-0d1f-4d7e-9b7a-2f1e5a4b3c2d') => ({
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventID,
    eventTime: '2026-03-02T10:00:00Z',
    eventTimeZoneOffset: '+00:00',
    epcList: [`urn:epc:id:sgtin:0614141.107346.${serial}`],
    bizStep: 'shipping',
  });

  it('refuses another event under a captured eventID with 409, naming the eventID, publishing nothing', async () => {
    const { capture, published } = service();
    await capture.capture(capture.wrapEvent(event(1)), manufacturer);
    const error = await refusal(capture.capture(capture.wrapEvent(event(2)), manufacturer));
    expect(error.problem).toMatchObject({
      type: 'epcisException:ResourceAlreadyExistsException',
      status: 409,
    });
    expect(error.problem['errors']).toEqual([
      expect.objectContaining({ pointer: '/epcisBody/eventList/0/eventID' }),
    ]);
    expect(published).toHaveLength(1);
  });

  it('refuses the same event captured again under its eventID (GS1: 409) and accepts its error declaration', async () => {
    const { capture, published } = service();
    await capture.capture(capture.wrapEvent(event(1)), manufacturer);
    const again = await refusal(capture.capture(capture.wrapEvent(event(1)), manufacturer));
    expect(again.problem).toMatchObject({
      type: 'epcisException:ResourceAlreadyExistsException',
      status: 409,
    });
    const declaration = { declarationTime: '2026-03-03T10:00:00Z', reason: 'incorrect_data' };
    await capture.capture(capture.wrapEvent({ ...event(1), errorDeclaration: declaration }), manufacturer);
    await capture.capture(capture.wrapEvent({ ...event(1), errorDeclaration: declaration }), manufacturer);
    expect(published).toHaveLength(3);
  });

  it('refuses one event given twice in a document under its eventID', async () => {
    const { capture, published } = service();
    const document = capture.wrapEvent(event(1));
    (document.epcisBody as { eventList: unknown[] }).eventList.push(event(1));
    const error = await refusal(capture.capture(document, manufacturer));
    expect(error.problem['errors']).toEqual([
      expect.objectContaining({ pointer: '/epcisBody/eventList/1/eventID' }),
    ]);
    expect(published).toHaveLength(0);
  });

  it('refuses two different events with one eventID in a document', async () => {
    const { capture, published, jobs } = service();
    const document = capture.wrapEvent(event(1));
    (document.epcisBody as { eventList: unknown[] }).eventList.push(event(2));
    const error = await refusal(capture.capture(document, manufacturer));
    expect(error.problem).toMatchObject({ status: 409 });
    expect(error.problem['errors']).toEqual([
      expect.objectContaining({ pointer: '/epcisBody/eventList/1/eventID' }),
    ]);
    expect(published).toHaveLength(0);
    expect(jobs.eventIds.size).toBe(0);
  });

  it('forgets the eventIDs of a capture Kafka did not take, so that it can be captured again', async () => {
    const { capture, jobs } = service();
    const failing = new CaptureService(
      jobs as unknown as CaptureJobRepository,
      { publish: async () => Promise.reject(new Error('broker down')) } as unknown as EnvelopeProducer,
      { CAPTURE_MAX_EVENTS: 100, CAPTURE_MAX_EVENT_BYTES: 1_000_000 } as SerializationConfig,
      { error: () => undefined } as unknown as Logger,
      TOPICS,
      { principalsOf: async () => [] },
    );
    expect((await refusal(failing.capture(failing.wrapEvent(event(1)), manufacturer))).problem.status).toBe(
      503,
    );
    expect(jobs.eventIds.size).toBe(0);
    await capture.capture(capture.wrapEvent(event(2)), manufacturer);
    expect(jobs.eventIds.size).toBe(1);
  });
});
