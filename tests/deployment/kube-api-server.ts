import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from '@pedigree/testing';
import type { K8sTools, KubeObject } from './k8s-tools';

/**
 * A real Kubernetes API server for the tests: etcd and kube-apiserver (both built from the Go module proxy by
 * scripts/k8s-tools.sh) started as local processes on free loopback ports, with a static admin token. There are no
 * controllers, kubelets or nodes: objects are stored and validated exactly as a cluster's API server does, and
 * nothing runs them.
 */
export class KubeApiServer {
  private readonly processes: ChildProcess[] = [];
  private readonly resources = new Map<string, { plural: string; namespaced: boolean }>();
  readonly token = randomBytes(24).toString('hex');
  url = '';
  kubeconfig = '';

  private constructor(readonly dir: string) {}

  /** Starts etcd and kube-apiserver and resolves once the API server reports ready. */
  static async start(tools: K8sTools): Promise<KubeApiServer> {
    const server = new KubeApiServer(mkdtempSync(path.join(tmpdir(), 'pedigree-kube-')));
    try {
      await server.launch(tools);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  private async launch(tools: K8sTools): Promise<void> {
    const [etcdClient, etcdPeer, apiPort] = await Promise.all([freePort(), freePort(), freePort()]);
    this.spawn(tools.ETCD_BIN, [
      '--name=default',
      `--data-dir=${path.join(this.dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync',
    ]);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = path.join(this.dir, 'sa.key');
    const pubFile = path.join(this.dir, 'sa.pub');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(pubFile, publicKey.export({ type: 'spki', format: 'pem' }));
    const tokens = path.join(this.dir, 'tokens.csv');
    writeFileSync(tokens, `${this.token},admin,admin,"system:masters"\n`);
    mkdirSync(path.join(this.dir, 'certs'));
    this.spawn(tools.KUBE_APISERVER_BIN, [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${path.join(this.dir, 'certs')}`,
      `--token-auth-file=${tokens}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pubFile}`,
      `--service-account-signing-key-file=${keyFile}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      // No kubernetes Service endpoints to maintain: the API server's address is loopback.
      '--endpoint-reconciler-type=none',
    ]);
    this.url = `https://127.0.0.1:${apiPort}`;
    this.kubeconfig = path.join(this.dir, 'kubeconfig.yaml');
    writeFileSync(
      this.kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'test', cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'admin', user: { token: this.token } }],
        contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin' } }],
        'current-context': 'test',
      }),
    );
    // Under a loaded machine the first start (etcd, then the API server's bootstrap) can take a minute or more.
    await eventually(
      () =>
        this.call('GET', '/readyz').then(
          (r) => r.status,
          () => 0,
        ),
      (status) => status === 200 || this.processes.some((p) => p.exitCode !== null),
      'kube-apiserver /readyz',
      240_000,
      500,
    );
    const exited = this.processes.find((p) => p.exitCode !== null);
    if (exited) {
      const name = path.basename(exited.spawnfile);
      throw new Error(`${name} exited with ${exited.exitCode}:\n${this.logTail(name)}`);
    }
  }

  private spawn(binary: string, args: string[]): void {
    const name = path.basename(binary);
    const log = createWriteStream(path.join(this.dir, `${name}.log`));
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    this.processes.push(child);
  }

  /** The last lines of a process's log, for a failure message. */
  logTail(name: string, lines = 30): string {
    return readFileSync(path.join(this.dir, `${name}.log`), 'utf8')
      .split('\n')
      .slice(-lines)
      .join('\n');
  }

  async stop(): Promise<void> {
    for (const child of [...this.processes].reverse()) {
      if (child.exitCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 15_000)))]);
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** One request to the API server as the admin. */
  call(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: ApiBody }> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        `${this.url}${urlPath}`,
        {
          method,
          rejectUnauthorized: false, // the API server's own self-signed serving certificate
          agent: false, // no kept-alive connection outlives the test
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json' } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: ApiBody;
            try {
              parsed = JSON.parse(text) as ApiBody;
            } catch {
              parsed = { message: text };
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** The collection URL of an object's kind (read from the API server's discovery, which knows installed CRDs). */
  async collection(object: Pick<KubeObject, 'apiVersion' | 'kind'>, namespace: string): Promise<string> {
    const key = `${object.apiVersion}/${object.kind}`;
    if (!this.resources.has(key)) {
      const base = object.apiVersion.includes('/')
        ? `/apis/${object.apiVersion}`
        : `/api/${object.apiVersion}`;
      const discovery = await this.call('GET', base);
      const found = (discovery.body.resources ?? []).find(
        (r) => r.kind === object.kind && !r.name.includes('/'),
      );
      if (!found) throw new Error(`the API server serves no ${key}`);
      this.resources.set(key, { plural: found.name, namespaced: found.namespaced });
    }
    const { plural, namespaced } = this.resources.get(key)!;
    const base = object.apiVersion.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
    return namespaced ? `${base}/namespaces/${namespace}/${plural}` : `${base}/${plural}`;
  }

  /** Creates an object with strict field validation (unknown or duplicate fields refused); dryRun stores nothing. */
  async create(object: KubeObject, namespace: string, options: { dryRun?: boolean } = {}) {
    const query = `fieldValidation=Strict${options.dryRun ? '&dryRun=All' : ''}`;
    return this.call('POST', `${await this.collection(object, namespace)}?${query}`, object);
  }

  async get(object: KubeObject, namespace: string) {
    return this.call('GET', `${await this.collection(object, namespace)}/${object.metadata.name}`);
  }

  /** Installs CustomResourceDefinitions and waits until each is established (served). */
  async installCrds(crds: KubeObject[]): Promise<void> {
    for (const crd of crds) {
      const created = await this.create(crd, '');
      if (created.status !== 201) throw new Error(`CRD ${crd.metadata.name}: ${created.body.message}`);
    }
    for (const crd of crds) {
      await eventually(
        () => this.get(crd, ''),
        (r) => (r.body.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True'),
        `CRD ${crd.metadata.name} established`,
        60_000,
        200,
      );
    }
    this.resources.clear();
  }
}

export interface ApiBody {
  message?: string;
  reason?: string;
  kind?: string;
  metadata?: { name?: string };
  resources?: Array<{ name: string; kind: string; namespaced: boolean }>;
  status?: { conditions?: Array<{ type: string; status: string }> };
  [field: string]: unknown;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
