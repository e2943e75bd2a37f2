// Every command of README.md's ```bash blocks runs here, in README order and in one shell (as a reader pastes them into
// one terminal), against services this test starts on databases, topics and a chaincode instance of their own. A
// command the README gains that is neither expected below nor listed in NOT_RUN fails the test, naming it.
import { execFileSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { migrateServiceDatabase } from '@pedigree/database';
import {
  DEV_AUDIENCE,
  DEV_ISSUER,
  devIssuerDirectory,
  ensureDevIssuerKeys,
  signAccessToken,
  type DevIssuerKeys,
} from '@pedigree/auth';
import {
  createTestDatabase,
  createTestTopics,
  eventually,
  kafkaBrokers,
  REPO_ROOT,
  startServiceProcess,
  testFabricNetwork,
  uniqueSuffix,
  waitForStatus,
  type RunningService,
} from '@pedigree/testing';
import { defineChaincode, fabricEnv } from '../../services/ledger-writer/test/harness';
import { bashCommands, relativeLinks, type ReadmeCommand } from './readme/readme-commands';
import { ShellSession, type CommandResult } from './readme/shell-session';
import { COMMISSIONING_HASH, createReadmeWorkspace, type ReadmeWorkspace } from './readme/working-directory';

const README = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const COMMANDS = bashCommands(README);
const STACK_SH = path.join(REPO_ROOT, 'scripts/stack.sh');

/** The commands a test cannot run, why, and how the test checks that they still exist. */
const NOT_RUN: Record<string, { reason: string; check: () => void }> = {
  'bash scripts/up.sh': {
    reason: 'starts the platform on the dev stack and stays up until Ctrl-C',
    check: () => {
      scriptIsValid('scripts/up.sh');
      // The README's URLs are up.sh's default ports; this test rewrites them to the services it starts.
      const upSh = readFileSync(path.join(REPO_ROOT, 'scripts/up.sh'), 'utf8');
      for (const [port, service] of Object.entries(README_PORTS))
        expect(upSh).toContain(`[${service}]=${port}`);
    },
  },
  'npx pedigree demo load': {
    reason:
      'loads ~21,000 packs into the platform (minutes); tests/integration/demo-load.int-spec.ts runs it at 3,000',
    check: () => {
      const help = execFileSync(
        process.execPath,
        [path.join(REPO_ROOT, 'tools/pedigree/bin/pedigree.js'), 'demo', 'load', '--help'],
        {
          encoding: 'utf8',
        },
      );
      expect(help).toContain('--packs');
    },
  },
  'bash scripts/test.sh': {
    reason: 'is the whole suite, this test included, and starts or stops the test stack',
    check: () => scriptIsValid('scripts/test.sh'),
  },
  'bash scripts/bench.sh': {
    reason: 'puts minutes of load on the machine (tests never assert timings)',
    check: () => {
      scriptIsValid('scripts/bench.sh');
      // An unknown benchmark stops it before it builds or starts anything; the message names those the README offers.
      const refused = runScript(['scripts/bench.sh', 'no-such-benchmark']);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(
        'epcis, validation, serialization, verification, coldstart, ledger, coldchain, recall, query or all',
      );
    },
  },
};

/** The ports of the README's URLs (scripts/up.sh's defaults) and the service this test starts for each. */
const README_PORTS = { 3001: 'serialization', 3003: 'recall', 3004: 'ledger-writer' } as const;
type ServiceName = (typeof README_PORTS)[keyof typeof README_PORTS];

function runScript(args: string[]): CommandResult {
  try {
    const stdout = execFileSync('bash', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: 'pipe' });
    return { status: 0, stdout, stderr: '' };
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    return { status: failed.status, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function scriptIsValid(script: string): void {
  expect(existsSync(path.join(REPO_ROOT, script))).toBe(true);
  expect(runScript(['-n', script])).toMatchObject({ status: 0, stderr: '' });
}

/** What the test knows while the README's story runs. */
interface Story {
  shell: ShellSession;
  workspace: ReadmeWorkspace;
  services: Record<ServiceName, RunningService>;
  chaincode: string;
  /** A token of the test's own (any role reads proofs; a regulator sees every event). */
  token: string;
}

interface Expectation {
  /** Exit status; 0 unless given. */
  status?: number;
  /** Text or patterns the standard output must show. */
  stdout?: Array<string | RegExp>;
  /** Waits, before the command, for what a reader waits for (the projection, the ledger). */
  before?: (story: Story) => Promise<void>;
  /** Checks what the command left behind (a variable, a file). */
  after?: (story: Story) => Promise<void>;
}

const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/;

/** The claims of the token a shell variable holds. */
async function tokenClaims(story: Story, variable: string): Promise<Record<string, unknown>> {
  const token = await shellValue(story, variable);
  expect(token).toMatch(JWT);
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

async function shellValue(story: Story, variable: string): Promise<string> {
  const result = await story.shell.run(`printf %s "$${variable}"`);
  return result.stdout;
}

async function api(story: Story, service: ServiceName, urlPath: string): Promise<Response> {
  return fetch(`${story.services[service].baseUrl}${urlPath}`, {
    headers: { authorization: `Bearer ${story.token}`, accept: 'application/json' },
  });
}

/** The captured commissioning is projected (the registry knows the packs) and anchored (a head holds its leaf). */
async function captureSettled(story: Story): Promise<void> {
  const epc = encodeURIComponent('urn:epc:id:sgtin:0614141.107346.2017');
  await eventually(
    async () =>
      (await (await api(story, 'serialization', `/epcs/${epc}/events`)).text()).includes('commissioning'),
    (projected) => projected,
    'the projection of the commissioning event',
  );
  await eventually(
    async () =>
      (await api(story, 'ledger-writer', `/proofs/${encodeURIComponent(COMMISSIONING_HASH)}`)).status,
    (status) => status === 200,
    'an anchored head holding the commissioning event',
  );
}

/** The pharmacy's receiving of pack 2017 is projected: the registry names it as the holder, so it may supply it. */
async function receivingProjected(story: Story): Promise<void> {
  const epc = encodeURIComponent('urn:epc:id:sgtin:0614141.107346.2017');
  await eventually(
    async () =>
      (await (await api(story, 'serialization', `/epcs/${epc}/events`)).text()).includes(
        '"bizStep":"receiving"',
      ),
    (projected) => projected,
    'the projection of the receiving event',
  );
}

/** The ledger holds the two heads of the story: after the commissioning, and after the supply of pack 2017. */
async function twoHeadsAnchored(story: Story): Promise<void> {
  await eventually(
    async () =>
      ((await (await api(story, 'ledger-writer', '/heads')).json()) as { heads: unknown[] }).heads.length,
    (heads) => heads >= 2,
    'two anchored heads',
  );
}

/** The recall service has projected the pharmacy's supply of pack 2017 (its distribution line shows it dispensed). */
async function supplyProjectedByRecall(story: Story): Promise<void> {
  await eventually(
    async () => (await api(story, 'recall', '/lots/10614141073464/LOT1/distribution')).text(),
    (body) => body.includes('"holder":"9521321000001"') && body.includes('"dispensed":1'),
    'the recall projection of the supply of pack 2017',
  );
}

/** The one worksheet of an .xlsx file the README's commands wrote into the workspace, read by ExcelJS. */
async function worksheet(story: Story, file: string): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path.join(story.workspace.directory, file));
  expect(workbook.worksheets).toHaveLength(1);
  return workbook.worksheets[0]!;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every command of README.md that runs, by its exact text, with what it must show. */
const EXPECTED: Record<string, Expectation> = {
  // Capturing and querying events
  'cp docs/examples/* .': {
    after: async ({ workspace }) => {
      for (const file of [
        'events.jsonld',
        'event.json',
        'event.jsonld',
        'events.xml',
        'shipping.jsonld',
        'receiving.jsonld',
      ])
        expect(existsSync(path.join(workspace.directory, file))).toBe(true);
    },
  },
  'TOKEN=$(npx pedigree token --role manufacturer --party 0614141000005 --gcp 0614141)': {
    after: async (story) =>
      expect(await tokenClaims(story, 'TOKEN')).toMatchObject({
        party: '0614141000005',
        roles: ['manufacturer'],
        gcp: ['0614141'],
      }),
  },
  [`LOCATION=$(curl -si -X POST http://127.0.0.1:3001/capture -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/ld+json' --data @events.jsonld | sed -n 's/^location: //Ip' | tr -d '\\r')`]:
    { after: async (story) => expect(await shellValue(story, 'LOCATION')).toMatch(/^\/capture\/[\w-]+$/) },
  'curl -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:3001$LOCATION"': {
    stdout: [/"captureID":"[\w-]+"/, '"success":true'],
  },
  [`curl -H "Authorization: Bearer $TOKEN" 'http://127.0.0.1:3001/events?EQ_bizStep=commissioning&perPage=50'`]:
    {
      before: captureSettled,
      stdout: ['EPCISQueryDocument', 'urn:epc:id:sgtin:0614141.107346.2017', '"cbvmda:lotNumber":"LOT1"'],
    },
  [`curl -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:3001/epcs/$(printf %s 'urn:epc:id:sgtin:0614141.107346.2017' | jq -sRr @uri)/events"`]:
    { stdout: ['EPCISQueryDocument', '"bizStep":"commissioning"'] },
  [`curl -s -o /dev/null -w '%{http_code}\\n' -X POST http://127.0.0.1:3001/capture -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/ld+json' --data @shipping.jsonld`]:
    { stdout: [/^202$/m] },

  // Verifying packs
  'TOKEN=$(npx pedigree token --role distributor --party 4012345000009)': {
    after: async (story) =>
      expect(await tokenClaims(story, 'TOKEN')).toMatchObject({
        party: '4012345000009',
        roles: ['distributor'],
      }),
  },
  [`curl -H "Authorization: Bearer $TOKEN" -H 'GS1US-Version: 1.3.0' 'http://127.0.0.1:3001/verify/gtin/10614141073464/lot/LOT1/ser/2017?exp=281231&linkType=verificationService&context=dscsaSaleableReturn&reqGLN=4012345000009&corrUUID=0b5a3d1c-6f1e-4c8a-9d2b-1a2b3c4d5e6f'`]:
    {
      stdout: [
        '"responderGLN":"0614141000005"',
        '"corrUUID":"0b5a3d1c-6f1e-4c8a-9d2b-1a2b3c4d5e6f"',
        '"data":{"verified":true}',
      ],
    },
  'PHARMACY=$(npx pedigree token --role dispenser --party 9521321000001)': {
    after: async (story) =>
      expect(await tokenClaims(story, 'PHARMACY')).toMatchObject({
        party: '9521321000001',
        roles: ['dispenser'],
      }),
  },
  // The README writes the DataMatrix's group separator (FNC1, 0x1D) as \u001d: the CLI must accept that notation.
  [`npx pedigree verify ']d201106141410734641728123110LOT1\\u001d212017' --token $PHARMACY`]: {
    stdout: [/^VERIFIED {2}OK/, 'GTIN 10614141073464  serial 2017  lot LOT1'],
  },
  [`curl -s -o /dev/null -w '%{http_code}\\n' -X POST http://127.0.0.1:3001/capture -H "Authorization: Bearer $PHARMACY" -H 'Content-Type: application/ld+json' --data @receiving.jsonld`]:
    { stdout: [/^202$/m] },
  [`curl -X POST -H "Authorization: Bearer $PHARMACY" -H 'Content-Type: application/json' -d '{"gtin":"10614141073464","serial":"2017","lot":"LOT1","expiry":"281231"}' http://127.0.0.1:3001/packs/supply`]:
    { before: receivingProjected, stdout: ['"returnCode":"OK"'] },

  // Recalls, trace and regulator queries
  'REG=$(npx pedigree token --role regulator --party 4000001000005)': {
    after: async (story) => expect(await tokenClaims(story, 'REG')).toMatchObject({ roles: ['regulator'] }),
  },
  [`curl -H "Authorization: Bearer $REG" "http://127.0.0.1:3003/trace?epc=$(printf %s 'urn:epc:id:sgtin:0614141.107346.2017' | jq -sRr @uri)&direction=backward"`]:
    {
      before: supplyProjectedByRecall,
      stdout: ['"type":"commissioned"', '"type":"received"', 'urn:epc:id:sgtin:0614141.107346.2017'],
    },
  [`curl -H "Authorization: Bearer $REG" 'http://127.0.0.1:3003/lots/10614141073464/LOT1/distribution'`]: {
    stdout: ['"commissioned":2', '"holder":"9521321000001"', '"dispensed":1'],
  },
  [`curl -H "Authorization: Bearer $REG" 'http://127.0.0.1:3003/lots/10614141073464/LOT1/events?format=csv'`]:
    {
      stdout: [
        /^lot,gtin,quantity,unit,eventType,action,bizStep/m,
        /^LOT1,10614141073464,2,EA,ObjectEvent,ADD,commissioning/m,
      ],
    },
  [`curl -s -o lot1-events.xlsx -H "Authorization: Bearer $REG" 'http://127.0.0.1:3003/lots/10614141073464/LOT1/events?format=xlsx'`]:
    {
      after: async (story) => {
        const sheet = await worksheet(story, 'lot1-events.xlsx');
        expect(sheet.getCell('A1').value).toBe('lot');
        expect(sheet.getCell('A2').value).toBe('LOT1');
        expect(sheet.getCell('C2').value).toBe(2);
        expect(sheet.getCell('G2').value).toBe('commissioning');
        expect(sheet.getCell('M2').value).toBeInstanceOf(Date);
        expect(sheet.autoFilter).toBe(`A1:O${sheet.rowCount}`);
      },
    },
  [`curl -H "Authorization: Bearer $REG" 'http://127.0.0.1:3003/packs/10614141073464/2017/transaction-history'`]:
    { stdout: ['"seller":"0614141000005","buyer":"9521321000001"', '"transactionStatement"'] },
  'MAKER=$(npx pedigree token --role manufacturer --party 0614141000005 --gcp 0614141)': {
    after: async (story) =>
      expect(await tokenClaims(story, 'MAKER')).toMatchObject({ roles: ['manufacturer'], gcp: ['0614141'] }),
  },
  [`ID=$(curl -s -X POST -H "Authorization: Bearer $MAKER" -H 'Content-Type: application/json' http://127.0.0.1:3003/recalls -d '{"gtin":"10614141073464","lots":["LOT1"],"serials":["2017"],"classification":"class-II","depth":"retail","reason":"assay out of specification","effectivenessCheckLevel":"B"}' | jq -r .id)`]:
    { after: async (story) => expect(await shellValue(story, 'ID')).toMatch(UUID) },
  'QA=$(npx pedigree token --role manufacturer --party 0614141000005 --gcp 0614141 --subject qa)': {
    after: async (story) => expect(await tokenClaims(story, 'QA')).toMatchObject({ sub: 'qa' }),
  },
  'curl -X POST -H "Authorization: Bearer $QA" "http://127.0.0.1:3003/recalls/$ID/approve"': {
    stdout: ['"status":"issued"'],
  },
  'curl -H "Authorization: Bearer $QA" "http://127.0.0.1:3003/recalls/$ID/scope?perPage=100"': {
    stdout: ['"units":1', '"serial":"2017"', '"status":"dispensed"', '"holder":"9521321000001"'],
  },
  'curl -s -o scope.xlsx -H "Authorization: Bearer $QA" "http://127.0.0.1:3003/recalls/$ID/scope?format=xlsx"':
    {
      after: async (story) => {
        const sheet = await worksheet(story, 'scope.xlsx');
        expect(sheet.rowCount).toBe(2);
        expect(sheet.getCell('C2').value).toBe('2017');
        expect(sheet.getCell('E2').value).toEqual(new Date(Date.UTC(2028, 11, 31)));
        expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      },
    },
  'curl -H "Authorization: Bearer $QA" "http://127.0.0.1:3003/recalls/$ID/consignees"': {
    stdout: ['"party":"9521321000001"'],
  },
  'curl -H "Authorization: Bearer $QA" "http://127.0.0.1:3003/recalls/$ID/effectiveness"': {
    stdout: ['"unitsInScope":1'],
  },

  // Proofs
  [`eval "$(bash scripts/stack.sh env | sed -n 's/^FABRIC_REGULATOR_/export FABRIC_/p')"`]: {
    before: twoHeadsAnchored,
    after: async (story) => expect(await shellValue(story, 'FABRIC_MSP_ID')).toBe('RegulatorMSP'),
  },
  'export PEDIGREE_TOKEN=$(npx pedigree token --role regulator --party 4000001000005)': {
    after: async (story) =>
      expect(await tokenClaims(story, 'PEDIGREE_TOKEN')).toMatchObject({ roles: ['regulator'] }),
  },
  'npx pedigree proof verify event.json': {
    stdout: [`VERIFIED ${COMMISSIONING_HASH}`, /anchored on channel \S+, chaincode \S+: transaction/],
  },
  'HASH=$(npx pedigree epcis hash event.jsonld)': {
    after: async (story) => expect(await shellValue(story, 'HASH')).toBe(COMMISSIONING_HASH),
  },
  'npx pedigree proof export "$HASH" --out proof.json': {
    after: async ({ workspace }) =>
      expect(JSON.parse(readFileSync(path.join(workspace.directory, 'proof.json'), 'utf8'))).toMatchObject({
        eventHash: COMMISSIONING_HASH,
        auditPath: expect.any(Array),
      }),
  },
  'npx pedigree proof verify event.json --bundle proof.json': { stdout: [`VERIFIED ${COMMISSIONING_HASH}`] },
  [`read OLDER NEWER < <(curl -s -H "Authorization: Bearer $PEDIGREE_TOKEN" 'http://127.0.0.1:3004/heads?limit=2' | jq -r '.heads | "\\(last.treeSize) \\(first.treeSize)"')`]:
    {
      after: async (story) => {
        const [older, newer] = [await shellValue(story, 'OLDER'), await shellValue(story, 'NEWER')].map(
          Number,
        );
        expect(older).toBeGreaterThan(0);
        expect(newer).toBeGreaterThan(older!);
      },
    },
  'npx pedigree proof consistency $OLDER $NEWER': {
    stdout: [/^VERIFIED the log of \d+ leaves extends the log of \d+ leaves/],
  },

  // The `pedigree` command line
  // The README writes the group separator as \x1d: the CLI must accept that notation.
  [`npx pedigree gs1 parse ']d201095060001343521726123110ABC\\x1d21XYZ' --gcp-length 7`]: {
    stdout: ['"value": "09506000134352"', '"title": "SERIAL",\n      "value": "XYZ"'],
  },
  'npx pedigree epcis validate events.jsonld': { stdout: ['valid\n'] },
  'npx pedigree epcis hash events.xml': { stdout: [`${COMMISSIONING_HASH}\n`] },
  'npx pedigree epcis convert --to xml events.jsonld': {
    stdout: ['<epcis:EPCISDocument', '<epc>urn:epc:id:sgtin:0614141.107346.2017</epc>'],
  },
  'npx pedigree db migrate --service serialization': { stdout: [/^serialization: up to date/m] },
  'npx pedigree db migrate --service serialization --database-url "$DATABASE_URL_SERIALIZATION"': {
    stdout: [/^serialization: up to date/m],
  },
  'npx pedigree db migrate': {
    stdout: [
      /^serialization: up to date/m,
      /^ledger-writer: up to date/m,
      /^cold-chain: (applied|up to date)/m,
      /^recall: up to date/m,
    ],
  },
  'npx pedigree kafka ensure-topics --brokers 127.0.0.1:19092 --replication-factor 1': {
    stdout: [/ epcis\.events\.v1 \(\d+ partitions, replication factor 1\)/],
  },
  'npx pedigree token --role manufacturer --party 0614141000005 --gcp 0614141': {
    stdout: [/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/],
  },
  [`npx pedigree verify 'https://id.gs1.org/01/10614141073464/10/LOT1/21/2018?17=281231' --token "$TOKEN"`]: {
    stdout: [/^VERIFIED {2}OK/, 'GTIN 10614141073464  serial 2018  lot LOT1'],
  },
  'npx pedigree proof verify event.jsonld': { stdout: [`VERIFIED ${COMMISSIONING_HASH}`] },
};

/** The dev stack's Kafka address, which the README names: `scripts/stack.sh env --profile dev` prints it (at the
 * default ports, whatever PEDIGREE_PORT_OFFSET this test stack runs with). */
function devKafkaBrokers(): string {
  const { PEDIGREE_PORT_OFFSET: _offset, ...env } = process.env;
  const printed = execFileSync('bash', [STACK_SH, 'env', '--profile', 'dev'], { encoding: 'utf8', env });
  return /^KAFKA_BROKERS=(.+)$/m.exec(printed)![1]!;
}

/** The README's command as this test runs it: its services, the test stack, the repository's scripts and examples. */
function rewrite(command: string, story: Story, devBrokers: string): string {
  return command
    .replace(/http:\/\/127\.0\.0\.1:(\d+)/g, (url, port: string) => {
      const service = README_PORTS[Number(port) as keyof typeof README_PORTS];
      if (!service) throw new Error(`${url}: the README test starts no service for port ${port}; add it`);
      return story.services[service].baseUrl;
    })
    .replace(
      /(^|\s)(scripts|docs)\//g,
      (_, space: string, folder: string) => `${space}${REPO_ROOT}/${folder}/`,
    )
    .replace(/scripts\/stack\.sh env(?! --profile)/g, 'scripts/stack.sh env --profile test')
    .replaceAll(`--brokers ${devBrokers}`, `--brokers ${kafkaBrokers().join(',')}`);
}

function describeCommand(command: ReadmeCommand): string {
  return `README line ${command.line}: ${command.text.length > 110 ? `${command.text.slice(0, 107)}…` : command.text}`;
}

describe('README.md', () => {
  it('links only to files that exist', () => {
    const missing = relativeLinks(README).filter((target) => !existsSync(path.join(REPO_ROOT, target)));
    expect(missing).toEqual([]);
  });

  it('has a test or a reason not to run it for every command of its bash blocks', () => {
    const untested = COMMANDS.filter((c) => !(c.text in EXPECTED) && !(c.text in NOT_RUN)).map(
      describeCommand,
    );
    expect(untested).toEqual([]);
    const texts = new Set(COMMANDS.map((c) => c.text));
    const stale = [...Object.keys(EXPECTED), ...Object.keys(NOT_RUN)].filter((text) => !texts.has(text));
    expect(stale).toEqual([]);
  });

  describe.each(Object.entries(NOT_RUN))('%s (not run)', (_, { reason, check }) => {
    it(`still exists (not run: it ${reason})`, check);
  });

  describe('its commands, run in order in one shell against services started for this test', () => {
    const story = {} as Story;
    let devBrokers: string;
    let keys: DevIssuerKeys;

    beforeAll(async () => {
      devBrokers = devKafkaBrokers();
      story.workspace = createReadmeWorkspace();
      // As scripts/up.sh does: the dev issuer's key pair in PEDIGREE_CACHE, which `pedigree token` signs with and the
      // services trust.
      keys = await ensureDevIssuerKeys(
        devIssuerDirectory({ PEDIGREE_CACHE: story.workspace.cacheDirectory }),
      );
      story.token = await signAccessToken(
        { sub: 'test:readme', party: '4000001000005', roles: ['regulator'], gcp: [] },
        keys.privateJwk,
        { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, ttlSeconds: 600 },
      );
      story.chaincode = `readme${uniqueSuffix()}`;
      defineChaincode(story.chaincode);
      const shared = {
        KAFKA_BROKERS: kafkaBrokers().join(','),
        KAFKA_TOPIC_PREFIX: `t${uniqueSuffix()}.`,
        AUTH_DEV_PUBLIC_JWK_FILE: keys.publicJwkFile,
        AUTH_ISSUER: DEV_ISSUER,
        AUTH_AUDIENCE: DEV_AUDIENCE,
      };
      // As scripts/up.sh does before starting the services: their databases migrated and their topics created.
      const databases = {
        serialization: await createTestDatabase('readme_serialization'),
        'ledger-writer': await createTestDatabase('readme_ledger_writer'),
        'cold-chain': await createTestDatabase('readme_cold_chain'),
        recall: await createTestDatabase('readme_recall'),
      };
      await migrateServiceDatabase('serialization', databases.serialization);
      await migrateServiceDatabase('ledger-writer', databases['ledger-writer']);
      await migrateServiceDatabase('recall', databases.recall);
      await createTestTopics(shared.KAFKA_TOPIC_PREFIX);
      const [serialization, ledgerWriter, recall] = await Promise.all([
        startServiceProcess('serialization', {
          ...shared,
          DATABASE_URL: databases.serialization,
          VRS_RESPONDER_GLN: '0614141000005',
        }),
        startServiceProcess('ledger-writer', {
          ...shared,
          DATABASE_URL: databases['ledger-writer'],
          ANCHOR_MAX_DELAY_MS: '200',
          ...fabricEnv(testFabricNetwork().orgs.manufacturer, story.chaincode),
        }),
        startServiceProcess('recall', { ...shared, DATABASE_URL: databases.recall }),
      ]);
      story.services = { serialization, recall, 'ledger-writer': ledgerWriter };
      await Promise.all(
        Object.values(story.services).map((service) => waitForStatus(service, '/health/ready')),
      );

      const passThrough = ['HOME', 'LANG', 'PEDIGREE_STATE', 'PEDIGREE_PORT_OFFSET', 'XDG_STATE_HOME'].filter(
        (name) => process.env[name],
      );
      story.shell = new ShellSession(story.workspace.directory, {
        ...Object.fromEntries(passThrough.map((name) => [name, process.env[name]!])),
        PATH: [story.workspace.binDirectory, path.dirname(process.execPath), process.env.PATH].join(':'),
        PEDIGREE_CACHE: story.workspace.cacheDirectory,
        // What `pedigree db migrate` reads: this test's databases (serialization, ledger-writer and recall already
        // migrated).
        DATABASE_URL_SERIALIZATION: databases.serialization,
        DATABASE_URL_LEDGER_WRITER: databases['ledger-writer'],
        DATABASE_URL_COLD_CHAIN: databases['cold-chain'],
        DATABASE_URL_RECALL: databases.recall,
        // The CLI's defaults are up.sh's URLs (verify: port 3001, proof: 3004): here, the services of this test.
        PEDIGREE_API: story.services.serialization.baseUrl,
        PEDIGREE_LEDGER_API: story.services['ledger-writer'].baseUrl,
        // The README's reader has the channel's `anchor` chaincode; this test's ledger-writer anchors on its own.
        FABRIC_CHANNEL: testFabricNetwork().channel,
        FABRIC_CHAINCODE: story.chaincode,
      });
    }, 120_000);

    afterAll(async () => {
      story.shell?.close();
      await Promise.all(Object.values(story.services ?? {}).map((service) => service.stop()));
      if (story.workspace) rmSync(story.workspace.root, { recursive: true, force: true });
    });

    it.each(COMMANDS.filter((c) => !(c.text in NOT_RUN)).map((c) => [describeCommand(c), c] as const))(
      '%s',
      async (_, command) => {
        const expected = EXPECTED[command.text];
        if (!expected) throw new Error(`no expectation for this README command: ${command.text}`);
        await expected.before?.(story);
        const result = await story.shell.run(rewrite(command.text, story, devBrokers));
        const failures = [
          ...(result.status === (expected.status ?? 0) ? [] : [`exit status ${result.status}`]),
          ...(expected.stdout ?? [])
            .filter((part) =>
              typeof part === 'string' ? !result.stdout.includes(part) : !part.test(result.stdout),
            )
            .map((part) => `standard output without ${JSON.stringify(String(part))}`),
        ];
        if (failures.length > 0)
          throw new Error(
            `${failures.join('\n')}\n--- stdout:\n${result.stdout}\n--- stderr:\n${result.stderr}`,
          );
        await expected.after?.(story);
      },
    );
  });
});
