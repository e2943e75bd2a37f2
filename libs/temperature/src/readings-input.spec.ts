import { chunkBatches, parseReadingsCsv, parseReadingsJson, ReadingsInputError } from './readings-input';

const options = { now: new Date('2026-03-02T00:00:00Z'), maxFutureMs: 300_000, maxReadings: 1000 };
const reading = { time: '2026-03-01T10:00:00Z', type: 'Temperature', value: 5, uom: 'CEL' };

function problemsOf(parse: () => unknown) {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ReadingsInputError);
    return (error as ReadingsInputError).problems;
  }
  throw new Error('expected a ReadingsInputError');
}

describe('parseReadingsJson', () => {
  it('takes one batch or an array of batches', () => {
    const batch = { loggerId: 'L1', subject: 'urn:epc:id:sscc:0614141.1234567890', readings: [reading] };
    expect(parseReadingsJson(JSON.stringify(batch), options)).toEqual([batch]);
    expect(parseReadingsJson(JSON.stringify([batch, { ...batch, loggerId: 'L2' }]), options)).toHaveLength(2);
  });

  it('names the batch and field of every problem', () => {
    const body = [
      { loggerId: 'L1', readings: [reading, { ...reading, uom: 'XXX' }, { ...reading, type: 'Humidity' }] },
      { loggerId: '', readings: [{ ...reading, time: '2026-03-02T01:00:00Z' }] },
      { loggerId: 'L3', readings: [{ ...reading, value: 'warm' }] },
    ];
    expect(problemsOf(() => parseReadingsJson(JSON.stringify(body), options))).toEqual([
      { row: 0, field: 'readings/1/uom', message: 'must be CEL, FAH or KEL' },
      { row: 0, field: 'readings/2/type', message: 'only Temperature readings are kept' },
      { row: 1, field: 'loggerId', message: expect.any(String) },
      { row: 2, field: 'readings/0/value', message: expect.any(String) },
    ]);
    expect(
      problemsOf(() =>
        parseReadingsJson(
          JSON.stringify([{ loggerId: 'L', readings: [{ ...reading, time: '2026-03-02T01:00:00Z' }] }]),
          options,
        ),
      ),
    ).toEqual([{ row: 0, field: 'readings/0/time', message: 'is in the future' }]);
    expect(problemsOf(() => parseReadingsJson('{', options))[0]!.message).toMatch(/^not JSON/);
    expect(problemsOf(() => parseReadingsJson('[]', options))[0]!.message).toBe('no batch');
  });
});

describe('parseReadingsCsv', () => {
  it('reads a logger export with a header, one batch per logger', () => {
    const csv =
      'time,loggerId,value,uom,battery\r\n2026-03-01T10:00:00Z,L1,5.5,CEL,90\r\n2026-03-01T10:01:00Z,L2,41,FAH,90\r\n"2026-03-01T10:02:00Z",L1,-1,CEL,90\r\n';
    expect(parseReadingsCsv(csv, 'SUBJ', options)).toEqual([
      {
        loggerId: 'L1',
        subject: 'SUBJ',
        readings: [
          { time: '2026-03-01T10:00:00Z', type: 'Temperature', value: 5.5, uom: 'CEL' },
          { time: '2026-03-01T10:02:00Z', type: 'Temperature', value: -1, uom: 'CEL' },
        ],
      },
      {
        loggerId: 'L2',
        subject: 'SUBJ',
        readings: [{ time: '2026-03-01T10:01:00Z', type: 'Temperature', value: 41, uom: 'FAH' }],
      },
    ]);
  });

  it('names the line and column of every bad row', () => {
    const csv = [
      'loggerId,time,value,uom',
      'L1,2026-03-01T10:00:00Z,5,CEL',
      'L1,yesterday,5,CEL',
      ',2026-03-01T10:00:00Z,,CEL',
      'L1,2026-03-01T10:00:00Z,5,C',
      'L1,2026-03-01T10:00:00,5,CEL',
    ].join('\n');
    expect(problemsOf(() => parseReadingsCsv(csv, undefined, options))).toEqual([
      { row: 3, field: 'time', message: 'must be an ISO 8601 date-time with an offset' },
      { row: 4, field: 'loggerId', message: 'is empty' },
      { row: 4, field: 'value', message: 'must be a number' },
      { row: 5, field: 'uom', message: 'must be CEL, FAH or KEL' },
      { row: 6, field: 'time', message: 'must be an ISO 8601 date-time with an offset' },
    ]);
  });

  it('refuses a header without the columns, and a file without readings', () => {
    expect(problemsOf(() => parseReadingsCsv('logger,time,value\n', undefined, options))).toEqual([
      { row: 1, field: 'loggerId', message: 'the header has no loggerId column' },
      { row: 1, field: 'uom', message: 'the header has no uom column' },
    ]);
    expect(
      problemsOf(() => parseReadingsCsv('loggerId,time,value,uom\n', undefined, options))[0]!.message,
    ).toBe('no readings');
  });

  it('refuses more readings than allowed in one request', () => {
    const csv = [
      'loggerId,time,value,uom',
      'L,2026-03-01T10:00:00Z,5,CEL',
      'L,2026-03-01T10:01:00Z,5,CEL',
    ].join('\n');
    expect(
      problemsOf(() => parseReadingsCsv(csv, undefined, { ...options, maxReadings: 1 }))[0]!.message,
    ).toMatch(/more than 1/);
  });
});

describe('identifiers and age', () => {
  it('refuses a logger id or subject that is too long or has spaces, and readings older than kept', () => {
    const batch = {
      loggerId: 'x'.repeat(201),
      subject: 'urn:epc:id:sscc:0614141 1234567890',
      readings: [reading],
    };
    expect(problemsOf(() => parseReadingsJson(JSON.stringify(batch), options))).toEqual([
      { row: 0, field: 'loggerId', message: 'is longer than 200 characters' },
      { row: 0, field: 'subject', message: 'must not contain spaces or control characters' },
    ]);
    expect(
      problemsOf(() =>
        parseReadingsCsv('loggerId,time,value,uom\nL,2026-03-01T10:00:00Z,5,CEL', 'has space', options),
      )[0],
    ).toMatchObject({ field: 'subject' });
    const old = { loggerId: 'L', readings: [{ ...reading, time: '2015-03-01T10:00:00Z' }] };
    expect(
      problemsOf(() =>
        parseReadingsJson(JSON.stringify(old), { ...options, maxAgeMs: 5 * 365 * 86_400_000 }),
      ),
    ).toEqual([{ row: 0, field: 'readings/0/time', message: 'is older than readings are kept' }]);
  });
});

describe('chunkBatches', () => {
  it('splits batches into messages of at most `size` readings', () => {
    const batch = { loggerId: 'L', readings: [reading, reading, reading] };
    expect(chunkBatches([batch], 2).map((b) => b.readings.length)).toEqual([2, 1]);
  });
});
