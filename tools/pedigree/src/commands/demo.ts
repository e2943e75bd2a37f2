import type { Command } from 'commander';
import {
  DEV_AUDIENCE,
  DEV_ISSUER,
  devIssuerDirectory,
  ensureDevIssuerKeys,
  signAccessToken,
  type Role,
} from '@pedigree/auth';
import {
  demoDocument,
  demoStory,
  DISTRIBUTORS,
  MANUFACTURER,
  PHARMACIES,
  PRODUCTS,
  RECALLED,
  type DemoParty,
} from '../demo/story';
import { ExitCode, type CliIo } from '../io';

interface DemoOptions {
  serialization: string;
  coldChain: string;
  recall: string;
  packs: string;
  keyDir?: string;
  timeout: string;
}

/** Events per capture request: well under the service's CAPTURE_MAX_EVENTS and byte limit. */
const EVENTS_PER_CAPTURE = 500;
const REGULATOR = { gln: '4000001000005' };

class DemoApi {
  constructor(
    private readonly io: CliIo,
    private readonly deadline: number,
  ) {}

  async call(method: string, url: string, token: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new DemoError(`cannot reach ${url} (${cause}): is the platform up (scripts/up.sh)?`);
    }
  }

  async json<T>(
    method: string,
    url: string,
    token: string,
    body?: unknown,
    expected = [200, 201],
  ): Promise<T> {
    const response = await this.call(method, url, token, body);
    if (!expected.includes(response.status))
      throw new DemoError(`${method} ${url} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Polls `read` until `done` holds, printing `what` while it waits; fails at the deadline. */
  async until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > this.deadline) throw new DemoError(`timed out waiting for ${what}`);
      if (attempt % 10 === 0) this.io.stderr(`  waiting for ${what}…\n`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

class DemoError extends Error {}

async function tokens(keyDir: string | undefined) {
  const keys = await ensureDevIssuerKeys(keyDir ?? devIssuerDirectory());
  const sign = (party: string, roles: Role[], gcp: string[], sub = `demo:${party}`) =>
    signAccessToken({ sub, party, roles, gcp }, keys.privateJwk, {
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      ttlSeconds: 3600,
    });
  const of = (party: DemoParty) => sign(party.gln, [party.role], [party.gcp]);
  return {
    of,
    regulator: await sign(REGULATOR.gln, ['regulator'], []),
    /** A second user of the manufacturer: approves the recall its colleague created (four eyes). */
    qualityAssurance: await sign(MANUFACTURER.gln, ['manufacturer'], [MANUFACTURER.gcp], 'demo:qa'),
  };
}

/**
 * `pedigree demo load`: fills a running platform, through its public APIs only, with the demo story (story.ts) and a
 * recall of one lot under way with two pharmacies' responses. Loading again stores nothing twice: the events are
 * the same (the services keep one copy per event hash) and the recall is created only if it is not there.
 */
async function loadDemo(options: DemoOptions, io: CliIo): Promise<void> {
  const packs = Number(options.packs);
  if (!Number.isInteger(packs) || packs < 1 || packs > 1_000_000)
    throw new DemoError(`--packs must be a whole number from 1 to 1000000, got "${options.packs}"`);
  const timeoutSeconds = Number(options.timeout);
  if (!(timeoutSeconds > 0)) throw new DemoError(`--timeout must be a positive number of seconds`);
  const api = new DemoApi(io, Date.now() + timeoutSeconds * 1000);
  const serialization = options.serialization.replace(/\/$/, '');
  const recall = options.recall.replace(/\/$/, '');
  const coldChain = options.coldChain.replace(/\/$/, '');
  const token = await tokens(options.keyDir);
  const story = demoStory(packs);
  const eventCount = story.captures.reduce((n, c) => n + c.events.length, 0);
  io.stdout(
    `Demo: ${story.packCount} packs of ${PRODUCTS.length} products in ${story.cases.length} cases and ` +
      `${story.pallets.length} pallets; ${eventCount} events by ${1 + DISTRIBUTORS.length + PHARMACIES.length} parties\n`,
  );

  let captured = 0;
  for (const capture of story.captures) {
    const partyToken = await token.of(capture.by);
    for (let i = 0; i < capture.events.length; i += EVENTS_PER_CAPTURE) {
      const events = capture.events.slice(i, i + EVENTS_PER_CAPTURE);
      const response = await api.call('POST', `${serialization}/capture`, partyToken, demoDocument(events));
      if (response.status !== 202)
        throw new DemoError(
          `capture of ${capture.what} answered ${response.status}: ${await response.text()}`,
        );
      const location = response.headers.get('location') ?? '';
      const job = await api.until(
        `capture job ${location}`,
        () =>
          api.json<{ running: boolean; success: boolean; errors?: unknown[] }>(
            'GET',
            `${serialization}${location}`,
            partyToken,
          ),
        (j) => !j.running,
      );
      if (!job.success)
        throw new DemoError(`capture of ${capture.what} failed: ${JSON.stringify(job.errors)}`);
      captured += events.length;
      io.stdout(`  captured ${captured}/${eventCount}: ${capture.what}\n`);
    }
  }

  // Every lot in the recall service's projection, to the last dispensing, before the readings: a recall candidate is
  // opened for an excursion whose packs have moved on, which the recall service judges when the excursion arrives.
  type Distribution = {
    commissioned: number;
    holders: Array<{ holder: string | null; dispensed: number; destroyed: number }>;
  };
  const sum = (d: Distribution, key: 'dispensed' | 'destroyed') => d.holders.reduce((n, h) => n + h[key], 0);
  for (const product of PRODUCTS) {
    for (const { lot } of product.lots) {
      const lotPacks = story.cases.filter((c) => c.lot === lot).flatMap((c) => c.packs);
      const dispensed = lotPacks.filter((epc) => story.dispensed.has(epc)).length;
      const destroyed = lotPacks.filter((epc) => story.destroyed.has(epc)).length;
      await api.until(
        `the recall service to project lot ${lot} (${lotPacks.length} packs, ${dispensed} dispensed)`,
        () =>
          api.json<Distribution>(
            'GET',
            `${recall}/lots/${product.gtin}/${lot}/distribution`,
            token.regulator,
          ),
        (d) =>
          d.commissioned === lotPacks.length &&
          sum(d, 'dispensed') === dispensed &&
          sum(d, 'destroyed') === destroyed,
      );
    }
  }

  const manufacturer = await token.of(MANUFACTURER);
  const refrigerated = PRODUCTS.find((p) => p.refrigerated)!;
  await api.json('PUT', `${coldChain}/profiles/${refrigerated.gtin}`, manufacturer, {
    storage: 'refrigerated',
  });
  const readings = await api.json<{ readings: number }>(
    'POST',
    `${coldChain}/readings`,
    manufacturer,
    story.loggers,
    [202],
  );
  io.stdout(
    `  sent ${readings.readings} readings of ${story.loggers.length} loggers on the ${refrigerated.name} pallets\n`,
  );
  type Excursions = { excursions: Array<{ id: string; severity: string; status: string }> };
  const [excursion] = (
    await api.until(
      'the cold-chain service to find the warm truck’s excursion',
      () =>
        api.json<Excursions>(
          'GET',
          `${coldChain}/excursions?gtin=${refrigerated.gtin}&severity=critical`,
          manufacturer,
        ),
      (e) => e.excursions.length > 0,
    )
  ).excursions;
  io.stdout(`  excursion ${excursion!.id}: ${excursion!.severity}, packs ${excursion!.status}\n`);

  type Recall = { id: string; status: string; gtin: string; lots: string[]; reason: string };
  const { recalls } = await api.json<{ recalls: Recall[] }>(
    'GET',
    `${recall}/recalls?limit=1000`,
    manufacturer,
  );
  const existing = recalls.find((r) => r.gtin === RECALLED.gtin && r.reason === RECALLED.reason);
  if (existing !== undefined) {
    io.stdout(`Recall of lot ${RECALLED.lot} already loaded: ${existing.id} (${existing.status})\n`);
  } else {
    const created = await api.json<Recall>('POST', `${recall}/recalls`, manufacturer, {
      gtin: RECALLED.gtin,
      lots: [RECALLED.lot],
      classification: 'class-II',
      depth: 'retail',
      reason: RECALLED.reason,
      effectivenessCheckLevel: 'B',
    });
    await api.json('POST', `${recall}/recalls/${created.id}/approve`, token.qualityAssurance);
    const consignees = [...new Set(story.cases.filter((c) => c.lot === RECALLED.lot).map((c) => c.pharmacy))];
    for (const pharmacy of consignees.slice(0, 2)) {
      await api.json('POST', `${recall}/recalls/${created.id}/responses`, await token.of(pharmacy), {
        acknowledged: true,
        unitsOnHand: 0,
        note: `${pharmacy.name}: stock quarantined and returned`,
      });
    }
    io.stdout(`Recall of lot ${RECALLED.lot} issued: ${created.id}, two pharmacies responded\n`);
  }
  io.stdout(
    `Explore it (README, "Demo"): the manufacturer is ${MANUFACTURER.gln} (prefix ${MANUFACTURER.gcp}), ` +
      `products ${PRODUCTS.map((p) => p.gtin).join(', ')}, the recalled lot ${RECALLED.gtin}/${RECALLED.lot}\n`,
  );
}

export function registerDemoCommands(program: Command, io: CliIo): void {
  const demo = program.command('demo').description('The demo scenario');
  demo
    .command('load')
    .description(
      'Fill a running platform (scripts/up.sh) through its public APIs with the demo story: a manufacturer, two ' +
        'distributors, six pharmacies, ~20,000 packs in cases and pallets, shipping, receiving, dispensing, ' +
        'destructions, loggers on the refrigerated pallets with one excursion, and a recall of one lot under way; ' +
        'loading again stores nothing twice',
    )
    .option('--serialization <url>', 'the serialization service', 'http://127.0.0.1:3001')
    .option('--cold-chain <url>', 'the cold-chain service', 'http://127.0.0.1:3002')
    .option('--recall <url>', 'the recall service', 'http://127.0.0.1:3003')
    .option('--packs <n>', 'about how many packs (whole pallets of 1,000 across the three lots)', '20000')
    .option('--timeout <seconds>', 'give up waiting for the services after this long', '600')
    .option(
      '--key-dir <dir>',
      'the dev issuer key pair the services trust (default $PEDIGREE_CACHE/dev-issuer)',
    )
    .action(async (options: DemoOptions) => {
      try {
        await loadDemo(options, io);
      } catch (error) {
        if (!(error instanceof DemoError)) throw error;
        io.stderr(`pedigree demo load: ${error.message}\n`);
        throw new ExitCode(1);
      }
    });
}
