import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  detectEpcisFormat,
  documentEventHashes,
  eventHash,
  namespacesFromJsonLdContext,
  parseEpcisXml,
} from '@pedigree/epcis';
import { ExitCode, readInput, UnreadableInput, type CliIo } from '../io';
import { FabricLedgerReader, type FabricReaderSettings } from '../proof/fabric-ledger-reader';
import {
  BUNDLE_FORMAT,
  entryOf,
  verifyConsistencyProof,
  verifyInclusionProof,
  type ConsistencyProofAnswer,
  type InclusionProofBundle,
  type Verdict,
} from '../proof/verify-proof';

interface ApiOptions {
  api: string;
  token?: string;
}

interface FabricOptions {
  peer?: string;
  peerHostAlias?: string;
  tlsCa?: string;
  mspId?: string;
  cert?: string;
  key?: string;
  channel: string;
  chaincode: string;
}

const env = process.env;

function addApiOptions(command: Command): Command {
  return command
    .option(
      '--api <url>',
      'the ledger-writer service (env PEDIGREE_LEDGER_API)',
      env.PEDIGREE_LEDGER_API ?? 'http://127.0.0.1:3004',
    )
    .option('--token <token>', 'access token, any role (env PEDIGREE_TOKEN)', env.PEDIGREE_TOKEN);
}

function addFabricOptions(command: Command): Command {
  return command
    .option(
      '--peer <host:port>',
      "your organisation's peer Gateway (env FABRIC_PEER_ENDPOINT)",
      env.FABRIC_PEER_ENDPOINT,
    )
    .option(
      '--peer-host-alias <name>',
      "the peer's name in its TLS certificate (env FABRIC_PEER_HOST_ALIAS)",
      env.FABRIC_PEER_HOST_ALIAS,
    )
    .option(
      '--tls-ca <file>',
      "the peer's TLS CA certificate (env FABRIC_TLS_CA_CERT)",
      env.FABRIC_TLS_CA_CERT,
    )
    .option('--msp-id <id>', 'your MSP id (env FABRIC_MSP_ID)', env.FABRIC_MSP_ID)
    .option('--cert <file>', 'your user certificate, PEM (env FABRIC_USER_CERT)', env.FABRIC_USER_CERT)
    .option('--key <file>', 'your user private key, PEM (env FABRIC_USER_KEY)', env.FABRIC_USER_KEY)
    .option('--channel <name>', 'channel (env FABRIC_CHANNEL)', env.FABRIC_CHANNEL ?? 'pedigree')
    .option(
      '--chaincode <name>',
      'anchor chaincode (env FABRIC_CHAINCODE)',
      env.FABRIC_CHAINCODE ?? 'anchor',
    );
}

function usage(io: CliIo, message: string): ExitCode {
  io.stderr(`pedigree proof: ${message}\n`);
  return new ExitCode(2);
}

function fabricSettings(io: CliIo, o: FabricOptions): FabricReaderSettings {
  const missing = (
    [
      ['--peer', o.peer],
      ['--tls-ca', o.tlsCa],
      ['--msp-id', o.mspId],
      ['--cert', o.cert],
      ['--key', o.key],
    ] as const
  )
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (missing.length > 0)
    throw usage(io, `reading the ledger needs ${missing.join(', ')} (or their FABRIC_* variables)`);
  return {
    peerEndpoint: o.peer!,
    peerHostAlias: o.peerHostAlias,
    tlsCaCertPath: o.tlsCa!,
    mspId: o.mspId!,
    userCertPath: o.cert!,
    userKeyPath: o.key!,
    channel: o.channel,
    chaincode: o.chaincode,
  };
}

async function withLedger(
  io: CliIo,
  options: FabricOptions,
  work: (ledger: FabricLedgerReader) => Promise<Verdict>,
): Promise<void> {
  const ledger = await FabricLedgerReader.connect(fabricSettings(io, options));
  let verdict: Verdict;
  try {
    verdict = await work(ledger);
  } finally {
    ledger.close();
  }
  if (verdict.ok) {
    io.stdout(verdict.lines.map((line) => `${line}\n`).join(''));
    return;
  }
  io.stdout(`FAILED\n${verdict.failures.map((failure) => `  ${failure}\n`).join('')}`);
  throw new ExitCode(1);
}

/** GETs a path of the ledger-writer API; a problem answer ends the command with its detail (exit 1). */
async function apiGet<T>(io: CliIo, options: ApiOptions, path: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL(path, options.api), {
      headers: {
        accept: 'application/json',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
    });
  } catch (error) {
    throw new UnreadableInput(`cannot reach ${options.api}: ${(error as Error).message}`);
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.ok) return body as T;
  const detail = typeof body.detail === 'string' ? body.detail : `HTTP ${response.status}`;
  if (response.status === 401 || response.status === 403)
    throw usage(io, `the service refused the request: ${detail}`);
  io.stdout(`FAILED\n  ${detail}\n`);
  throw new ExitCode(1);
}

