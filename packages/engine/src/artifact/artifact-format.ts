/**
 * The engine's model artifact: a versioned binary container.
 *
 *   bytes 0–3   "MQAR"
 *   bytes 4–7   format version, uint32 little-endian
 *   bytes 8–11  header length H, uint32 little-endian
 *   12 … 12+H   header, UTF-8 JSON: { learner, params, state, sections: [{name, type, offset, length}] }
 *   then        sections (typed-array bytes, each 8-byte aligned, little-endian), offsets
 *               counted from the end of the header
 *
 * Readers refuse an unknown format version with a clear error rather than guessing.
 */
export const ARTIFACT_FORMAT_VERSION = 1;
const MAGIC = [0x4d, 0x51, 0x41, 0x52]; // "MQAR"

export type SectionArray = Float64Array | Float32Array | Int32Array | Uint8Array | Uint32Array;

const SECTION_TYPES = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u8: Uint8Array,
  u32: Uint32Array,
} as const;
type SectionType = keyof typeof SECTION_TYPES;

export interface ArtifactContent {
  learner: string;
  params: Record<string, unknown>;
  /** Small JSON-able state (class labels, sizes). */
  state: Record<string, unknown>;
  /** Large numeric state. */
  arrays: Record<string, SectionArray>;
}

export class ArtifactError extends Error {}

export function encodeArtifact(content: ArtifactContent): Uint8Array {
  const sections: Array<{ name: string; type: SectionType; offset: number; length: number }> = [];
  let offset = 0;
  for (const [name, arr] of Object.entries(content.arrays)) {
    const type = typeOf(arr);
    sections.push({ name, type, offset, length: arr.length });
    offset += align8(arr.byteLength);
  }
  const header = new TextEncoder().encode(
    JSON.stringify({ learner: content.learner, params: content.params, state: content.state, sections }),
  );
  const headerEnd = align8(12 + header.length);
  const out = new Uint8Array(headerEnd + offset);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, ARTIFACT_FORMAT_VERSION, true);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  for (const s of sections) {
    const arr = content.arrays[s.name] as SectionArray;
    out.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), headerEnd + s.offset);
  }
  return out;
}

export function decodeArtifact(bytes: Uint8Array): ArtifactContent {
  if (bytes.length < 12 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new ArtifactError('not a Marquee model artifact');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== ARTIFACT_FORMAT_VERSION) {
    throw new ArtifactError(
      `artifact format version ${version} is not supported (this engine reads version ${ARTIFACT_FORMAT_VERSION})`,
    );
  }
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) throw new ArtifactError('artifact header runs past the end');
  let header: {
    learner: string;
    params: Record<string, unknown>;
    state: Record<string, unknown>;
    sections: Array<{ name: string; type: SectionType; offset: number; length: number }>;
  };
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + headerLength)));
  } catch {
    throw new ArtifactError('artifact header is not valid JSON');
  }
  const base = align8(12 + headerLength);
  const arrays: Record<string, SectionArray> = {};
  for (const s of header.sections ?? []) {
    const Ctor = SECTION_TYPES[s.type];
    if (!Ctor) throw new ArtifactError(`artifact section "${s.name}" has unknown type ${s.type}`);
    const start = base + s.offset;
    const byteLength = s.length * Ctor.BYTES_PER_ELEMENT;
    if (start + byteLength > bytes.length) throw new ArtifactError(`artifact section "${s.name}" runs past the end`);
    // Copy: the input's offset need not be aligned for the element type.
    const copy = bytes.slice(start, start + byteLength);
    arrays[s.name] = new Ctor(copy.buffer, 0, s.length);
  }
  return { learner: header.learner, params: header.params, state: header.state ?? {}, arrays };
}

function typeOf(arr: SectionArray): SectionType {
  if (arr instanceof Float64Array) return 'f64';
  if (arr instanceof Float32Array) return 'f32';
  if (arr instanceof Int32Array) return 'i32';
  if (arr instanceof Uint32Array) return 'u32';
  return 'u8';
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
