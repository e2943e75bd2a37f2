import { aiAtStartOf } from './ai-table';
import { DateOptions } from './dates';
import { Gs1Element, aiDefinitionOrThrow, validateElement } from './element';
import { Gs1Error } from './errors';

/**
 * GS1 element strings (GS1 General Specifications §3 and §7.8): the bracketed human-readable form
 * `(01)09506000134352(10)ABC` and the raw scanner form, optionally with a symbology identifier
 * (`]C1`, `]e0`, `]d2`, `]Q3`, `]J1`) and with FNC1 transmitted as ASCII 29 (GS) after variable-length AIs.
 */
export const GROUP_SEPARATOR = '\u001d';

/**
 * How scanner manuals, terminals and shell users write the group separator (ASCII 29, FNC1 in GS1 data) as text:
 * `\x1d` and `\u001d` (escape sequences, any case of the hex digits), `<GS>`, `{GS}` and `[GS]` (control-character
 * names, any case), `^]` (caret notation, as terminals echo Ctrl+]) and `␝` (U+241D, the Unicode picture of GS).
 */
const GROUP_SEPARATOR_NOTATION = /\\x1d|\\u001d|<GS>|\{GS\}|\[GS\]|\^\]|\u241d/gi;

/** Whether `text` holds one of the written notations of the group separator. */
export function hasGroupSeparatorNotation(text: string): boolean {
  return new RegExp(GROUP_SEPARATOR_NOTATION.source, 'i').test(text);
}

/**
 * Replaces every written notation of the group separator (see {@link GROUP_SEPARATOR_NOTATION}) by ASCII 29. All but
 * `<GS>` use a character outside GS1 AI encodable character set 82 (`\`, `{`, `}`, `[`, `]`, `^`, `␝`) and so can never
 * be part of an AI value; `<` and `>` are in set 82, so `<GS>` may be data: callers that take text they cannot ask
 * about should read it both ways (see the serialization service's scanned-code endpoint).
 */
export function replaceGroupSeparatorNotations(text: string): string {
  return text.replace(GROUP_SEPARATOR_NOTATION, GROUP_SEPARATOR);
}

/** Symbology identifiers (ISO/IEC 15424) that announce GS1 data. */
export const GS1_SYMBOLOGY_IDENTIFIERS: Record<string, string> = {
  ']C1': 'GS1-128',
  ']e0': 'GS1 DataBar',
  ']d2': 'GS1 DataMatrix',
  ']Q3': 'GS1 QR Code',
  ']J1': 'GS1 DotCode',
};

export type ElementStringForm = 'bracketed' | 'raw';

export interface ParsedElementString {
  input: string;
  form: ElementStringForm;
  symbologyIdentifier?: string;
  elements: Gs1Element[];
}

/** Parses either form (bracketed when it starts with `(`) and validates every element and their combination. */
export function parseElementString(input: string, options: DateOptions = {}): ParsedElementString {
  const parsed = input.startsWith('(') ? parseBracketed(input) : parseRaw(input);
  if (parsed.elements.length === 0) throw new Gs1Error('SYNTAX', 'The element string holds no AI');
  parsed.elements.forEach((element) => validateElement(element, options));
  checkElementCombinations(parsed.elements);
  return parsed;
}

function parseBracketed(input: string): ParsedElementString {
  const elements: Gs1Element[] = [];
  let position = 0;
  while (position < input.length) {
    const aiMatch = /^\(([0-9]{2,4})\)/.exec(input.slice(position));
    if (!aiMatch) {
      throw new Gs1Error('SYNTAX', `Expected "(AI)" at position ${position} of "${input}"`);
    }
    const ai = aiMatch[1];
    aiDefinitionOrThrow(ai);
    position += aiMatch[0].length;
    let value = '';
    while (position < input.length && input[position] !== '(') {
      if (input[position] === '\\' && input[position + 1] === '(') {
        value += '(';
        position += 2;
      } else {
        value += input[position];
        position += 1;
      }
    }
    elements.push({ ai, value });
  }
  return { input, form: 'bracketed', elements };
}

