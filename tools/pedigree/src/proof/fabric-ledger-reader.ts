import type { Network } from '@hyperledger/fabric-gateway';
import {
  blockOfTransaction,
  connectFabricGateway,
  type FabricGatewayConnection,
  type FabricPeerConnection,
} from '@pedigree/fabric';
import type { LedgerHead, LedgerReader } from './verify-proof';

/** Where the verifier reads the ledger: its own organisation's peer, as its own user. */
export interface FabricReaderSettings extends FabricPeerConnection {
  channel: string;
  chaincode: string;
}

const decoder = new TextDecoder();

/** Reads anchored heads from the anchor chaincode with Gateway evaluate (a query, no transaction). */
export class FabricLedgerReader implements LedgerReader {
  private constructor(
    private readonly connection: FabricGatewayConnection,
    private readonly network: Network,
    private readonly settings: FabricReaderSettings,
  ) {}

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
      return await blockOfTransaction(this.network, transactionId);
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.connection.close();
  }
}

function describe(error: unknown): string {
  const details = (error as { details?: Array<{ message: string }> }).details ?? [];
  return [(error as Error).message, ...details.map((d) => d.message)].join('\n');
}
