import { AiComponent, AiDefinition, lookupAi } from './ai-table';
import { CHARSET_NAMES, firstInvalidCharacter } from './charsets';
import { assertCheckDigit } from './check-digit';
import { DateOptions, parseTimeOfDay, parseYymmdd } from './dates';
import { Gs1Error } from './errors';

/** One AI and its value, e.g. `{ ai: '17', value: '261231' }`. */
export interface Gs1Element {
  ai: string;
  value: string;
}

export function aiDefinitionOrThrow(ai: string): AiDefinition {
  const definition = lookupAi(ai);
  if (!definition)
    throw new Gs1Error('UNKNOWN_AI', `AI (${ai}) is not a known GS1 Application Identifier`, ai);
  return definition;
}

/** Splits a value into its components (fixed-length ones first; the last one takes the rest). */
function splitComponents(definition: AiDefinition, value: string): string[] {
  const parts: string[] = [];
  let position = 0;
  definition.components.forEach((component, index) => {
    const isLast = index === definition.components.length - 1;
    const length = isLast ? value.length - position : component.maxLength;
    parts.push(value.slice(position, position + length));
    position += length;
  });
  return parts;
}

function checkComponent(
  definition: AiDefinition,
  component: AiComponent,
  part: string,
  options: DateOptions,
): void {
  const { ai, title } = definition;
  if (part.length === 0 && component.optional) return;
  const bad = firstInvalidCharacter(part, component.charset);
  if (bad !== undefined) {
    throw new Gs1Error(
      'CHARSET',
      `AI (${ai}) ${title} contains "${bad}", which is not allowed (${CHARSET_NAMES[component.charset]})`,
      ai,
    );
  }
  if (part.length < component.minLength || part.length > component.maxLength) {
    const expected =
      component.minLength === component.maxLength
        ? `${component.maxLength}`
        : `${component.minLength}-${component.maxLength}`;
    throw new Gs1Error(
      'LENGTH',
      `AI (${ai}) ${title} component "${part}" has length ${part.length}, expected ${expected}`,
      ai,
    );
  }
  switch (component.rule) {
    case 'checkDigit':
      assertCheckDigit(part, `AI (${ai}) ${title}`, ai);
      break;
    case 'date':
      parseYymmdd(part, false, ai, options);
      break;
    case 'dateZeroDay':
      parseYymmdd(part, true, ai, options);
      break;
    case 'dateTime':
      parseYymmdd(part.slice(0, 6), false, ai, options);
      parseTimeOfDay(part.slice(6), ai);
      break;
    case 'dateHour':
      parseYymmdd(part.slice(0, 6), false, ai, options);
      parseTimeOfDay(part.slice(6), ai);
      break;
    case 'minutesSeconds':
      parseTimeOfDay(`00${part}`, ai);
      break;
    case 'noZeroPrefix':
      if (part.length > 1 && part.startsWith('0')) {
        throw new Gs1Error('SYNTAX', `AI (${ai}) ${title} "${part}" must not start with 0`, ai);
      }
      break;
    case 'pieceOfTotal': {
      const piece = Number(part.slice(0, 2));
      const total = Number(part.slice(2, 4));
      if (piece < 1 || total < 1 || piece > total) {
        throw new Gs1Error(
          'SYNTAX',
          `AI (${ai}) ${title} piece ${part.slice(0, 2)} of total ${part.slice(2, 4)} is not valid`,
          ai,
        );
      }
      break;
    }
    case undefined:
      break;
  }
}

/**
 * Validates one AI value: known AI, total length, character set of each component, check digit, date.
 * Throws a Gs1Error naming the AI on the first problem.
 */
export function validateElement(element: Gs1Element, options: DateOptions = {}): AiDefinition {
  const definition = aiDefinitionOrThrow(element.ai);
  const { ai, title } = definition;
  const { value } = element;
  if (value.length < definition.minLength || value.length > definition.maxLength) {
    const expected =
      definition.fixedLength !== undefined
        ? `${definition.fixedLength}`
        : `${definition.minLength}-${definition.maxLength}`;
    throw new Gs1Error('LENGTH', `AI (${ai}) ${title} has length ${value.length}, expected ${expected}`, ai);
  }
  if (ai === '8003' && value[0] !== '0') {
    throw new Gs1Error('SYNTAX', `AI (8003) GRAI must start with the filler digit 0, got "${value[0]}"`, ai);
  }
  const parts = splitComponents(definition, value);
  definition.components.forEach((component, index) =>
    checkComponent(definition, component, parts[index], options),
  );
  return definition;
}

/** Title of an AI, or `UNKNOWN` when it is not in the table. */
export function aiTitle(ai: string): string {
  return lookupAi(ai)?.title ?? 'UNKNOWN';
}
