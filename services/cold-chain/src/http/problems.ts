import { ProblemException } from '@pedigree/service-runtime';
import { type ReadingProblem } from '@pedigree/temperature';

export function badRequest(detail: string, extra: Record<string, unknown> = {}): ProblemException {
  return new ProblemException({ type: 'about:blank', title: 'Bad Request', status: 400, detail, ...extra });
}

/** 400 naming every bad row and field of a readings request (`errors: [{row, field, message}]`). */
export function readingsProblem(problems: readonly ReadingProblem[]): ProblemException {
  return badRequest(`${problems.length} problem(s) in the readings; nothing of this request was kept`, {
    errors: problems,
  });
}

export function notFound(detail: string): ProblemException {
  return new ProblemException({ type: 'about:blank', title: 'Not Found', status: 404, detail });
}

export function forbidden(detail: string): ProblemException {
  return new ProblemException({ type: 'about:blank', title: 'Forbidden', status: 403, detail });
}

export function unsupportedMediaType(detail: string): ProblemException {
  return new ProblemException({ type: 'about:blank', title: 'Unsupported Media Type', status: 415, detail });
}

export function conflict(detail: string): ProblemException {
  return new ProblemException({ type: 'about:blank', title: 'Conflict', status: 409, detail });
}
