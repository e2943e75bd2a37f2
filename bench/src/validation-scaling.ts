import { validateEpcisDocument } from '@pedigree/epcis';
import { machineSummary, median, timeRuns } from './report';

// How validation time grows with the input: with the size of a valid event (EPCs in its epcList), with the number of
// invalid events (one unknown field each) and with the number of problems in one event (unknown fields, up to the
// store's limit of 1,000 fields per object). For each series the script prints the median time per run and per unit;
// `ratio` is the time per unit at the largest size over that at the smallest: about 1 when growth is linear (about
// 16 for a quadratic series over 16 times the size). Single-threaded (one core). The epcList sizes start above the
// 4,096 parsed EPC URIs that libs/epcis keeps, so that every run parses every EPC.
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'];

function objectEvent(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'ObjectEvent',
    eventTime: '2024-05-01T10:00:00.000+02:00',
    eventTimeZoneOffset: '+02:00',
    action: 'OBSERVE',
    bizStep: 'shipping',
    epcList: ['urn:epc:id:sgtin:0614141.107346.2018'],
    ...fields,
  };
}

function documentOf(events: unknown[]): Record<string, unknown> {
  return {
    '@context': CONTEXT,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2024-05-01T11:00:00Z',
    epcisBody: { eventList: events },
  };
}

const unknownFields = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`unknownField${i}`, i]));

interface Series {
  name: string;
  unit: string;
  sizes: number[];
  document: (size: number) => unknown;
  valid: boolean;
}

const series: Series[] = [
  {
    name: 'one valid event, growing epcList',
    unit: 'EPC',
    sizes: [5000, 10000, 20000, 40000, 80000],
    document: (n) =>
      documentOf([
        objectEvent({ epcList: Array.from({ length: n }, (_, i) => `urn:epc:id:sgtin:0614141.107346.${i}`) }),
      ]),
    valid: true,
  },
  {
    name: 'valid events',
    unit: 'event',
    sizes: [625, 1250, 2500, 5000, 10000],
    document: (n) => documentOf(Array.from({ length: n }, () => objectEvent())),
    valid: true,
  },
  {
    name: 'invalid events, one unknown field each',
    unit: 'event',
    sizes: [625, 1250, 2500, 5000, 10000],
    document: (n) => documentOf(Array.from({ length: n }, () => objectEvent(unknownFields(1)))),
    valid: false,
  },
  {
    name: 'one event, growing number of unknown fields (problems)',
    unit: 'field',
    sizes: [62, 125, 250, 500, 990],
    document: (n) => documentOf([objectEvent(unknownFields(n))]),
    valid: false,
  },
  {
    name: 'events with 990 unknown fields each',
    unit: 'event',
    sizes: [1, 2, 4, 8, 16],
    document: (n) => documentOf(Array.from({ length: n }, () => objectEvent(unknownFields(990)))),
    valid: false,
  },
];

for (const { name, unit, sizes, document, valid } of series) {
  const points = sizes.map((size) => {
    const doc = document(size);
    let problems = 0;
    const seconds = median(
      timeRuns(RUNS, () => {
        const result = validateEpcisDocument(doc);
        if (result.valid !== valid) throw new Error(`${name} ${size}: expected valid=${valid}`);
        problems = result.problems.length;
      }),
    );
    return {
      size,
      ms: Number((seconds * 1000).toFixed(2)),
      usPerUnit: Number(((seconds * 1e6) / size).toFixed(2)),
      problems,
    };
  });
  const first = points[0]!;
  const last = points.at(-1)!;
  console.log(
    JSON.stringify({
      benchmark: 'epcis validation scaling',
      series: name,
      unit,
      runs: RUNS,
      points,
      ratio: Number((last.usPerUnit / first.usPerUnit).toFixed(2)),
      sizeRatio: last.size / first.size,
      machine: machineSummary(),
    }),
  );
}
