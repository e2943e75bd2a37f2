import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import { connect, Gateway, hash, signers } from '@hyperledger/fabric-gateway';
import type { FabricOrgConnection } from './infrastructure';

/** A Gateway connection as one organisation's client user; `close()` ends both the gateway and its gRPC channel. */
export interface FabricGatewayConnection {
  gateway: Gateway;
  close(): void;
}

/** Connects to the organisation's peer over TLS with its user's certificate and key. */
export async function connectFabricGateway(org: FabricOrgConnection): Promise<FabricGatewayConnection> {
  const [tlsCaCert, userCert, userKey] = await Promise.all([
    readFile(org.tlsCaCertPath),
    readFile(org.userCertPath),
    readFile(org.userKeyPath),
  ]);
  const client = new grpc.Client(org.peerEndpoint, grpc.credentials.createSsl(tlsCaCert), {
    // TLS by the peer's name (also in its certificate), not by the IP address of the endpoint.
    'grpc.ssl_target_name_override': org.peerHostAlias,
  });
  const gateway = connect({
    client,
    identity: { mspId: org.mspId, credentials: userCert },
    signer: signers.newPrivateKeySigner(createPrivateKey(userKey)),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
    submitOptions: () => ({ deadline: Date.now() + 10_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
  });
  return {
    gateway,
    close: () => {
      gateway.close();
      client.close();
    },
  };
}
