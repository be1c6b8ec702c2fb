import { kernelOver } from './wasm-module.js';

/** wasm/skinny-gemm.wat: C[m × n] = A[m × k] · B[k × n] for n ≤ 12, addresses in bytes. */
export interface SkinnyGemmExports {
  skinny_gemm(a: number, b: number, c: number, m: number, k: number, n: number): void;
  /** C[m × n] (+ C when acc is 1) = Aᵀ·B for A [k × m] (rows lda doubles apart) and B [k × n]; m even. */
  skinny_gemm_ta(a: number, b: number, c: number, m: number, k: number, n: number, lda: number, acc: number): void;
}

/**
 * Whether a product n columns wide goes through the narrow kernel rather than gemm.wat's
 * padded 4×4 blocks (measured, 1,252 × 784 rows: 1.43× at n = 5, 1.45× at 6, 1.19× at 8,
 * 1.30× at 10, 1.09× at 12; 0.96× at 3, where padding to 4 costs little).
 */
export function isSkinny(n: number): boolean {
  return n >= 5 && n <= 12;
}

/** The narrow kernel over `memory` (a product kernel's, where its operands already are). */
export function skinnyGemmOver(memory: WebAssembly.Memory): SkinnyGemmExports {
  return kernelOver<SkinnyGemmExports>('skinny-gemm.wasm', memory);
}
