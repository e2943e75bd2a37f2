import type { FastifyInstance } from 'fastify';
import type { Logger } from '@pedigree/observability';

/**
 * One access-log line per answered request (request id, method, URL, status, duration in ms), except health probes
 * and requests under `unloggedPaths`: high-rate routes that keep their own record of every request.
 */
export function logRequests(
  fastify: FastifyInstance,
  logger: Logger,
  unloggedPaths: readonly string[],
): void {
  const skipped = ['/health', ...unloggedPaths];
  fastify.addHook('onResponse', (request, reply, done) => {
    if (!skipped.some((prefix) => request.url.startsWith(prefix))) {
      const statusCode = reply.statusCode;
      logger[statusCode >= 500 ? 'error' : 'info'](
        {
          reqId: request.id,
          req: { method: request.method, url: request.url },
          res: { statusCode },
          responseTime: Math.round(reply.elapsedTime * 1000) / 1000,
        },
        'request completed',
      );
    }
    done();
  });
}
