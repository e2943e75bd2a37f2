import { Writable } from 'node:stream';
import Fastify from 'fastify';
import pino from 'pino';
import { NestPinoLogger } from './nest-logger';
import { logRequests } from './request-log';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), lines };
}

describe('logRequests', () => {
  it('writes one line per answered request, except health probes and the unlogged paths', async () => {
    const { logger, lines } = capturingLogger();
    const fastify = Fastify({ genReqId: () => 'req-1' });
    logRequests(fastify, logger, ['/verify/']);
    fastify.get('/*', async (request, reply) =>
      reply.status(request.url.startsWith('/boom') ? 500 : 200).send({}),
    );
    for (const url of ['/events?x=1', '/health/live', '/verify/gtin/1', '/boom'])
      await fastify.inject({ method: 'GET', url });
    await fastify.close();

    expect(lines.map((line) => [line.level, line.req, line.res, line.reqId, line.msg])).toEqual([
      [30, { method: 'GET', url: '/events?x=1' }, { statusCode: 200 }, 'req-1', 'request completed'],
      [50, { method: 'GET', url: '/boom' }, { statusCode: 500 }, 'req-1', 'request completed'],
    ]);
    expect(typeof lines[0]!.responseTime).toBe('number');
  });
});

describe('NestPinoLogger', () => {
  it('keeps Nest’s context, stack and error arguments as fields', () => {
    const { logger, lines } = capturingLogger();
    const nest = new NestPinoLogger(logger);
    nest.log('listening', 'NestApplication');
    nest.error('failed', 'Error: failed\n    at x', 'ProblemDetails');
    nest.warn(new Error('broken'), 'Kafka');
    nest.verbose({ topic: 't' }, 'Kafka');

    expect(lines.map((line) => [line.level, line.context, line.msg])).toEqual([
      [30, 'NestApplication', 'listening'],
      [50, 'ProblemDetails', 'failed'],
      [40, 'Kafka', 'broken'],
      [10, 'Kafka', undefined],
    ]);
    expect(lines[1]!.stack).toBe('Error: failed\n    at x');
    expect((lines[2]!.err as { message: string }).message).toBe('broken');
    expect(lines[3]!.topic).toBe('t');
  });
});
