/**
 * The part of the WebAssembly JavaScript API the engine uses. TypeScript declares it in
 * its DOM library only, and @types/node 20 does not; Node 20 provides it at run time.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: object);
    readonly exports: Record<string, unknown>;
  }
  class LinkError extends Error {}
  class Memory {
    /** `shared` (with a maximum): its buffer is a SharedArrayBuffer, and the memory can be posted to workers. */
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(pages: number): number;
  }
}
