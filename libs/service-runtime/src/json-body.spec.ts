import { jsonObjectBody } from './json-body';
import { ProblemException } from './problem-details.filter';

describe('jsonObjectBody', () => {
  it('parses a JSON object sent as text, and passes an object through', () => {
    expect(jsonObjectBody('{"agent":"4012345000009"}')).toEqual({ agent: '4012345000009' });
    expect(jsonObjectBody({ a: 1 })).toEqual({ a: 1 });
  });

  it.each(['', 'not json', '[1]', 'null', '"text"', '42', '{"a":'])('answers 400 for %j', (body) => {
    expect(() => jsonObjectBody(body)).toThrow(ProblemException);
    try {
      jsonObjectBody(body);
    } catch (error) {
      expect((error as ProblemException).problem).toMatchObject({ status: 400, title: 'Bad Request' });
    }
  });
});
