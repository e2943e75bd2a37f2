import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import { common } from '@hyperledger/fabric-protos';
import { connect, hash, signers, type Gateway, type Network } from '@hyperledger/fabric-gateway';

/** How to reach an organisation's peer (Gateway service) and which of its users to act as. */
export interface FabricPeerConnection {
  mspId: string;
  /** host:port of the peer. */
  peerEndpoint: string;
  /** The peer's name in its TLS certificate, when the endpoint's host is not that name (e.g. 127.0.0.1). */
  peerHostAlias?: string;
  tlsCaCertPath: string;
  /** PEM certificate and private key of the user. */
  userCertPath: string;
  userKeyPath: string;
}

/** Time limits of the Gateway calls, in milliseconds. */
export interface FabricDeadlines {
  evaluateMs: number;
  endorseMs: number;
  submitMs: number;
  commitStatusMs: number;
}

const DEFAULT_DEADLINES: FabricDeadlines = {
  evaluateMs: 10_000,
  endorseMs: 30_000,
  submitMs: 10_000,
  commitStatusMs: 60_000,
};

/** A Gateway connection; `close()` ends both the gateway and its gRPC channel. */
export interface FabricGatewayConnection {
  gateway: Gateway;
  close(): void;
}

/** Connects to the peer over TLS as the user (certificate and key read from their files). */
export async function connectFabricGateway(
  peer: FabricPeerConnection,
  deadlines: Partial<FabricDeadlines> = {},
): Promise<FabricGatewayConnection> {
  const limits = { ...DEFAULT_DEADLINES, ...deadlines };
  const [tlsCaCert, userCert, userKey] = await Promise.all([
    readFile(peer.tlsCaCertPath),
    readFile(peer.userCertPath),
    readFile(peer.userKeyPath),
  ]);
  const client = new grpc.Client(
    peer.peerEndpoint,
    grpc.credentials.createSsl(tlsCaCert),
    peer.peerHostAlias ? { 'grpc.ssl_target_name_override': peer.peerHostAlias } : {},
  );
  const gateway = connect({
    client,
    identity: { mspId: peer.mspId, credentials: userCert },
    signer: signers.newPrivateKeySigner(createPrivateKey(userKey)),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + limits.evaluateMs }),
    endorseOptions: () => ({ deadline: Date.now() + limits.endorseMs }),
    submitOptions: () => ({ deadline: Date.now() + limits.submitMs }),
    commitStatusOptions: () => ({ deadline: Date.now() + limits.commitStatusMs }),
  });
  return {
    gateway,
    close: () => {
      gateway.close();
      client.close();
    },
  };
}

/** The number of the block holding a transaction, read through the query system chaincode (qscc). */
export async function blockOfTransaction(network: Network, transactionId: string): Promise<number> {
  const bytes = await network
    .getContract('qscc')
    .evaluateTransaction('GetBlockByTxID', network.getName(), transactionId);
  const header = common.Block.deserializeBinary(bytes).getHeader();
  if (!header) throw new Error(`the block of transaction ${transactionId} has no header`);
  return header.getNumber();
}
