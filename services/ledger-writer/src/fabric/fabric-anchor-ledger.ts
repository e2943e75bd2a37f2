import {
  AnchorChaincodeError,
  AnchorClient,
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

/**
 * Anchors heads with the anchor chaincode through a peer's Gateway: submit, then wait for the commit status.
 * The gRPC channel reconnects by itself, so an unreachable peer only makes calls fail until it is back.
 */
export class FabricAnchorLedger implements AnchorLedger {
  private gateway?: FabricGatewayConnection;
  private client?: Promise<AnchorClient>;

  constructor(private readonly settings: FabricSettings) {}

  async anchor(head: Head): Promise<AnchorReceipt> {
    const client = await this.connection();
    try {
      const { record, blockNumber } = await client.anchor(head);
      return {
        channel: this.settings.channel,
        chaincode: this.settings.chaincode,
        transactionId: record.txId,
        blockNumber,
        anchoredAt: record.anchoredAt,
      };
    } catch (error) {
      if (error instanceof AnchorChaincodeError && error.refusesHead)
        throw new HeadRejectedError(error.message);
      throw error;
    }
  }

  /** Evaluates `currentHead` on the peer: the cheapest round trip that proves the ledger answers. */
  async ping(deadlineMs: number): Promise<void> {
    await (await this.connection()).currentHead(deadlineMs);
  }

  close(): void {
    this.gateway?.close();
    this.gateway = undefined;
    this.client = undefined;
  }

  /** One connection, shared by anchoring, health and metrics (made once even when they ask at the same time). */
  private connection(): Promise<AnchorClient> {
    this.client ??= this.connect().catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    return this.client;
  }

  private async connect(): Promise<AnchorClient> {
    this.gateway = await connectFabricGateway(this.settings, {
      evaluateMs: 5_000,
      endorseMs: 15_000,
      submitMs: 5_000,
    });
    return new AnchorClient(this.gateway.gateway.getNetwork(this.settings.channel), this.settings.chaincode);
  }
}
