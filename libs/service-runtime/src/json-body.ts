import { ProblemException } from './problem-details.filter';

/**
 * A JSON request body as an object. The runtime hands JSON bodies to controllers as text (so a handler sees exactly
 * what was sent); this parses it and answers 400 problem+json for anything but one JSON object.
 */
export function jsonObjectBody(body: unknown): Record<string, unknown> {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch (error) {
      throw badBody(`the body is not JSON: ${(error as Error).message}`);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw badBody('the body must be a JSON object');
  return value as Record<string, unknown>;
}

function badBody(detail: string): ProblemException {
  return new ProblemException({ type: 'about:blank', title: 'Bad Request', status: 400, detail });
}
