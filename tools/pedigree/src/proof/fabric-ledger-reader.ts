import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import { common } from '@hyperledger/fabric-protos';
import { connect, hash, signers, type Gateway, type Network } from '@hyperledger/fabric-gateway';
import type { LedgerHead, LedgerReader } from './verify-proof';

/** Where the verifier reads the ledger: its own organisation's peer, as its own user. */
export interface FabricReaderSettings {
  peerEndpoint: string;
  peerHostAlias?: string;
  tlsCaCertPath: string;
  mspId: string;
  userCertPath: string;
  userKeyPath: string;
  channel: string;
  chaincode: string;
}

const decoder = new TextDecoder();

/** Reads anchored heads from the anchor chaincode with Gateway evaluate (a query, no transaction). */
export class FabricLedgerReader implements LedgerReader {
  private constructor(
    private readonly client: grpc.Client,
    private readonly gateway: Gateway,
    private readonly network: Network,
    private readonly settings: FabricReaderSettings,
  ) {}

  static async connect(settings: FabricReaderSettings): Promise<FabricLedgerReader> {
    const [tlsCaCert, userCert, userKey] = await Promise.all([
      readFile(settings.tlsCaCertPath),
      readFile(settings.userCertPath),
      readFile(settings.userKeyPath),
    ]);
    const client = new grpc.Client(
      settings.peerEndpoint,
      grpc.credentials.createSsl(tlsCaCert),
      settings.peerHostAlias ? { 'grpc.ssl_target_name_override': settings.peerHostAlias } : {},
    );
    const gateway = connect({
      client,
      identity: { mspId: settings.mspId, credentials: userCert },
      signer: signers.newPrivateKeySigner(createPrivateKey(userKey)),
      hash: hash.sha256,
      evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    });
    return new FabricLedgerReader(client, gateway, gateway.getNetwork(settings.channel), settings);
  }

  get channel(): string {
    return this.settings.channel;
  }

  get chaincode(): string {
    return this.settings.chaincode;
  }

  async headBySize(treeSize: number): Promise<LedgerHead | undefined> {
    try {
      const bytes = await this.network
        .getContract(this.settings.chaincode)
        .evaluateTransaction('headBySize', String(treeSize));
      return JSON.parse(decoder.decode(bytes)) as LedgerHead;
    } catch (error) {
      if (describe(error).includes(`no head with tree size ${treeSize} is anchored`)) return undefined;
      throw error;
    }
  }

  async blockOfTransaction(transactionId: string): Promise<number | undefined> {
    try {
      const bytes = await this.network
        .getContract('qscc')
        .evaluateTransaction('GetBlockByTxID', this.settings.channel, transactionId);
      return common.Block.deserializeBinary(bytes).getHeader()?.getNumber();
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.gateway.close();
    this.client.close();
  }
}

function describe(error: unknown): string {
  const details = (error as { details?: Array<{ message: string }> }).details ?? [];
  return [(error as Error).message, ...details.map((d) => d.message)].join('\n');
}
