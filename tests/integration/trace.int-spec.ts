// One trace from capture to the ledger (OpenTelemetry, ADR 0022): a document captured through a serialization service
// process, projected by its worker thread and logged and anchored on Fabric by a ledger-writer process, all exporting
// over OTLP to a real Jaeger (built by scripts/k8s-tools.sh), which is then asked through its query API for the trace.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { eventually, freePort, REPO_ROOT, uniqueSuffix } from '@pedigree/testing';
import { LedgerWriterUnderTest } from '../../services/ledger-writer/test/harness';
import { epcisDocument, SerializationUnderTest, story } from '../../services/serialization/test/harness';

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  processID: string;
  references: Array<{ refType: string; spanID: string }>;
  tags: Array<{ key: string; value: unknown }>;
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** A Jaeger of this test's own, on free ports, with the repository's configuration (scripts/config/jaeger.yaml). */
class Jaeger {
  private process?: ChildProcess;
  private output = '';
  otlpHttp = 0;
  query = 0;

  async start(): Promise<void> {
    const printed = spawnSync('bash', [path.join(REPO_ROOT, 'scripts/k8s-tools.sh'), 'env'], { encoding: 'utf8' });
    const binary = /^JAEGER_BIN=(.*)$/m.exec(printed.stdout)?.[1] ?? '';
    if (!existsSync(binary)) throw new Error(`${binary} missing: run bash scripts/k8s-tools.sh jaeger first`);
    const [grpc, http, query, queryGrpc] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
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
      () => this.get('/api/services').then((r) => r.status, () => 0),
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
    const response = await this.get(`/api/traces?service=${encodeURIComponent(service)}&limit=200&lookback=1h`);
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

const tag = (span: JaegerSpan, key: string) => span.tags.find((t) => t.key === key)?.value;

/** What one trace shows of each part of the path, by service and span. */
function stages(found: JaegerTrace) {
  const service = (span: JaegerSpan) => found.processes[span.processID]?.serviceName;
  const of = (name: string) => found.spans.filter((s) => service(s) === name);
  const group = (span: JaegerSpan) => String(tag(span, 'messaging.consumer.group.name') ?? '');
  const childrenOf = (span: JaegerSpan) =>
    found.spans.filter((s) => s.references.some((r) => r.refType === 'CHILD_OF' && r.spanID === span.spanID));
  const descendants = (span: JaegerSpan): JaegerSpan[] =>
    childrenOf(span).flatMap((child) => [child, ...descendants(child)]);
  const isDatabase = (s: JaegerSpan) => tag(s, 'db.system') === 'postgresql' || tag(s, 'db.system.name') === 'postgresql';
  const isGrpc = (s: JaegerSpan) => tag(s, 'rpc.system') === 'grpc';

  const serialization = of('serialization');
  const projection = serialization.filter(
    (s) => s.operationName.endsWith('epcis.events.v1 process') && group(s).includes('projector'),
  );
  const writer = of('ledger-writer');
  const appends = writer.filter((s) => s.operationName.endsWith('epcis.events.v1 process'));
  const anchoring = writer.filter((s) => s.operationName === 'ledger anchor head');
  return {
    httpServer: serialization.some((s) => tag(s, 'span.kind') === 'server' && /POST/.test(s.operationName)),
    published: serialization.some((s) => s.operationName.endsWith('epcis.events.v1 publish')),
    projectionConsumed: projection.length > 0,
    projectionDatabase: projection.some((s) => descendants(s).some(isDatabase)),
    writerConsumed: appends.length > 0,
    writerDatabase: appends.some((s) => descendants(s).some(isDatabase)),
    fabricSubmit: anchoring.some((s) => descendants(s).some(isGrpc)),
    anchorNotice: anchoring.some((s) =>
      descendants(s).some((d) => d.operationName.endsWith('ledger.anchors.v1 publish')),
    ),
  };
}

describe('one trace from POST /capture to the ledger', () => {
  const jaeger = new Jaeger();
  const serialization = new SerializationUnderTest();
  const ledger = new LedgerWriterUnderTest({}, serialization.topicPrefix);

  beforeAll(async () => {
    await jaeger.start();
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${jaeger.otlpHttp}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_SAMPLER: 'always_on',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    await serialization.start(otel);
    await ledger.start(otel);
  }, 240_000);
  afterAll(async () => {
    await ledger.stop();
    await serialization.stop();
    await jaeger.stop();
  });

  it('holds the capture (HTTP, produce), the projection (consume, database) and the ledger-writer (consume, append, Fabric submit, notice)', async () => {
    const run = uniqueSuffix();
    const { commission } = story([`T${run}-1`], 62);
    const manufacturer = await serialization.token('manufacturer', ['manufacturer']);
    const captured = await serialization.capture(epcisDocument([commission]), manufacturer);
    expect(captured.status).toBe(202);

    const complete = await eventually(
      async () => {
        const traces = await jaeger.traces('serialization');
        const scored = traces.map((t) => ({ traceID: t.traceID, stages: stages(t) }));
        return scored.find((t) => Object.values(t.stages).every(Boolean)) ?? scored;
      },
      (found) => !Array.isArray(found),
      'one trace holding every stage from capture to the anchor notice',
      180_000,
      1000,
    );
    expect(complete).toEqual({
      traceID: expect.stringMatching(/^[0-9a-f]{16,32}$/),
      stages: {
        httpServer: true,
        published: true,
        projectionConsumed: true,
        projectionDatabase: true,
        writerConsumed: true,
        writerDatabase: true,
        fabricSubmit: true,
        anchorNotice: true,
      },
    });
  }, 300_000);
});
