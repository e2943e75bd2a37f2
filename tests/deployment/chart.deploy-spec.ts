import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MIGRATED_SERVICES } from '@pedigree/database';
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

// The chart as Helm and the Kubernetes API schema see it: lint, render with the default values and the production
// example, validate every object offline with kubeconform against the schemas of the release named in
// scripts/lib/k8s.sh (strict: unknown fields refused), and hold the rendered objects to the deployment's policies.

// Generous: helm, kubeconform, java and the API server share a loaded machine.
jest.setTimeout(180_000);

let tools: K8sTools;
let work: string;

beforeAll(() => {
  tools = k8sTools('HELM_BIN', 'HELM3_BIN', 'KUBECONFORM_BIN', 'KUBERNETES_SCHEMAS_DIR', 'STRIMZI_API_LIBS');
  work = mkdtempSync(path.join(tmpdir(), 'pedigree-chart-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function kubeconform(files: string[], extra: string[] = []) {
  return run(tools.KUBECONFORM_BIN, [
    '-strict',
    '-summary',
    '-output',
    'text',
    '-kubernetes-version',
    tools.KUBERNETES_VERSION,
    '-schema-location',
    path.join(tools.KUBERNETES_SCHEMAS_DIR, '{{ .ResourceKind }}{{ .KindSuffix }}.json'),
    ...extra,
    ...files,
  ]);
}

const SERVICES = ['serialization', 'cold-chain', 'recall', 'ledger-writer'];

// Helm 3 defaults to an old Kubernetes version for `template` and `lint`; the chart requires a recent one.
const helm3 = () => ['--kube-version', tools.KUBERNETES_VERSION];

describe('helm lint --strict', () => {
  it.each([
    ['Helm 4', 'the default values', []],
    ['Helm 4', 'the production example', ['--values', PRODUCTION_VALUES]],
    ['Helm 3', 'the default values', []],
    ['Helm 3', 'the production example', ['--values', PRODUCTION_VALUES]],
  ])('passes with %s and %s', (major, _what, extra) => {
    const result =
      major === 'Helm 4'
        ? run(tools.HELM_BIN, ['lint', '--strict', CHART, ...extra])
        : run(tools.HELM3_BIN, ['lint', '--strict', CHART, ...helm3(), ...extra]);
    expect(result.stderr + result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(result.status).toBe(0);
  });
});

describe('Helm 3 (the chart stays usable by both majors)', () => {
  const withoutBlankLines = (text: string) =>
    text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .join('\n');

  it.each([
    ['the default values', [] as string[]],
    ['the production example', [PRODUCTION_VALUES]],
  ])('renders with %s what Helm 4 renders (but for blank lines)', (_what, valuesFiles) => {
    const byHelm3 = helmTemplate(tools, valuesFiles, helm3(), tools.HELM3_BIN);
    expect(withoutBlankLines(byHelm3)).toBe(withoutBlankLines(helmTemplate(tools, valuesFiles)));
  });

  it('applies values.schema.json too: refuses an unknown value', () => {
    const result = run(tools.HELM3_BIN, [
      'template',
      'pedigree',
      CHART,
      ...helm3(),
      '--set',
      'services.recall.replica=3',
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/replica/);
  });
});

describe('the warm-up and the startup probe', () => {
  it('refuses a warm-up the startup probe does not leave time for', () => {
    const result = run(tools.HELM_BIN, ['template', 'pedigree', CHART, '--set', 'warmUp.maxSeconds=250']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      'probes.startup allows 300 s (failureThreshold × periodSeconds), less than warmUp.maxSeconds (250 s) + 60 s',
    );
  });

  it('accepts a long warm-up with the warm-up off, or with a longer startup window', () => {
    for (const extra of [
      ['--set', 'warmUp.maxSeconds=250', '--set', 'warmUp.enabled=false'],
      ['--set', 'warmUp.maxSeconds=250', '--set', 'probes.startup.failureThreshold=62'],
    ]) {
      expect(run(tools.HELM_BIN, ['template', 'pedigree', CHART, ...extra]).status).toBe(0);
    }
  });
});

describe('values.schema.json, as Helm applies it', () => {
  it('refuses an unknown value', () => {
    const result = run(tools.HELM_BIN, ['template', 'pedigree', CHART, '--set', 'services.recall.replica=3']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/replica/);
  });

  it('refuses autoscaling the ledger-writer', () => {
    const result = run(tools.HELM_BIN, [
      'template',
      'pedigree',
      CHART,
      '--set',
      'services.ledger-writer.autoscaling.enabled=true',
    ]);
    expect(result.status).not.toBe(0);
  });
});

describe.each([
  ['default values', [] as string[]],
  ['production example', [PRODUCTION_VALUES]],
])('the chart rendered with the %s', (name, valuesFiles) => {
  let objects: KubeObject[];
  let file: string;

  beforeAll(() => {
    const rendered = helmTemplate(tools, valuesFiles);
    objects = parseObjects(rendered);
    file = path.join(work, `${name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(file, rendered);
  });

  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const podSpecs = () =>
    [...byKind('Deployment'), ...byKind('Job')].map((o) => ({
      name: `${o.kind}/${o.metadata.name}`,
      spec: (o.spec as { template: { spec: PodSpec } }).template.spec,
    }));

  it(`is valid against the Kubernetes API schema, unknown fields refused (kubeconform -strict)`, () => {
    const result = kubeconform([file]);
    expect(result.stdout).toMatch(/Invalid: 0, Errors: 0, Skipped: 0/);
    expect(result.status).toBe(0);
  });

  it('deploys the four services, each with a Service, ConfigMap, probes and resources', () => {
    const component = (o: KubeObject) => o.metadata.labels?.['app.kubernetes.io/component'];
    for (const kind of ['Deployment', 'Service', 'ConfigMap']) {
      expect(byKind(kind).map(component).sort()).toEqual([...SERVICES].sort());
    }
    for (const deployment of byKind('Deployment')) {
      const container = (deployment.spec as { template: { spec: PodSpec } }).template.spec.containers[0]!;
      expect(container.startupProbe?.httpGet?.path).toBe('/health/ready');
      expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
      expect(container.resources?.requests?.cpu).toBeDefined();
      expect(container.resources?.requests?.memory).toBeDefined();
      expect(container.resources?.limits?.memory).toBeDefined();
    }
  });

  it('warms every service up before it is ready, within a startup probe window that leaves time for it', () => {
    const settings = new Map(
      byKind('ConfigMap').map((o) => [o.metadata.name, o.data as Record<string, string>]),
    );
    for (const deployment of byKind('Deployment')) {
      const config = settings.get(deployment.metadata.name)!;
      expect(config).toMatchObject({
        WARMUP_ENABLED: 'true',
        WARMUP_ROUNDS: '2000',
        WARMUP_MAX_SECONDS: '30',
      });
      const startup = (deployment.spec as { template: { spec: PodSpec } }).template.spec.containers[0]!
        .startupProbe!;
      expect(startup.periodSeconds! * startup.failureThreshold!).toBeGreaterThanOrEqual(
        Number(config.WARMUP_MAX_SECONDS) + 60,
      );
    }
  });

  it('runs every container under Pod Security Standard "restricted", with an emptyDir at /tmp', () => {
    for (const { name: pod, spec } of podSpecs()) {
      expect({ pod, automount: spec.automountServiceAccountToken }).toEqual({ pod, automount: false });
      expect(spec.securityContext?.runAsNonRoot).toBe(true);
      expect(spec.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
      expect(spec.hostNetwork ?? false).toBe(false);
      for (const container of spec.containers) {
        expect({ pod, securityContext: container.securityContext }).toEqual({
          pod,
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
        });
        const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
        const volume = spec.volumes?.find((v) => v.name === tmp?.name);
        expect({ pod, emptyDir: volume?.emptyDir !== undefined }).toEqual({ pod, emptyDir: true });
      }
      for (const volume of spec.volumes ?? []) expect(volume.hostPath).toBeUndefined();
    }
  });

  it('has a PodDisruptionBudget for every workload of more than one replica, selecting its pods', () => {
    const budgets = byKind('PodDisruptionBudget');
    for (const deployment of byKind('Deployment')) {
      const spec = deployment.spec as {
        replicas?: number;
        selector: { matchLabels: Record<string, string> };
      };
      const autoscaled = byKind('HorizontalPodAutoscaler').some(
        (h) =>
          (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === deployment.metadata.name,
      );
      if ((spec.replicas ?? 1) <= 1 && !autoscaled) continue;
      const budget = budgets.find(
        (b) => JSON.stringify((b.spec as { selector: unknown }).selector) === JSON.stringify(spec.selector),
      );
      expect({ deployment: deployment.metadata.name, budget: budget !== undefined }).toEqual({
        deployment: deployment.metadata.name,
        budget: true,
      });
    }
  });

  it('spreads each service over zones and nodes, and autoscales no ledger-writer', () => {
    for (const { spec } of podSpecs().filter((p) => p.name.startsWith('Deployment/'))) {
      expect(spec.topologySpreadConstraints?.map((c) => c.topologyKey)).toEqual([
        'topology.kubernetes.io/zone',
        'kubernetes.io/hostname',
      ]);
    }
    const targets = byKind('HorizontalPodAutoscaler').map(
      (h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name,
    );
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((t) => t.endsWith('-ledger-writer'))).toEqual([]);
  });

  it('denies all traffic by default and opens only the API and metrics ports in, and DNS, Kafka, PostgreSQL, OTLP, the IdP out', () => {
    const policies = byKind('NetworkPolicy');
    const deny = policies.find((p) => p.metadata.name.endsWith('-default-deny'))!;
    expect(deny.spec).toEqual(expect.objectContaining({ policyTypes: ['Ingress', 'Egress'] }));
    expect(deny.spec?.ingress).toBeUndefined();
    expect(deny.spec?.egress).toBeUndefined();
    for (const service of SERVICES) {
      const policy = policies.find((p) => p.metadata.labels?.['app.kubernetes.io/component'] === service)!;
      const spec = policy.spec as {
        ingress: Array<{ ports: Array<{ port: unknown }> }>;
        egress: Array<{ ports: Array<{ port: number }> }>;
      };
      expect(spec.ingress.map((r) => r.ports.map((p) => p.port))).toEqual([['http'], ['metrics']]);
      const egressPorts = spec.egress.flatMap((r) => r.ports.map((p) => p.port));
      expect(egressPorts).toEqual(expect.arrayContaining([53, 9092, 5432, 443, 4318]));
      expect(egressPorts.includes(7051)).toBe(service === 'ledger-writer');
    }
  });

  it('migrates and creates topics in pre-install/pre-upgrade hook Jobs running the CLI', () => {
    const jobs = byKind('Job');
    expect(jobs.map((j) => j.metadata.annotations?.['helm.sh/hook'])).toEqual([
      'pre-install,pre-upgrade',
      'pre-install,pre-upgrade',
    ]);
    const command = (job: KubeObject) =>
      (job.spec as { template: { spec: PodSpec } }).template.spec.containers[0]!.command ?? [];
    const migrate = jobs.find((j) => command(j).includes('migrate'))!;
    expect(command(migrate)).toEqual(['node', 'tools/pedigree/bin/pedigree.js', 'db', 'migrate']);
    const env = (migrate.spec as { template: { spec: PodSpec } }).template.spec.containers[0]!.env ?? [];
    expect(env.map((e) => e.name).sort()).toEqual(
      MIGRATED_SERVICES.map((s) => `DATABASE_URL_${s.toUpperCase().replace('-', '_')}`).sort(),
    );
    const topics = jobs.find((j) => command(j).includes('ensure-topics'))!;
    expect(command(topics).slice(0, 4)).toEqual([
      'node',
      'tools/pedigree/bin/pedigree.js',
      'kafka',
      'ensure-topics',
    ]);
    expect(command(topics)[command(topics).indexOf('--replication-factor') + 1]).toBe('3');
    // Migrations run before the topics (lower weight first).
    expect(Number(migrate.metadata.annotations?.['helm.sh/hook-weight'])).toBeLessThan(
      Number(topics.metadata.annotations?.['helm.sh/hook-weight']),
    );
  });
});

describe('k8s/ offline', () => {
  it('validates the CloudNativePG resources against its CRDs (kubeconform -strict)', () => {
    const dir = path.join(ROOT, 'k8s/postgres');
    const result = kubeconform(readdirSync(dir).map((f) => path.join(dir, f)));
    expect(result.stdout).toMatch(/Valid: 6, Invalid: 0, Errors: 0, Skipped: 0/);
    expect(result.status).toBe(0);
  });

  it("parses the Strimzi resources with Strimzi's own API model, every field known", () => {
    const dir = path.join(ROOT, 'k8s/kafka');
    const files = readdirSync(dir).map((f) => path.join(dir, f));
    const result = strimzi(files);
    expect(result.stdout).not.toContain('refused');
    // One line per object of the files: the cluster, its node pool and a KafkaTopic per topic and dead-letter twin.
    expect(result.stdout.match(/^valid /gm)).toHaveLength(files.flatMap((f) => readObjects(f)).length);
    expect(result.status).toBe(0);
  });

  it('refuses a Strimzi resource with a misspelt field or an unserved version', () => {
    const file = path.join(work, 'bad-kafka.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: kafka.strimzi.io/v1',
        'kind: KafkaTopic',
        'metadata: { name: t, labels: { strimzi.io/cluster: pedigree } }',
        'spec: { partitions: 3, replicas: 3, confg: { min.insync.replicas: 2 } }',
        '---',
        'apiVersion: kafka.strimzi.io/v9',
        'kind: KafkaTopic',
        'metadata: { name: u }',
        'spec: { partitions: 1, replicas: 1 }',
      ].join('\n'),
    );
    const result = strimzi([file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('refused  ' + file + ' KafkaTopic/t: unknown field spec.confg');
    expect(result.stdout).toMatch(/KafkaTopic\/u: apiVersion kafka.strimzi.io\/v9 is not served/);
  });
});

function strimzi(files: string[]) {
  return run('java', [
    '-cp',
    path.join(tools.STRIMZI_API_LIBS, '*'),
    path.join(ROOT, 'scripts/strimzi/StrimziResources.java'),
    ...files,
  ]);
}

interface Probe {
  httpGet?: { path: string };
  periodSeconds?: number;
  failureThreshold?: number;
}
interface Container {
  command?: string[];
  env?: Array<{ name: string }>;
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface PodSpec {
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type: string } };
  containers: Container[];
  volumes?: Array<{ name: string; emptyDir?: unknown; hostPath?: unknown }>;
  topologySpreadConstraints?: Array<{ topologyKey: string }>;
}