/** The event hash of the argument: a hash as given, or the GS1 hash recomputed from an event or one-event document. */
async function eventHashOf(io: CliIo, argument: string): Promise<string> {
  if (entryOf(argument)) return argument;
  const text = await readInput(io, argument);
  if (detectEpcisFormat(text) === 'xml')
    return onlyHash(
      io,
      documentEventHashes((await parseEpcisXml(text)) as unknown as Record<string, unknown>),
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UnreadableInput(`${argument} is neither an event hash nor JSON: ${(error as Error).message}`);
  }
  const record = json as Record<string, unknown>;
  if (record.type === 'EPCISDocument' || record.type === 'EPCISQueryDocument')
    return onlyHash(io, documentEventHashes(record));
  return eventHash(record, namespacesFromJsonLdContext(record['@context']));
}

function onlyHash(io: CliIo, hashes: string[]): string {
  if (hashes.length !== 1)
    throw usage(io, `the document holds ${hashes.length} events; give a file with one event`);
  return hashes[0]!;
}

async function readBundle(io: CliIo, file: string): Promise<InclusionProofBundle> {
  const text = await readInput(io, file);
  let bundle: Record<string, unknown>;
  try {
    bundle = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new UnreadableInput(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (bundle.format !== BUNDLE_FORMAT)
    throw usage(io, `${file} is not a proof bundle (format ${BUNDLE_FORMAT})`);
  return bundle as unknown as InclusionProofBundle;
}

export function registerProofCommands(program: Command, io: CliIo): void {
  const proof = program
    .command('proof')
    .description(
      "Check that events are in Pedigree's Merkle log, against the heads anchored on the Fabric ledger",
    );

  addFabricOptions(
    addApiOptions(
      proof
        .command('verify')
        .description(
          'Recompute the GS1 event hash, fetch (or read) the inclusion proof, check its audit path against the root the ' +
            'ledger holds for that tree size; prints VERIFIED with the anchor, or what failed (exit 1)',
        )
        .argument(
          '<event>',
          'an event (JSON-LD event or one-event EPCIS document, JSON or XML) or its event hash',
        )
        .option(
          '--bundle <file>',
          'verify this saved proof bundle (pedigree proof export) instead of asking the service',
        ),
    ),
  ).action(async (argument: string, options: ApiOptions & FabricOptions & { bundle?: string }) => {
    const claimed = await eventHashOf(io, argument);
    const bundle = options.bundle
      ? await readBundle(io, options.bundle)
      : await apiGet<InclusionProofBundle>(io, options, `/proofs/${encodeURIComponent(claimed)}`);
    await withLedger(io, options, (ledger) => verifyInclusionProof(claimed, bundle, ledger));
  });

  addApiOptions(
    proof
      .command('export')
      .description('Save the inclusion proof of an event as a bundle for `pedigree proof verify --bundle`')
      .argument('<event-hash>', 'the event hash (GS1 event hash ID, ni:///sha-256;… or hex)')
      .option('--out <file>', 'where to write the bundle (default: standard output)'),
  ).action(async (hash: string, options: ApiOptions & { out?: string }) => {
    if (!entryOf(hash)) throw usage(io, `"${hash}" is not an event hash`);
    const answer = await apiGet<InclusionProofBundle>(io, options, `/proofs/${encodeURIComponent(hash)}`);
    const text = `${JSON.stringify({ format: BUNDLE_FORMAT, ...answer }, null, 2)}\n`;
    if (options.out) await writeFile(options.out, text);
    else io.stdout(text);
  });

  addFabricOptions(
    addApiOptions(
      proof
        .command('consistency')
        .description('Check that the log never rewrote history: the larger anchored head extends the smaller')
        .argument('<size1>', 'tree size of the older anchored head')
        .argument('<size2>', 'tree size of the newer anchored head'),
    ),
  ).action(async (size1: string, size2: string, options: ApiOptions & FabricOptions) => {
    for (const size of [size1, size2])
      if (!/^\d+$/.test(size)) throw usage(io, `"${size}" is not a tree size`);
    const answer = await apiGet<ConsistencyProofAnswer>(
      io,
      options,
      `/consistency?from=${size1}&to=${size2}`,
    );
    await withLedger(io, options, (ledger) => verifyConsistencyProof(answer, ledger));
  });
}
