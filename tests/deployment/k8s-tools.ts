import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '../..');
export const CHART = path.join(ROOT, 'helm/pedigree');
export const PRODUCTION_VALUES = path.join(CHART, 'examples/production.yaml');

/** The Kubernetes tool chain scripts/k8s-tools.sh builds and caches (paths as it prints them). */
export interface K8sTools {
  HELM_BIN: string;
  /** Helm 3: the chart is kept usable by both majors. */
  HELM3_BIN: string;
  KUBECONFORM_BIN: string;
  ETCD_BIN: string;
  KUBE_APISERVER_BIN: string;
  KUBERNETES_VERSION: string;
  KUBERNETES_SCHEMAS_DIR: string;
  CNPG_CRDS_DIR: string;
  STRIMZI_API_LIBS: string;
}

type ToolPath = Exclude<keyof K8sTools, 'KUBERNETES_VERSION'>;

/**
 * The tools, or an error naming the missing ones and how to get them (scripts/test.sh runs
 * `scripts/k8s-tools.sh kubernetes` first).
 */
export function k8sTools(...needed: ToolPath[]): K8sTools {
  const printed = run('bash', [path.join(ROOT, 'scripts/k8s-tools.sh'), 'env']);
  const tools = Object.fromEntries(
    printed.stdout
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  ) as unknown as K8sTools;
  const present = (key: ToolPath) =>
    key === 'STRIMZI_API_LIBS' ? existsSync(path.join(tools[key], '.complete')) : existsSync(tools[key]);
  const missing = needed.filter((key) => !tools[key] || !present(key));
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} missing: run bash scripts/k8s-tools.sh kubernetes first (builds them once)`,
    );
  }
  return tools;
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (no shell), with its output. */
export function run(
  command: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    input: options.input,
    env: options.env ?? process.env,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr } satisfies RunResult;
}

/** A Kubernetes object as rendered or written. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  [field: string]: unknown;
}

export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === 'object');
}

export function readObjects(file: string): KubeObject[] {
  return parseObjects(readFileSync(file, 'utf8'));
}

/** `helm template` of the chart with the given values files and extra arguments; throws with helm's message on failure. */
export function helmTemplate(
  tools: K8sTools,
  valuesFiles: string[] = [],
  extra: string[] = [],
  helm = tools.HELM_BIN,
): string {
  const result = run(helm, [
    'template',
    'pedigree',
    CHART,
    '--namespace',
    'pedigree',
    ...valuesFiles.flatMap((f) => ['--values', f]),
    ...extra,
  ]);
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return result.stdout;
}
