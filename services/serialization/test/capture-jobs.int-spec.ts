import { randomUUID } from 'node:crypto';
import { PARTIES, SerializationUnderTest } from './harness';

describe('serialization service: capture jobs end (real PostgreSQL)', () => {
  const sut = new SerializationUnderTest();
  let manufacturer: string;

  beforeAll(async () => {
    await sut.start({ CAPTURE_JOB_TIMEOUT_SECONDS: '60' });
    manufacturer = await sut.token('manufacturer', ['manufacturer']);
  });
  afterAll(() => sut.stop());

  /** A job as a request killed mid-flight leaves it: started `age` ago, still running. */
  async function runningJob(age: string): Promise<string> {
    const captureId = randomUUID();
    await sut.db.query(
      `INSERT INTO capture_jobs (capture_id, captured_by, created_at, running, success, capture_error_behaviour,
                                 event_count, errors, warnings)
       VALUES ($1, $2, now() - $3::interval, true, true, 'rollback', 1, '[]', '[]')`,
      [captureId, PARTIES.manufacturer.party, age],
    );
    return captureId;
  }

  const job = async (captureId: string) => {
    const response = await sut.get(`/capture/${captureId}`, manufacturer, 'application/json');
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };

  it('reports a job running for longer than CAPTURE_JOB_TIMEOUT_SECONDS failed, and keeps it failed', async () => {
    const captureId = await runningJob('61 seconds');
    const first = await job(captureId);
    expect(first).toMatchObject({
      running: false,
      success: false,
      errors: [{ type: 'epcisException:ImplementationException', title: 'capture interrupted' }],
    });
    expect(typeof first['finishedAt']).toBe('string');
    expect(await job(captureId)).toEqual(first);
    const { rows } = await sut.db.query('SELECT running, success FROM capture_jobs WHERE capture_id = $1', [
      captureId,
    ]);
    expect(rows).toEqual([{ running: false, success: false }]);
  });

  it('reports a job within the timeout still running', async () => {
    const captureId = await runningJob('5 seconds');
    expect(await job(captureId)).toMatchObject({ running: true, success: true, errors: [] });
  });
});
