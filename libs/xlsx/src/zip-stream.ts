import { Readable, pipeline } from 'node:stream';
import { crc32, createDeflateRaw } from 'node:zlib';

/** One file of a ZIP archive: its name and its bytes, whole or as a stream pulled while the archive is written. */
export interface ZipEntry {
  name: string;
  data: string | Buffer | AsyncIterable<Buffer>;
}

/** Sizes and offsets are 32-bit fields in a ZIP archive without the ZIP64 extension, which this writer does not write. */
const LIMIT = 0xffffffff;
/** General purpose flags: sizes and CRC follow the data (bit 3), names are UTF-8 (bit 11). */
const FLAGS = 0x0808;
const DEFLATE = 8;
const VERSION = 20;

function dosDateTime(at: Date): { time: number; date: number } {
  const year = Math.max(1980, at.getUTCFullYear());
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | (at.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

function localHeader(name: Buffer, time: number, date: number): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(FLAGS, 6);
  header.writeUInt16LE(DEFLATE, 8);
  header.writeUInt16LE(time, 10);
  header.writeUInt16LE(date, 12);
  // CRC-32 and both sizes stay 0 here: they follow the data in its descriptor (flag bit 3).
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, name]);
}

interface Written {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

function dataDescriptor({ crc, compressed, size }: Written): Buffer {
  const descriptor = Buffer.alloc(16);
  descriptor.writeUInt32LE(0x08074b50, 0);
  descriptor.writeUInt32LE(crc, 4);
  descriptor.writeUInt32LE(compressed, 8);
  descriptor.writeUInt32LE(size, 12);
  return descriptor;
}

function centralHeader(entry: Written, time: number, date: number): Buffer {
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(VERSION, 6);
  header.writeUInt16LE(FLAGS, 8);
  header.writeUInt16LE(DEFLATE, 10);
  header.writeUInt16LE(time, 12);
  header.writeUInt16LE(date, 14);
  header.writeUInt32LE(entry.crc, 16);
  header.writeUInt32LE(entry.compressed, 20);
  header.writeUInt32LE(entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt32LE(entry.offset, 42);
  return Buffer.concat([header, entry.name]);
}

function endOfCentralDirectory(entries: number, size: number, offset: number): Buffer {
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries, 8);
  end.writeUInt16LE(entries, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return end;
}

async function* bytesOf(data: ZipEntry['data']): AsyncGenerator<Buffer> {
  if (typeof data === 'string') yield Buffer.from(data, 'utf8');
  else if (Buffer.isBuffer(data)) yield data;
  else yield* data;
}

function within(value: number, what: string): number {
  if (value > LIMIT)
    throw new RangeError(`${what} exceeds 4 GiB, more than a ZIP archive without ZIP64 holds`);
  return value;
}

/**
 * A ZIP archive (PKWARE APPNOTE 6.3, deflate, no ZIP64) written as a stream: each entry's data is pulled, deflated
 * and passed on as it comes, with its CRC-32 and sizes in a data descriptor after it, so no entry is ever held whole.
 * Entries are pulled one after the other, so a later entry may depend on what an earlier one's stream saw.
 */
export async function* zipStream(
  entries: Iterable<ZipEntry> | AsyncIterable<ZipEntry>,
  modified: Date = new Date(),
): AsyncGenerator<Buffer> {
  const { time, date } = dosDateTime(modified);
  const written: Written[] = [];
  let offset = 0;
  for await (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const header = localHeader(name, time, date);
    const current: Written = { name, crc: 0, compressed: 0, size: 0, offset: within(offset, 'the archive') };
    yield header;
    offset += header.length;
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const chunk of bytesOf(entry.data)) {
        current.crc = crc32(chunk, current.crc);
        current.size = within(current.size + chunk.length, entry.name);
        yield chunk;
      }
    }
    const deflate = createDeflateRaw();
    // An error of the entry's data destroys the deflate stream with it, so the loop below throws it on.
    pipeline(Readable.from(counted()), deflate, () => undefined);
    for await (const chunk of deflate as AsyncIterable<Buffer>) {
      current.compressed = within(current.compressed + chunk.length, entry.name);
      yield chunk;
    }
    const descriptor = dataDescriptor(current);
    yield descriptor;
    offset += current.compressed + descriptor.length;
    written.push(current);
  }
  if (written.length > 0xffff) throw new RangeError('more than 65,535 entries need ZIP64');
  const central = Buffer.concat(written.map((entry) => centralHeader(entry, time, date)));
  yield central;
  yield endOfCentralDirectory(written.length, central.length, within(offset, 'the archive'));
}
