/**
 * The single error type of libs/gs1. `code` is machine-readable, `ai` names the Application Identifier
 * concerned (when there is one) and the message says precisely what is wrong.
 */
export type Gs1ErrorCode =
  | 'CHECK_DIGIT'
  | 'LENGTH'
  | 'CHARSET'
  | 'DATE'
  | 'UNKNOWN_AI'
  | 'UNKNOWN_GCP_LENGTH'
  | 'SYNTAX'
  | 'UNSUPPORTED';

export class Gs1Error extends Error {
  constructor(
    readonly code: Gs1ErrorCode,
    message: string,
    readonly ai?: string,
  ) {
    super(message);
    this.name = 'Gs1Error';
  }
}
