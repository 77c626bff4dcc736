/**
 * The little of protobuf that KPL aggregation needs: varints and length-delimited fields, read and
 * written by hand (no schema compiler, no dependency).
 */
export class ProtoReader {
  #pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.#pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.#pos >= this.buf.length) throw new RangeError('truncated varint');
      const byte = this.buf[this.#pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new RangeError('varint too long');
    }
  }

  /** Field number and wire type of the next field. */
  tag(): { field: number; wire: number } {
    const t = Number(this.varint());
    return { field: t >>> 3, wire: t & 7 };
  }

  bytes(): Uint8Array {
    const length = Number(this.varint());
    const end = this.#pos + length;
    if (end > this.buf.length) throw new RangeError('truncated field');
    const out = this.buf.subarray(this.#pos, end);
    this.#pos = end;
    return out;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 2) this.bytes();
    else if (wire === 1) this.#pos += 8;
    else if (wire === 5) this.#pos += 4;
    else throw new RangeError(`unsupported wire type ${wire}`);
  }
}

export class ProtoWriter {
  readonly #parts: number[] = [];

  varint(value: number | bigint): this {
    let v = BigInt(value);
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      this.#parts.push(byte);
    } while (v > 0n);
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2).varint(value.length);
    for (const b of value) this.#parts.push(b);
    return this;
  }

  uint(field: number, value: number): this {
    return this.tag(field, 0).varint(value);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.#parts);
  }
}
