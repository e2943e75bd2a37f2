// One trace from capture to the ledger (OpenTelemetry, ADR 0022): a document captured through a serialization service
// process, projected by its worker thread and logged and anchored on Fabric by a ledger-writer process, all exporting
// over OTLP to a real Jaeger (built by scripts/k8s-tools.sh), which is then asked through its query API for the trace.
import { eventually, Jaeger, uniqueSuffix, type JaegerSpan, type JaegerTrace } from '@pedigree/testing';
import { LedgerWriterUnderTest } from '../../services/ledger-writer/test/harness';
import { epcisDocument, SerializationUnderTest, story } from '../../services/serialization/test/harness';

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
  const isDatabase = (s: JaegerSpan) =>
    tag(s, 'db.system') === 'postgresql' || tag(s, 'db.system.name') === 'postgresql';
  const isGrpc = (s: JaegerSpan) => tag(s, 'rpc.system') === 'grpc';

  const serialization = of('serialization');
  const projection = serialization.filter(
    (s) => s.operationName.endsWith('epcis.events.v1 process') && group(s).includes('projector'),
  );
  const writer = of('ledger-writer');
  const appends = writer.filter((s) => s.operationName.endsWith('epcis.events.v1 process'));
  const anchoring = writer.filter((s) => s.operationName === 'ledger anchor head');
  return {
    httpServer: serialization.some(
      (s) => tag(s, 'span.kind') === 'server' && s.operationName === 'POST /capture',
    ),
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
