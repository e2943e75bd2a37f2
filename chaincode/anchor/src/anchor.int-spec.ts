import { randomBytes } from 'node:crypto';
import { ChaincodeEvent, Contract, EndorseError, Network } from '@hyperledger/fabric-gateway';
import { AnchorClient, decodeAnchorError } from '@pedigree/fabric';
import {
  connectFabricGateway,
  FabricGatewayConnection,
  FabricNetwork,
  testFabricNetwork,
} from '@pedigree/testing';
import type { HeadRecord } from './head';

// The anchor chaincode on the real local network: submitted through the manufacturer's peer Gateway (endorsed by both
// organisations), read back by the regulator. The ledger keeps its heads across test runs (and other suites may anchor
// too), so every case starts from whatever head is current.

const randomRoot = (): string => randomBytes(32).toString('hex');
const decoder = new TextDecoder();

describe('anchor chaincode on the Fabric network', () => {
  let fabric: FabricNetwork;
  let manufacturer: FabricGatewayConnection;
  let regulator: FabricGatewayConnection;
  let manufacturerNetwork: Network;
  let manufacturerContract: Contract;
  let regulatorContract: Contract;
  let regulatorAnchors: AnchorClient;

  beforeAll(async () => {
    fabric = testFabricNetwork();
    manufacturer = await connectFabricGateway(fabric.orgs.manufacturer);
    regulator = await connectFabricGateway(fabric.orgs.regulator);
    manufacturerNetwork = manufacturer.gateway.getNetwork(fabric.channel);
    manufacturerContract = manufacturerNetwork.getContract(fabric.chaincode);
    regulatorContract = regulator.gateway.getNetwork(fabric.channel).getContract(fabric.chaincode);
    regulatorAnchors = new AnchorClient(regulator.gateway.getNetwork(fabric.channel), fabric.chaincode);
  });

  afterAll(() => {
    manufacturer?.close();
    regulator?.close();
  });

  /** Anchors a new head on top of the current one; retries when another client moved the head in between. */
  async function anchorNext(growBy: number): Promise<{ record: HeadRecord; blockNumber: bigint }> {
    for (let attempt = 1; ; attempt++) {
      const current = await new AnchorClient(manufacturerNetwork, fabric.chaincode).currentHead();
      const previousSize = current?.treeSize ?? 0;
      try {
        const submitted = await manufacturerContract.submitAsync('anchor', {
          arguments: [
            String(previousSize + growBy),
            randomRoot(),
            String(previousSize),
            current?.rootHash ?? '',
          ],
        });
        const status = await submitted.getStatus();
        if (!status.successful)
          throw new Error(`anchor transaction ${status.transactionId} failed: code ${status.code}`);
        return {
          record: JSON.parse(decoder.decode(submitted.getResult())) as HeadRecord,
          blockNumber: status.blockNumber,
        };
      } catch (error) {
        if (attempt < 3 && decodeAnchorError(error)?.code === 'NOT_EXTENDING') continue;
        throw error;
      }
    }
  }

  it('anchors a head submitted by the manufacturer that the regulator reads back from its own peer', async () => {
    const { record } = await anchorNext(5);
    expect(record.submitterMspId).toBe(fabric.orgs.manufacturer.mspId);
    expect(record.txId).toMatch(/^[0-9a-f]{64}$/);
    expect(Math.abs(Date.parse(record.anchoredAt) - Date.now())).toBeLessThan(60_000);

    await expect(regulatorAnchors.headBySize(record.treeSize)).resolves.toEqual(record);
    const history = await regulatorAnchors.history();
    expect(history).toContainEqual(record);
    const sizes = history.map((head) => head.treeSize);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    history.forEach((head, index) => {
      expect(head.previousTreeSize).toBe(index === 0 ? 0 : history[index - 1]!.treeSize);
      expect(head.previousRootHash).toBe(index === 0 ? '' : history[index - 1]!.rootHash);
    });
  });

  it('emits a HeadAnchored chaincode event with the record for each new head', async () => {
    const { record, blockNumber } = await anchorNext(3);
    const events = await manufacturerNetwork.getChaincodeEvents(fabric.chaincode, {
      startBlock: blockNumber,
    });
    let received: ChaincodeEvent | undefined;
    try {
      for await (const event of events) {
        if (event.transactionId === record.txId) {
          received = event;
          break;
        }
      }
    } finally {
      events.close();
    }
    expect(received?.eventName).toBe('HeadAnchored');
    expect(received?.blockNumber).toBe(blockNumber);
    expect(JSON.parse(decoder.decode(received?.payload))).toEqual(record);
  });

  it('answers an identical resubmission with the existing record and no new transaction effect', async () => {
    const { record } = await anchorNext(2);
    const again = await manufacturerContract.submitTransaction(
      'anchor',
      String(record.treeSize),
      record.rootHash,
      String(record.previousTreeSize),
      record.previousRootHash,
    );
    expect(JSON.parse(decoder.decode(again))).toEqual(record);
    await expect(regulatorAnchors.headBySize(record.treeSize)).resolves.toEqual(record);
  });

  it('rejects a head that does not extend the current head, at endorsement', async () => {
    const { record } = await anchorNext(1);
    const forgedPrevious = randomRoot();
    const error = await manufacturerContract
      .submitTransaction(
        'anchor',
        String(record.treeSize + 10),
        randomRoot(),
        String(record.treeSize),
        forgedPrevious,
      )
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(error).toBeInstanceOf(EndorseError);
    const decoded = decodeAnchorError(error);
    expect(decoded).toMatchObject({ code: 'NOT_EXTENDING', refusesHead: true });
    expect(decoded?.explanation).toContain(
      `claims to follow size ${record.treeSize} with root ${forgedPrevious}, the current head is size`,
    );
    await expect(regulatorAnchors.headBySize(record.treeSize + 10)).resolves.toBeUndefined();
    const notFound = await regulatorContract
      .evaluateTransaction('headBySize', String(record.treeSize + 10))
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(decodeAnchorError(notFound)).toMatchObject({
      code: 'HEAD_NOT_FOUND',
      explanation: `no head with tree size ${record.treeSize + 10} is anchored`,
    });
  });

  it('rejects a different root for a tree size that is already anchored', async () => {
    const { record } = await anchorNext(4);
    const otherRoot = randomRoot();
    const error = await manufacturerContract
      .submitTransaction(
        'anchor',
        String(record.treeSize),
        otherRoot,
        String(record.previousTreeSize),
        record.previousRootHash,
      )
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(error).toBeInstanceOf(EndorseError);
    expect(decodeAnchorError(error)).toMatchObject({
      code: 'CONFLICTING_ROOT',
      refusesHead: true,
      explanation: `conflicting root for tree size ${record.treeSize}: the ledger holds ${record.rootHash}, the submission has ${otherRoot}`,
    });
    await expect(regulatorAnchors.headBySize(record.treeSize)).resolves.toEqual(record);
  });
});
