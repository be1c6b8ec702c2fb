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
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
}
