import { gs1StandardsPath } from '@pedigree/gs1';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  documentEvents,
  eventHash,
  namespacesFromJsonLdContext,
  validateEpcisDocument,
  type AnyEpcisDocument,
} from '@pedigree/epcis';
import { machineSummary, median, timeRuns } from './report';

// Validate + hash throughput on the GS1 reference examples scaled up: every event of every example, repeated with
// fresh serial numbers so that no cache sees the same identifier twice. Single-threaded (one core).
const EXAMPLES = gs1StandardsPath('gs1-epcis/examples');
const TARGET_EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);

function withFreshSerials(doc: AnyEpcisDocument, round: number): AnyEpcisDocument {
  const text = JSON.stringify(doc).replace(
    /(urn:epc:id:sgtin:[\d.]+\.|\/21\/)([^"/?]+)/g,
    (_m, head: string, serial: string) => `${head}${serial}r${round}`,
  );
  return JSON.parse(text) as AnyEpcisDocument;
}

const documents = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.jsonld') && !f.startsWith('EPCISQueryDocument'))
  .map((f) => JSON.parse(readFileSync(path.join(EXAMPLES, f), 'utf8')) as AnyEpcisDocument);
const eventsPerRound = documents.reduce((n, d) => n + documentEvents(d).length, 0);
const rounds = Math.ceil(TARGET_EVENTS / eventsPerRound);
const batches = (offset: number) =>
  Array.from({ length: rounds }, (_, r) => documents.map((d) => withFreshSerials(d, offset + r))).flat();

let offset = 0;
let hashed = 0;
const durations = timeRuns(5, () => {
  const docs = batches((offset += rounds));
  for (const doc of docs) {
    const result = validateEpcisDocument(doc);
    if (!result.valid) throw new Error(`benchmark input invalid: ${JSON.stringify(result.problems[0])}`);
    const namespaces = namespacesFromJsonLdContext((doc as unknown as Record<string, unknown>)['@context']);
    for (const event of documentEvents(doc)) {
      eventHash(event as unknown as Record<string, unknown>, namespaces);
      hashed++;
    }
  }
});
const events = rounds * eventsPerRound;
const perSecond = events / median(durations);
console.log(
  JSON.stringify({
    benchmark: 'epcis validate + hash',
    events,
    runs: durations.length,
    medianSeconds: Number(median(durations).toFixed(3)),
    eventsPerSecond: Math.round(perSecond),
    goalEventsPerSecond: 20000,
    ratioToGoal: Number((perSecond / 20000).toFixed(2)),
    hashedTotal: hashed,
    machine: machineSummary(),
  }),
);
