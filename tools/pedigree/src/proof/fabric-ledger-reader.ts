import {
  AnchorClient,
  blockOfTransaction,
  connectFabricGateway,
  type FabricGatewayConnection,
  type FabricPeerConnection,
} from '@pedigree/fabric';
import type { Network } from '@hyperledger/fabric-gateway';
import type { LedgerHead, LedgerReader } from './verify-proof';

/** Where the verifier reads the ledger: its own organisation's peer, as its own user. */
export interface FabricReaderSettings extends FabricPeerConnection {
  channel: string;
  chaincode: string;
}

/** Reads anchored heads from the anchor chaincode with Gateway evaluate (a query, no transaction). */
export class FabricLedgerReader implements LedgerReader {
  private readonly client: AnchorClient;

  private constructor(
    private readonly connection: FabricGatewayConnection,
    private readonly network: Network,
    private readonly settings: FabricReaderSettings,
  ) {
    this.client = new AnchorClient(network, settings.chaincode);
  }

  static async connect(settings: FabricReaderSettings): Promise<FabricLedgerReader> {
    const connection = await connectFabricGateway(settings);
    return new FabricLedgerReader(connection, connection.gateway.getNetwork(settings.channel), settings);
  }

  get channel(): string {
    return this.settings.channel;
  }

  get chaincode(): string {
    return this.settings.chaincode;
  }

  headBySize(treeSize: number): Promise<LedgerHead | undefined> {
    return this.client.headBySize(treeSize);
  }

  async blockOfTransaction(transactionId: string): Promise<number | undefined> {
    try {
      return await blockOfTransaction(this.network, transactionId);
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.connection.close();
  }
}
