import { jsonPointer } from './errors';

/**
 * Where a value sits in a document. Hashing visits every value but reports a problem at most once, so
 * the JSON pointer is only written out when a problem is reported.
 */
export class Location {
  private constructor(
    private readonly parent: Location | undefined,
    private readonly segment: string | number,
  ) {}

  /** The location a complete JSON pointer names (`''` for the root). */
  static of(pointer: string): Location {
    return new Location(undefined, pointer);
  }

  /** The member `segment` (a key or an array index) of the value here. */
  at(segment: string | number): Location {
    return new Location(this, segment);
  }

  /** The RFC 6901 JSON pointer of this location. */
  pointer(): string {
    return this.parent === undefined
      ? String(this.segment)
      : jsonPointer(this.parent.pointer(), this.segment);
  }
}
