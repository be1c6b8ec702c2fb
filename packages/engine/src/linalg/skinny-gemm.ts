import { kernelOver } from './wasm-module.js';

/** wasm/skinny-gemm.wat: C[m × n] = A[m × k] · B[k × n] for n ≤ 12, addresses in bytes. */
export interface SkinnyGemmExports {
  skinny_gemm(a: number, b: number, c: number, m: number, k: number, n: number): void;
  /** C[m × n] (+ C when acc is 1) = Aᵀ·B for A [k × m] (rows lda doubles apart) and B [k × n]; m even. */
  skinny_gemm_ta(a: number, b: number, c: number, m: number, k: number, n: number, lda: number, acc: number): void;
}

/** The narrow kernel over `memory` (a product kernel's, where its operands already are). */
export function skinnyGemmOver(memory: WebAssembly.Memory): SkinnyGemmExports {
  return kernelOver<SkinnyGemmExports>('skinny-gemm.wasm', memory);
}
