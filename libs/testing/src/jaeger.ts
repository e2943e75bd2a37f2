import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { eventually } from './eventually';
import { REPO_ROOT } from './infrastructure';
import { freePort } from './service-process';

// Jaeger, the trace backend of scripts/up.sh (built by scripts/k8s-tools.sh), for a test or benchmark: a process of
// its own on free ports with the repository's configuration, and its query API.

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  processID: string;
  references: Array<{ refType: string; spanID: string }>;
  tags: Array<{ key: string; value: unknown }>;
}
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** A Jaeger of this test's own, on free ports, with the repository's configuration (scripts/config/jaeger.yaml). */
export class Jaeger {
  private process?: ChildProcess;
  private output = '';
  otlpHttp = 0;
  query = 0;

  async start(): Promise<void> {
    const printed = spawnSync('bash', [path.join(REPO_ROOT, 'scripts/k8s-tools.sh'), 'env'], {
      encoding: 'utf8',
    });
    const binary = /^JAEGER_BIN=(.*)$/m.exec(printed.stdout)?.[1] ?? '';
    if (!existsSync(binary)) throw new Error(`${binary} missing: run bash scripts/k8s-tools.sh jaeger first`);
    const [grpc, http, query, queryGrpc] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    this.otlpHttp = http;
    this.query = query;
    this.process = spawn(binary, ['--config', path.join(REPO_ROOT, 'scripts/config/jaeger.yaml')], {
      env: {
        PATH: process.env.PATH ?? '',
        JAEGER_OTLP_GRPC_PORT: String(grpc),
        JAEGER_OTLP_HTTP_PORT: String(http),
        JAEGER_QUERY_PORT: String(query),
        JAEGER_QUERY_GRPC_PORT: String(queryGrpc),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    this.process.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
    await eventually(
      () =>
        this.get('/api/services').then(
          (r) => r.status,
          () => 0,
        ),
      (status) => status === 200 || this.process?.exitCode !== null,
      'Jaeger query API up',
      120_000,
      250,
    );
    if (this.process.exitCode !== null) throw new Error(`jaeger exited:\n${this.output}`);
  }

  get(urlPath: string): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.query}${urlPath}`);
  }

  async traces(service: string): Promise<JaegerTrace[]> {
    const response = await this.get(
      `/api/traces?service=${encodeURIComponent(service)}&limit=200&lookback=1h`,
    );
    if (response.status !== 200) return [];
    return ((await response.json()) as { data: JaegerTrace[] }).data ?? [];
  }

  async stop(): Promise<void> {
    if (!this.process || this.process.exitCode !== null) return;
    const exited = new Promise((r) => this.process!.once('exit', r));
    this.process.kill('SIGTERM');
    await exited;
  }
}
