import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  detectEpcisFormat,
  documentEventHashes,
  documentEvents,
  errorDeclarationHash,
  eventHash,
  namespacesFromJsonLdContext,
  parseEpcisXml,
  type AnyEpcisDocument,
  type JsonLdNamespaces,
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

/** What the log names an argument by, and for an error declaration the event it declares. */
interface LoggedName {
  hash: string;
  declares?: string;
}

/**
 * The hash the log names the argument by: a hash as given; for an event or one-event document, the GS1 event hash
 * recomputed from it, or, when the event carries an errorDeclaration, its declaration hash (ADR 0016).
 */
async function loggedNameOf(io: CliIo, argument: string): Promise<LoggedName> {
  if (entryOf(argument)) return { hash: argument };
  const { event, namespaces } = await onlyEvent(io, argument, await readInput(io, argument));
  const hash = eventHash(event, namespaces);
  const declaration = event.errorDeclaration;
  if (declaration === undefined) return { hash };
  return { hash: errorDeclarationHash(hash, declaration, namespaces), declares: hash };
}

async function onlyEvent(
  io: CliIo,
  argument: string,
  text: string,
): Promise<{ event: Record<string, unknown>; namespaces: JsonLdNamespaces }> {
  let record: Record<string, unknown>;
  if (detectEpcisFormat(text) === 'xml') {
    record = (await parseEpcisXml(text)) as unknown as Record<string, unknown>;
  } else {
    try {
      record = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new UnreadableInput(`${argument} is neither an event hash nor JSON: ${(error as Error).message}`);
    }
  }
  const namespaces = namespacesFromJsonLdContext(record['@context']);
  if (record.type !== 'EPCISDocument' && record.type !== 'EPCISQueryDocument')
    return { event: record, namespaces };
  // Checks that the document has an event list (and each event a hash) before its events are read.
  const count = documentEventHashes(record).length;
  if (count !== 1) throw usage(io, `the document holds ${count} events; give a file with one event`);
  const [event] = documentEvents(record as unknown as AnyEpcisDocument);
  return { event: event as unknown as Record<string, unknown>, namespaces };
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
          'Recompute the GS1 event hash (of an error declaration: its declaration hash), fetch (or read) the inclusion ' +
            'proof, check its audit path against the root the ledger holds for that tree size; prints VERIFIED with ' +
            'the anchor, or what failed (exit 1)',
        )
        .argument(
          '<event>',
          'an event or error declaration (JSON-LD event or one-event EPCIS document, JSON or XML) or its hash',
        )
        .option(
          '--bundle <file>',
          'verify this saved proof bundle (pedigree proof export) instead of asking the service',
        ),
    ),
  ).action(async (argument: string, options: ApiOptions & FabricOptions & { bundle?: string }) => {
    const claimed = await loggedNameOf(io, argument);
    const bundle = options.bundle
      ? await readBundle(io, options.bundle)
      : await apiGet<InclusionProofBundle>(io, options, `/proofs/${encodeURIComponent(claimed.hash)}`);
    await withLedger(io, options, async (ledger) => {
      const verdict = await verifyInclusionProof(claimed.hash, bundle, ledger);
      if (!verdict.ok || claimed.declares === undefined) return verdict;
      const [first, ...rest] = verdict.lines;
      return { ok: true, lines: [first!, `  the error declaration of event ${claimed.declares}`, ...rest] };
    });
  });

  addApiOptions(
    proof
      .command('export')
      .description('Save the inclusion proof of an event as a bundle for `pedigree proof verify --bundle`')
      .argument(
        '<event>',
        'the event hash (GS1 event hash ID, ni:///sha-256;… or hex), or an event or error declaration as for verify',
      )
      .option('--out <file>', 'where to write the bundle (default: standard output)'),
  ).action(async (argument: string, options: ApiOptions & { out?: string }) => {
    const { hash } = await loggedNameOf(io, argument);
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
