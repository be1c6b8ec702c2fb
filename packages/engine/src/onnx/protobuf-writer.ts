/**
 * A minimal protocol-buffers wire-format encoder: enough to write ONNX ModelProto messages
 * without a schema compiler. Messages are built bottom-up: a nested message is encoded
 * first and then written as a length-delimited field of its parent.
 */
export class ProtobufWriter {
  private chunks: Uint8Array[] = [];
  private scratch = new Uint8Array(10);
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private writeVarint(value: bigint | number): void {
    // Negative int64 values are written as their two's-complement 64-bit form (10 bytes).
    let v = BigInt.asUintN(64, BigInt(value));
    let n = 0;
    while (v >= 0x80n) {
      this.scratch[n++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.scratch[n++] = Number(v);
    this.push(this.scratch.slice(0, n));
  }

  private tag(field: number, wireType: number): void {
    this.writeVarint((field << 3) | wireType);
  }

  /** int32, int64, uint64, bool and enum fields. */
  varint(field: number, value: bigint | number | boolean): this {
    this.tag(field, 0);
    this.writeVarint(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.writeVarint(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, inner: ProtobufWriter): this {
    return this.bytes(field, inner.finish());
  }

  packedVarints(field: number, values: ArrayLike<bigint | number>): this {
    const inner = new ProtobufWriter();
    for (let i = 0; i < values.length; i++) inner.writeVarint(values[i] as bigint | number);
    return this.bytes(field, inner.finish());
  }

  packedFloats(field: number, values: ArrayLike<number>): this {
    const b = new Uint8Array(values.length * 4);
    const view = new DataView(b.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }
}
