/** One field of a protocol-buffers message, as read from the wire. */
export interface ProtobufField {
  field: number;
  wireType: number;
  /** Set for varint fields. */
  varint?: bigint;
  /** Set for length-delimited fields (a view into the input, not a copy). */
  bytes?: Uint8Array;
}

export class ProtobufDecodeError extends Error {}

/**
 * A minimal protocol-buffers wire-format decoder. It walks the fields of one message;
 * nested messages are decoded by handing their bytes to another reader. Malformed input
 * (truncated fields, unknown wire types) throws ProtobufDecodeError.
 */
export function* readProtobufFields(buf: Uint8Array): Generator<ProtobufField> {
  let pos = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new ProtobufDecodeError('truncated varint');
      const b = buf[pos++] as number;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new ProtobufDecodeError('varint too long');
    }
  };
  while (pos < buf.length) {
    const key = readVarint();
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (field === 0) throw new ProtobufDecodeError('field number 0');
    switch (wireType) {
      case 0:
        yield { field, wireType, varint: readVarint() };
        break;
      case 1:
        if (pos + 8 > buf.length) throw new ProtobufDecodeError('truncated fixed64');
        yield { field, wireType, bytes: buf.subarray(pos, pos + 8) };
        pos += 8;
        break;
      case 2: {
        const len = Number(readVarint());
        if (len < 0 || pos + len > buf.length) throw new ProtobufDecodeError('truncated length-delimited field');
        yield { field, wireType, bytes: buf.subarray(pos, pos + len) };
        pos += len;
        break;
      }
      case 5:
        if (pos + 4 > buf.length) throw new ProtobufDecodeError('truncated fixed32');
        yield { field, wireType, bytes: buf.subarray(pos, pos + 4) };
        pos += 4;
        break;
      default:
        throw new ProtobufDecodeError(`unsupported wire type ${wireType}`);
    }
  }
}

/** Decodes a length-delimited field as UTF-8 text. */
export function fieldText(f: ProtobufField): string {
  if (!f.bytes || f.wireType !== 2) throw new ProtobufDecodeError(`field ${f.field} is not a string`);
  return new TextDecoder('utf-8', { fatal: true }).decode(f.bytes);
}
