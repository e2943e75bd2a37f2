import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ProblemDetails } from './problem-details.filter';
import type { RouteTable } from './route-table';

/**
 * Answers for requests refused before any controller runs — by Node's HTTP parser, by Fastify's router, or because
 * the URL can never be valid — as `application/problem+json` like every other error (RFC 9457).
 */
export function problemOf(status: number, detail: string, instance?: string): ProblemDetails {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...(instance === undefined ? {} : { instance }),
  };
}

function sendProblem(reply: FastifyReply, problem: ProblemDetails): FastifyReply {
  return reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
}

/**
 * Node's HTTP parser refuses a request before Fastify sees it (headers or request line over the size limit, a
 * malformed request, a slow client): the answer is written on the socket, which is then closed.
 */
export function problemClientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problemOf(431, 'the request line and headers are longer than the server accepts (16 KiB)')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? problemOf(408, 'the request was not received in time')
        : problemOf(400, 'the request is not valid HTTP');
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 ${problem.status} ${problem.title}\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Fastify's router refuses a URL (a malformed %-escape, a path parameter over its length limit). */
export function problemFrameworkErrors(
  error: Error & { code?: string },
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const instance = request.url;
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void sendProblem(reply, problemOf(414, 'a path segment is longer than the server accepts', instance));
  } else if (error.code === 'FST_ERR_BAD_URL') {
    void sendProblem(reply, problemOf(400, 'the URL holds a malformed %-escape', instance));
  } else {
    void sendProblem(reply, problemOf(400, error.message, instance));
  }
}

/** `%00` anywhere in the URL (path or query), or a raw NUL: no identifier or parameter may hold one. */
function holdsNul(url: string): boolean {
  return url.includes('\u0000') || /%00/i.test(url);
}

/**
 * Screens every request once routed and before its body is read: a URL holding a NUL character is refused (400), and
 * a path the service serves asked with a method it does not serve answers 405 with `Allow` (RFC 9110 §15.5.6), also
 * for methods that carry a body (QUERY, POST) sent without one.
 */
export function screenRequests(fastify: FastifyInstance, routes: RouteTable): void {
  fastify.addHook('onRequest', async (request, reply) => {
    if (holdsNul(request.url)) {
      return sendProblem(reply, problemOf(400, 'the URL holds a NUL character (%00)', request.url));
    }
    const allowed = routes.methodsAt(request.url);
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      void reply.header('allow', allowed.join(', '));
      return sendProblem(
        reply,
        problemOf(405, `${request.method} is not served here; allowed: ${allowed.join(', ')}`, request.url),
      );
    }
    return undefined;
  });
}
