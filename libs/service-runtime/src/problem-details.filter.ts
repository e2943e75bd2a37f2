import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** An RFC 9457 problem details body. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

/** Throw this to answer with a specific problem type (e.g. an EPCIS exception) and extension members. */
export class ProblemException extends HttpException {
  constructor(readonly problem: ProblemDetails) {
    super(problem, problem.status);
  }
}

export type ProblemRefiner = (problem: ProblemDetails, request: FastifyRequest) => ProblemDetails;

/**
 * Every error leaves the service as `application/problem+json` (RFC 9457); internal details stay in the log. (Requests
 * refused before a controller runs — 405, a NUL in the URL, 414, 431 — are answered by request-screening.ts.)
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  constructor(private readonly refine: ProblemRefiner = (problem) => problem) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = { ...this.refine(toProblem(exception), request), instance: request.url };
    if (problem.status >= 500) {
      // An answer the service chose (503 while a dependency is down) gets one line; anything else is a fault.
      if (exception instanceof ProblemException)
        this.logger.warn(
          `${request.method} ${request.url}: ${problem.status} ${problem.detail ?? problem.title}`,
        );
      else this.logger.error(exception);
    }
    void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
  }
}

function toProblem(exception: unknown): ProblemDetails {
  if (exception instanceof ProblemException) return exception.problem;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const body =
      typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
    if (typeof body.type === 'string' && typeof body.title === 'string')
      return { ...body, status } as ProblemDetails;
    const message = Array.isArray(body.message)
      ? body.message.join('; ')
      : (body.message ?? exception.message);
    return {
      type: 'about:blank',
      title: typeof body.error === 'string' ? body.error : (HttpStatus[status] ?? 'Error').replace(/_/g, ' '),
      status,
      detail: String(message),
    };
  }
  if (isFastifyError(exception)) {
    return {
      type: 'about:blank',
      title: exception.code,
      status: exception.statusCode,
      detail: exception.message,
    };
  }
  return {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'an unexpected error occurred',
  };
}

function isFastifyError(e: unknown): e is { statusCode: number; code: string; message: string } {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { statusCode?: unknown }).statusCode === 'number' &&
    typeof (e as { code?: unknown }).code === 'string'
  );
}
