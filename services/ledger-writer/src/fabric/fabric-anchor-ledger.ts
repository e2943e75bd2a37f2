import { EndorseError, type Contract, type Network } from '@hyperledger/fabric-gateway';
import {
  blockOfTransaction,
  connectFabricGateway,
  type FabricGatewayConnection,
  type FabricPeerConnection,
} from '@pedigree/fabric';
import { HeadRejectedError, type AnchorLedger, type AnchorReceipt, type Head } from '../log/ports';

/** How to reach a peer's Gateway service, whom to act as, and which channel and chaincode hold the log's heads. */
export interface FabricSettings extends FabricPeerConnection {
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
  private gateway?: FabricGatewayConnection;
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
        : await blockOfTransaction(network, record.txId);
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
    this.gateway = undefined;
    this.network = undefined;
    this.contract = undefined;
  }

  private async connection(): Promise<{ network: Network; contract: Contract }> {
    if (!this.network || !this.contract) {
      this.gateway = await connectFabricGateway(this.settings, {
        evaluateMs: 5_000,
        endorseMs: 15_000,
        submitMs: 5_000,
      });
      this.network = this.gateway.gateway.getNetwork(this.settings.channel);
      this.contract = this.network.getContract(this.settings.chaincode);
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