function parseRaw(input: string): ParsedElementString {
  let data = input;
  let symbologyIdentifier: string | undefined;
  if (data.startsWith(']')) {
    symbologyIdentifier = data.slice(0, 3);
    if (!Object.hasOwn(GS1_SYMBOLOGY_IDENTIFIERS, symbologyIdentifier)) {
      throw new Gs1Error(
        'SYNTAX',
        `Symbology identifier "${symbologyIdentifier}" does not announce GS1 data`,
      );
    }
    data = data.slice(3);
  }
  if (data.startsWith(GROUP_SEPARATOR)) data = data.slice(1);
  const elements: Gs1Element[] = [];
  while (data.length > 0) {
    const definition = aiAtStartOf(data);
    if (!definition) {
      throw new Gs1Error(
        'UNKNOWN_AI',
        `No known GS1 Application Identifier at the start of "${data.slice(0, 4)}…"`,
        data.slice(0, 4),
      );
    }
    const { ai, title } = definition;
    data = data.slice(ai.length);
    let value: string;
    if (definition.fixedLength !== undefined) {
      value = data.slice(0, definition.fixedLength);
      if (value.length < definition.fixedLength || value.includes(GROUP_SEPARATOR)) {
        throw new Gs1Error('LENGTH', `AI (${ai}) ${title} needs ${definition.fixedLength} characters`, ai);
      }
    } else {
      const end = data.indexOf(GROUP_SEPARATOR);
      value = end < 0 ? data : data.slice(0, end);
      if (value.length > definition.maxLength) {
        throw new Gs1Error(
          'LENGTH',
          `AI (${ai}) ${title} has length ${value.length}, at most ${definition.maxLength} (FNC1 separator missing?)`,
          ai,
        );
      }
    }
    data = data.slice(value.length);
    if (data.startsWith(GROUP_SEPARATOR)) data = data.slice(1);
    elements.push({ ai, value });
  }
  return { input, form: 'raw', ...(symbologyIdentifier ? { symbologyIdentifier } : {}), elements };
}

/** AIs that only make sense together with one of the listed AIs (GS1 General Specifications §4.13). */
const REQUIRES_ONE_OF: Record<string, string[]> = {
  '10': ['01', '02', '03', '8006', '8026'],
  '17': ['01', '02', '03', '255', '8006', '8026'],
  '21': ['01', '03', '8006'],
  '22': ['01'],
  '235': ['01'],
  '254': ['414'],
  '8011': ['8010'],
  '8019': ['8017', '8018'],
  '8020': ['415'],
};

/** Pairs of AIs that must not appear together (GS1 General Specifications §4.13). */
const INVALID_PAIRS: [string, string][] = [
  ['01', '02'],
  ['01', '03'],
  ['01', '37'],
  ['01', '255'],
  ['01', '8006'],
  ['02', '8006'],
  ['21', '235'],
  ['8017', '8018'],
];

/**
 * Checks a set of elements against each other: no AI twice with different values, every AI that needs a partner has
 * one (e.g. (10) needs (01), (02), (03), (8006) or (8026)), no pair that must not appear together. AIs in
 * `associatedByStructure` already have their partner by the structure they come in (the key qualifiers after their
 * primary key in a Digital Link path, such as (22) after (8006)).
 */
export function checkElementCombinations(
  elements: readonly Gs1Element[],
  associatedByStructure: readonly string[] = [],
): void {
  const seen = new Map<string, string>();
  for (const { ai, value } of elements) {
    const previous = seen.get(ai);
    if (previous !== undefined && previous !== value) {
      throw new Gs1Error(
        'SYNTAX',
        `AI (${ai}) appears twice with different values "${previous}" and "${value}"`,
        ai,
      );
    }
    seen.set(ai, value);
  }
  for (const [ai, partners] of Object.entries(REQUIRES_ONE_OF)) {
    if (
      seen.has(ai) &&
      !associatedByStructure.includes(ai) &&
      !partners.some((partner) => seen.has(partner))
    ) {
      throw new Gs1Error(
        'SYNTAX',
        `AI (${ai}) requires ${partners.map((p) => `(${p})`).join(' or ')} in the same element string`,
        ai,
      );
    }
  }
  for (const [a, b] of INVALID_PAIRS) {
    if (seen.has(a) && seen.has(b))
      throw new Gs1Error('SYNTAX', `AIs (${a}) and (${b}) must not appear together`, b);
  }
}

export interface FormatElementStringOptions {
  form?: ElementStringForm;
  /** Prepended to the raw form, e.g. `]d2`. */
  symbologyIdentifier?: string;
}

/**
 * Formats elements as the bracketed form (default; `(` inside a value is written `\(`) or the raw form
 * (GS after every element that is not of predefined length, except the last). Elements are validated first.
 */
export function formatElementString(
  elements: readonly Gs1Element[],
  options: FormatElementStringOptions = {},
): string {
  elements.forEach((element) => validateElement(element));
  if (options.form !== 'raw') {
    return elements.map(({ ai, value }) => `(${ai})${value.replaceAll('(', '\\(')}`).join('');
  }
  const body = elements
    .map(({ ai, value }, index) => {
      const separator =
        aiDefinitionOrThrow(ai).fnc1Required && index < elements.length - 1 ? GROUP_SEPARATOR : '';
      return `${ai}${value}${separator}`;
    })
    .join('');
  return `${options.symbologyIdentifier ?? ''}${body}`;
}
