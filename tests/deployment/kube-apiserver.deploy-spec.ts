import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  CHART,
  helmTemplate,
  k8sTools,
  parseObjects,
  PRODUCTION_VALUES,
  readObjects,
  ROOT,
  run,
  type K8sTools,
  type KubeObject,
} from './k8s-tools';
import { KubeApiServer } from './kube-api-server';

// The deployment against a real kube-apiserver (with etcd), started for this file: CloudNativePG's CRDs installed,
// the chart installed with helm, k8s/postgres applied, everything with strict field validation. Strimzi's and
// hlf-operator's CRDs cannot be obtained here (see k8s/README.md): their resources are checked offline instead.

// Generous: helm, kubeconform, java and the API server share a loaded machine.
jest.setTimeout(180_000);

let tools: K8sTools;
let api: KubeApiServer;

beforeAll(async () => {
  tools = k8sTools('HELM_BIN', 'ETCD_BIN', 'KUBE_APISERVER_BIN', 'CNPG_CRDS_DIR');
  api = await KubeApiServer.start(tools);
  for (const namespace of ['pedigree', 'postgres', 'pedigree-dry-run']) {
    const created = await api.create(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
      '',
    );
    expect(created.status).toBe(201);
  }
}, 300_000);

afterAll(async () => {
  await api?.stop();
});

describe('a real kube-apiserver', () => {
  it('accepts every object of the chart (default values) with strict field validation', async () => {
    for (const object of parseObjects(helmTemplate(tools))) {
      const answer = await api.create(object, 'pedigree-dry-run', { dryRun: true });
      expect({
        object: `${object.kind}/${object.metadata.name}`,
        status: answer.status,
        message: answer.body.message,
      }).toEqual({
        object: `${object.kind}/${object.metadata.name}`,
        status: 201,
        message: undefined,
      });
    }
  });

  it('installs the chart with helm (production example) and stores every object it rendered', async () => {
    const install = run(tools.HELM_BIN, [
      'install',
      'pedigree',
      CHART,
      '--namespace',
      'pedigree',
      '--kubeconfig',
      api.kubeconfig,
      '--values',
      PRODUCTION_VALUES,
      // No controllers run here, so a hook Job would never complete: the hooks are created on their own below.
      '--no-hooks',
    ]);
    expect(install.stderr).toBe('');
    expect(install.stdout).toContain('STATUS: deployed');
    const rendered = parseObjects(helmTemplate(tools, [PRODUCTION_VALUES], ['--skip-tests']));
    const installed = rendered.filter((o) => !o.metadata.annotations?.['helm.sh/hook']);
    expect(installed.length).toBeGreaterThan(25);
    for (const object of installed) {
      const stored = await api.get(object, 'pedigree');
      expect({ object: `${object.kind}/${object.metadata.name}`, status: stored.status }).toEqual({
        object: `${object.kind}/${object.metadata.name}`,
        status: 200,
      });
    }
  });

  it('accepts the hook Jobs (migrations, topics) with strict field validation', async () => {
    const hooks = parseObjects(
      helmTemplate(tools, [PRODUCTION_VALUES], ['--show-only', 'templates/hook-jobs.yaml']),
    );
    expect(hooks.map((h) => h.kind)).toEqual(['Job', 'Job']);
    for (const hook of hooks) {
      const created = await api.create(hook, 'pedigree');
      expect({ job: hook.metadata.name, status: created.status, message: created.body.message }).toEqual({
        job: hook.metadata.name,
        status: 201,
        message: undefined,
      });
    }
  });

  it("installs CloudNativePG's CRDs and accepts k8s/postgres with strict field validation", async () => {
    const crds = readdirSync(tools.CNPG_CRDS_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => readObjects(path.join(tools.CNPG_CRDS_DIR, f)));
    expect(crds.length).toBeGreaterThanOrEqual(8);
    await api.installCrds(crds);
    const dir = path.join(ROOT, 'k8s/postgres');
    const objects = readdirSync(dir).flatMap((f) => readObjects(path.join(dir, f)));
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'Cluster',
      'Database',
      'Database',
      'Database',
      'Database',
      'ScheduledBackup',
    ]);
    for (const object of objects) {
      const created = await api.create(object, 'postgres');
      expect({
        object: `${object.kind}/${object.metadata.name}`,
        status: created.status,
        message: created.body.message,
      }).toEqual({
        object: `${object.kind}/${object.metadata.name}`,
        status: 201,
        message: undefined,
      });
    }
  });

  it('refuses a misspelt field, in a built-in kind and in a custom resource', async () => {
    const deployment = parseObjects(helmTemplate(tools)).find((o) => o.kind === 'Deployment')!;
    const misspelt = structuredClone(deployment) as KubeObject & {
      spec: { template: { spec: { containers: Array<Record<string, unknown>> } } };
    };
    misspelt.metadata.name = 'misspelt';
    misspelt.spec.template.spec.containers[0]!.readinesProbe = {
      httpGet: { path: '/health/ready', port: 'http' },
    };
    const refused = await api.create(misspelt, 'pedigree');
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(
      /unknown field "spec\.template\.spec\.containers\[0\]\.readinesProbe"/,
    );

    const cluster = readObjects(path.join(ROOT, 'k8s/postgres/cluster.yaml')).find(
      (o) => o.kind === 'Cluster',
    )!;
    const badCluster = { ...cluster, metadata: { name: 'misspelt' }, spec: { ...cluster.spec, instance: 3 } };
    const refusedCluster = await api.create(badCluster, 'postgres');
    expect(refusedCluster.status).toBe(400);
    expect(refusedCluster.body.message).toMatch(/unknown field "spec\.instance"/);
  });
});
