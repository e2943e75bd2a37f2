import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { allTopicSpecs } from '@pedigree/contracts';
import { MIGRATED_SERVICES } from '@pedigree/database';

// k8s/ holds the operator resources of a production deployment (Strimzi, CloudNativePG, hlf-operator). Their schemas
// are checked elsewhere (tests/deployment: kubeconform and a real API server with CloudNativePG's CRDs, Strimzi's
// Java API model); these checks keep them in step with the code: topics, databases, the Fabric network.

interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

const root = path.resolve(__dirname, '../..');
const k8s = path.join(root, 'k8s');

function resources(dir: string): Resource[] {
  return readdirSync(path.join(k8s, dir))
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) =>
      parseAllDocuments(readFileSync(path.join(k8s, dir, f), 'utf8')).map((d) => d.toJS() as Resource),
    )
    .filter((r) => r !== null);
}

const ofKind = (all: Resource[], kind: string) => all.filter((r) => r.kind === kind);
const one = (all: Resource[], kind: string) => {
  const found = ofKind(all, kind);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('k8s/kafka (Strimzi)', () => {
  const kafka = resources('kafka');

  it('has a KafkaTopic for every topic and dead-letter topic of libs/contracts, with its partitions, and no other', () => {
    const topics = ofKind(kafka, 'KafkaTopic').map((t) => ({
      name: t.spec.topicName,
      partitions: t.spec.partitions,
      ...((t.spec.config as Record<string, unknown>)['max.message.bytes']
        ? { maxMessageBytes: (t.spec.config as Record<string, unknown>)['max.message.bytes'] }
        : {}),
    }));
    const expected = allTopicSpecs();
    expect(expected.length).toBe(12);
    expect(topics.sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual(
      [...expected].sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it('replicates every topic three times, with at least two in sync, on the pedigree cluster', () => {
    for (const topic of ofKind(kafka, 'KafkaTopic')) {
      expect(topic.metadata.name).toBe(topic.spec.topicName);
      expect(topic.metadata.labels).toEqual({ 'strimzi.io/cluster': 'pedigree' });
      expect(topic.spec.replicas).toBe(3);
      expect((topic.spec.config as Record<string, unknown>)['min.insync.replicas']).toBe(2);
    }
  });

  it('is a KRaft cluster of three controllers and three brokers in node pools, replication 3, min in-sync 2', () => {
    const cluster = one(kafka, 'Kafka');
    expect(cluster.metadata.name).toBe('pedigree');
    const pools = ofKind(kafka, 'KafkaNodePool');
    const replicasOf = (role: string) =>
      pools
        .filter((p) => (p.spec.roles as string[]).includes(role))
        .reduce((n, p) => n + (p.spec.replicas as number), 0);
    expect(replicasOf('controller')).toBe(3);
    expect(replicasOf('broker')).toBe(3);
    for (const pool of pools) expect(pool.metadata.labels?.['strimzi.io/cluster']).toBe('pedigree');
    const config = (cluster.spec.kafka as { config: Record<string, unknown> }).config;
    expect(config['default.replication.factor']).toBe(3);
    expect(config['min.insync.replicas']).toBe(2);
    expect(config['auto.create.topics.enable']).toBe(false);
    // The largest topic's batches fit the broker's limits.
    const largest = Math.max(...allTopicSpecs().map((t) => t.maxMessageBytes ?? 0));
    expect(config['message.max.bytes']).toBeGreaterThanOrEqual(largest);
    expect(config['replica.fetch.max.bytes']).toBeGreaterThanOrEqual(largest);
  });
});

describe('k8s/postgres (CloudNativePG)', () => {
  const postgres = resources('postgres');

  it('is a cluster of three instances with backups to an object store and a nightly base backup', () => {
    const cluster = one(postgres, 'Cluster');
    expect(cluster.spec.instances).toBe(3);
    const backup = cluster.spec.backup as { barmanObjectStore?: { destinationPath: string } };
    expect(backup.barmanObjectStore?.destinationPath).toMatch(/^s3:\/\//);
    const scheduled = one(postgres, 'ScheduledBackup');
    expect(scheduled.spec.cluster).toEqual({ name: cluster.metadata.name });
  });

  it('has a database and an owning role for each service the CLI migrates', () => {
    const cluster = one(postgres, 'Cluster');
    const roles = (cluster.spec.managed as { roles: Array<{ name: string; login: boolean }> }).roles;
    const databases = ofKind(postgres, 'Database');
    for (const service of MIGRATED_SERVICES) {
      const name = `pedigree_${service.replace('-', '_')}`;
      expect(roles).toContainEqual(expect.objectContaining({ name, login: true }));
      expect(databases.map((d) => d.spec)).toContainEqual(
        expect.objectContaining({ name, owner: name, cluster: { name: cluster.metadata.name } }),
      );
    }
    expect(databases).toHaveLength(MIGRATED_SERVICES.length);
  });
});

describe('k8s/fabric (hlf-operator)', () => {
  const fabric = resources('fabric');
  const fabricScript = readFileSync(path.join(root, 'scripts/lib/fabric.sh'), 'utf8');
  const scriptValue = (name: string) => new RegExp(`^${name}="([^"]+)"`, 'm').exec(fabricScript)?.[1];

  it('uses only hlf-operator kinds', () => {
    for (const resource of fabric) expect(resource.apiVersion).toBe('hlf.kungfusoftware.es/v1alpha1');
    expect(new Set(fabric.map((r) => r.kind))).toEqual(
      new Set([
        'FabricCA',
        'FabricOrdererNode',
        'FabricPeer',
        'FabricMainChannel',
        'FabricFollowerChannel',
        'FabricChaincode',
        'FabricChaincodeInstall',
        'FabricChaincodeApprove',
        'FabricChaincodeCommit',
      ]),
    );
  });

  it('has a CA per organisation, a Raft ordering service of three and a peer for the manufacturer and the regulator', () => {
    expect(ofKind(fabric, 'FabricCA')).toHaveLength(3);
    expect(ofKind(fabric, 'FabricOrdererNode').map((o) => o.spec.mspID)).toEqual([
      'OrdererMSP',
      'OrdererMSP',
      'OrdererMSP',
    ]);
    expect(ofKind(fabric, 'FabricPeer').map((p) => p.spec.mspID)).toEqual([
      'ManufacturerMSP',
      'RegulatorMSP',
    ]);
    const channel = one(fabric, 'FabricMainChannel');
    const orderer = (channel.spec.channelConfig as { orderer: { ordererType: string } }).orderer;
    expect(orderer.ordererType).toBe('etcdraft');
  });

  it('makes the channel and chaincode of the local network, every reference naming a resource that exists', () => {
    const channel = one(fabric, 'FabricMainChannel');
    expect(channel.spec.name).toBe(scriptValue('FABRIC_CHANNEL'));
    const names = (kind: string) => new Set(ofKind(fabric, kind).map((r) => r.metadata.name));
    const orderers = names('FabricOrdererNode');
    const peers = names('FabricPeer');
    const cas = names('FabricCA');
    const organisations = channel.spec.ordererOrganizations as Array<{
      caName: string;
      orderersToJoin: Array<{ name: string }>;
    }>;
    for (const org of organisations) {
      expect(cas).toContain(org.caName);
      for (const o of org.orderersToJoin) expect(orderers).toContain(o.name);
    }
    for (const org of channel.spec.peerOrganizations as Array<{ caName: string }>)
      expect(cas).toContain(org.caName);
    for (const follower of ofKind(fabric, 'FabricFollowerChannel')) {
      expect(follower.spec.name).toBe(channel.spec.name);
      for (const p of follower.spec.peersToJoin as Array<{ name: string }>) expect(peers).toContain(p.name);
    }
    const policy = scriptValue('FABRIC_ENDORSEMENT_POLICY');
    for (const kind of ['FabricChaincodeApprove', 'FabricChaincodeCommit']) {
      for (const definition of ofKind(fabric, kind)) {
        expect(definition.spec.chaincodeName).toBe('anchor');
        expect(definition.spec.channelName).toBe(channel.spec.name);
        expect(definition.spec.endorsementPolicy).toBe(policy);
        for (const p of definition.spec.peers as Array<{ name: string }>) expect(peers).toContain(p.name);
      }
    }
    const installs = ofKind(fabric, 'FabricChaincodeInstall');
    expect(installs.map((i) => (i.spec.chaincodePackage as { type: string }).type)).toEqual([
      'ccaas',
      'ccaas',
    ]);
  });
});
