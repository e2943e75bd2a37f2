import { EPCIS_CONTEXT_PREFIXES } from '@pedigree/epcis';

/**
 * The pieces of an EPCIS 2.0 SimpleEventQuery that the filters share: extension field names, typed operands and the
 * comparison operators (EPCIS 2.0 §8.2.7.1). Pure; the repository turns them into SQL.
 */

export type Comparison = 'EQ' | 'GT' | 'GE' | 'LT' | 'LE';

/** A value a field is compared with: text, a number, an instant (ISO 8601, UTC) or a boolean. */
export type Operand =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'time'; value: string }
  | { type: 'boolean'; value: boolean };

/** EXISTS, or a comparison with any of the operands (EQ may have several; the others exactly one). */
export type ValueTest = { op: 'EXISTS' } | { op: Comparison; operands: Operand[] };

/**
 * The name of an extension field as a query gives it (`prefix:localName`). The prefix means the namespace the EPCIS
 * 2.0 context gives it (`cbvmda`, `gs1`, …), matching a field whatever prefix its event declared for that namespace;
 * any other prefix is matched as the captured event wrote it (a GET query has no @context to declare one).
 */
export interface ExtensionFieldName {
  name: string;
  localName: string;
  namespace?: string;
}

const FIELD_NAME = /^([a-z][a-zA-Z0-9]*):(\w+)$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
export const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function extensionFieldName(text: string): ExtensionFieldName | undefined {
  const match = FIELD_NAME.exec(text);
  if (!match) return undefined;
  const namespace = EPCIS_CONTEXT_PREFIXES[match[1]!];
  return { name: text, localName: match[2]!, ...(namespace ? { namespace } : {}) };
}

export function numberOf(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

export function timeOf(text: string): string | undefined {
  if (!TIME.test(text)) return undefined;
  const time = Date.parse(text);
  // PostgreSQL has no year 0: an instant before year 1 is no date-time a query can use.
  return Number.isNaN(time) || time < Date.UTC(1, 0, 1) ? undefined : new Date(time).toISOString();
}

/** What an EQ_ value may stand for: always its text, and its number or instant when it reads as one. */
export function equalityOperands(values: string[]): Operand[] {
  return values.flatMap((value): Operand[] => {
    const number = numberOf(value);
    const time = timeOf(value);
    return [
      { type: 'string', value },
      ...(number === undefined ? [] : [{ type: 'number' as const, value: number }]),
      ...(time === undefined ? [] : [{ type: 'time' as const, value: time }]),
    ];
  });
}

/** The operand of GT_/GE_/LT_/LE_: a number or a date-time with its offset. */
export function orderedOperand(value: string): Operand | undefined {
  const number = numberOf(value);
  if (number !== undefined) return { type: 'number', value: number };
  const time = timeOf(value);
  return time === undefined ? undefined : { type: 'time', value: time };
}
