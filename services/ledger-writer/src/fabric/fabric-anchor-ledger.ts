import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import { common } from '@hyperledger/fabric-protos';
import {
  connect,
  EndorseError,
  hash,
  signers,
  type Contract,
  type Gateway,
  type Network,
} from '@hyperledger/fabric-gateway';
import { HeadRejectedError, type AnchorLedger, type AnchorReceipt, type Head } from '../log/ports';

/** How to reach a peer's Gateway service and whom to act as. */
export interface FabricSettings {
  peerEndpoint: string;
  peerHostAlias?: string;
  tlsCaCertPath: string;
  mspId: string;
  userCertPath: string;
  userKeyPath: string;
  channel: string;
  chaincode: string;
}

/** The head record the anchor chaincode keeps (and returns from `anchor`). */
interface LedgerHeadRecord {
  treeSize: number;
  rootHash: string;
  txId: string;
  anchoredAt: string;
}

/** Chaincode messages that mean the head itself is refused: resubmitting the same head cannot succeed. */
const REFUSALS = [
  'does not extend the current head',
  'conflicting root for tree size',
  'is already anchored extending',
];
const decoder = new TextDecoder();

/**
 * Anchors heads with the anchor chaincode through a peer's Gateway: submit, then wait for the commit status.
 * The gRPC channel reconnects by itself, so an unreachable peer only makes calls fail until it is back.
 */
export class FabricAnchorLedger implements AnchorLedger {
  private gateway?: Gateway;
  private client?: grpc.Client;
  private network?: Network;
  private contract?: Contract;

  constructor(private readonly settings: FabricSettings) {}

  async anchor(head: Head): Promise<AnchorReceipt> {
    const { network, contract } = await this.connection();
    let submitted;
    try {
      submitted = await contract.submitAsync('anchor', {
        arguments: [
          String(head.treeSize),
          head.rootHash,
          String(head.previousTreeSize),
          head.previousRootHash ?? '',
        ],
      });
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal) throw new HeadRejectedError(refusal);
      throw error;
    }
    const status = await submitted.getStatus();
    if (!status.successful) {
      throw new Error(
        `anchor transaction ${status.transactionId} was not committed (validation code ${status.code})`,
      );
    }
    const record = JSON.parse(decoder.decode(submitted.getResult())) as LedgerHeadRecord;
    // An identical resubmission commits a transaction that only returns the earlier record: find that one's block.
    const blockNumber =
      record.txId === status.transactionId
        ? Number(status.blockNumber)
        : await this.blockOf(network, record.txId);
    return {
      channel: this.settings.channel,
      chaincode: this.settings.chaincode,
      transactionId: record.txId,
      blockNumber,
      anchoredAt: record.anchoredAt,
    };
  }

  /** Evaluates `currentHead` on the peer: the cheapest round trip that proves the ledger answers. */
  async ping(deadlineMs: number): Promise<void> {
    const { contract } = await this.connection();
    await contract.newProposal('currentHead').evaluate({ deadline: Date.now() + deadlineMs });
  }

  close(): void {
    this.gateway?.close();
    this.client?.close();
    this.gateway = undefined;
    this.client = undefined;
  }

  private async blockOf(network: Network, transactionId: string): Promise<number> {
    const qscc = network.getContract('qscc');
    const bytes = await qscc.evaluateTransaction('GetBlockByTxID', this.settings.channel, transactionId);
    return common.Block.deserializeBinary(bytes).getHeader()!.getNumber();
  }

  private async connection(): Promise<{ network: Network; contract: Contract }> {
    if (!this.network || !this.contract) {
      const s = this.settings;
      const [tlsCaCert, userCert, userKey] = await Promise.all([
        readFile(s.tlsCaCertPath),
        readFile(s.userCertPath),
        readFile(s.userKeyPath),
      ]);
      this.client = new grpc.Client(
        s.peerEndpoint,
        grpc.credentials.createSsl(tlsCaCert),
        s.peerHostAlias ? { 'grpc.ssl_target_name_override': s.peerHostAlias } : {},
      );
      this.gateway = connect({
        client: this.client,
        identity: { mspId: s.mspId, credentials: userCert },
        signer: signers.newPrivateKeySigner(createPrivateKey(userKey)),
        hash: hash.sha256,
        evaluateOptions: () => ({ deadline: Date.now() + 5_000 }),
        endorseOptions: () => ({ deadline: Date.now() + 15_000 }),
        submitOptions: () => ({ deadline: Date.now() + 5_000 }),
        commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
      });
      this.network = this.gateway.getNetwork(s.channel);
      this.contract = this.network.getContract(s.chaincode);
    }
    return { network: this.network, contract: this.contract };
  }
}

/** The chaincode's refusal message, when the endorsement error is one. */
function refusalOf(error: unknown): string | undefined {
  if (!(error instanceof EndorseError)) return undefined;
  const messages = [error.message, ...error.details.map((detail) => detail.message)];
  const refusal = messages.find((message) => REFUSALS.some((text) => message.includes(text)));
  if (!refusal) return undefined;
  const chaincodeMessage = /message=(.*)$/s.exec(refusal)?.[1];
  return chaincodeMessage ?? refusal;
}
