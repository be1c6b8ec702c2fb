;; C[k × n] = Aᵀ·B for A [m × k] and B [m × n] row-major float64 with k small (a linear
;; model's classes): the weights' gradient Rᵀ·X. As rank-4 updates of C, B's rows taken
;; four at a time in order: C[c][j] = (((C[c][j] + a0c·b0j) + a1c·b1j) + a2c·b2j) + a3c·b3j,
;; the four rows held in cache while every row of C passes over them. gemm.wat's 4×4
;; blocks walked all m rows of B down four of its columns for every block, streaming a
;; tall B (Fashion-MNIST's 7,500-row ranges × 784) from memory again per four columns, at
;; a fifth of its speed. Each element still sums its m products in order p = 0, 1, … with
;; a multiply then an add, from 0: gemm.wat's and the loops' bits. n is even (the caller
;; pads B's rows and C's with zeros); addresses in bytes; C is overwritten, or added to
;; when `accumulate` is 1.
(module
  (import "env" "memory" (memory 1))

  (func (export "rank_update")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32) (param $accumulate i32)
    (local $p i32) (local $cl i32) (local $j i32) (local $ldb i32) (local $lda i32) (local $rows i32)
    (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32) (local $pc i32) (local $end i32) (local $pa i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $v v128)
    (local.set $ldb (i32.shl (local.get $n) (i32.const 3)))
    (local.set $lda (i32.shl (local.get $k) (i32.const 3)))
    (if (i32.eqz (local.get $accumulate))
      (then (memory.fill (local.get $c) (i32.const 0) (i32.mul (local.get $k) (local.get $ldb)))))
    (block $done_p (loop $groups
      (br_if $done_p (i32.ge_u (local.get $p) (local.get $m)))
      (local.set $rows (i32.sub (local.get $m) (local.get $p)))
      (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $p) (local.get $ldb))))
      (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $p) (local.get $lda))))
      (if (i32.ge_u (local.get $rows) (i32.const 4))
        (then
          (local.set $b1 (i32.add (local.get $b0) (local.get $ldb)))
          (local.set $b2 (i32.add (local.get $b1) (local.get $ldb)))
          (local.set $b3 (i32.add (local.get $b2) (local.get $ldb)))
          (local.set $cl (i32.const 0))
          (block $done_c (loop $classes
            (br_if $done_c (i32.ge_u (local.get $cl) (local.get $k)))
            (local.set $s0 (v128.load64_splat (i32.add (local.get $pa) (i32.shl (local.get $cl) (i32.const 3)))))
            (local.set $s1 (v128.load64_splat (i32.add (i32.add (local.get $pa) (local.get $lda)) (i32.shl (local.get $cl) (i32.const 3)))))
            (local.set $s2 (v128.load64_splat (i32.add (i32.add (local.get $pa) (i32.shl (local.get $lda) (i32.const 1))) (i32.shl (local.get $cl) (i32.const 3)))))
            (local.set $s3 (v128.load64_splat (i32.add (i32.add (local.get $pa) (i32.mul (local.get $lda) (i32.const 3))) (i32.shl (local.get $cl) (i32.const 3)))))
            (local.set $pc (i32.add (local.get $c) (i32.mul (local.get $cl) (local.get $ldb))))
            (local.set $end (i32.add (local.get $pc) (local.get $ldb)))
            (local.set $j (i32.const 0))
            (block $done_j (loop $cols
              (br_if $done_j (i32.ge_u (local.get $pc) (local.get $end)))
              (local.set $v (v128.load (local.get $pc)))
              (local.set $v (f64x2.add (local.get $v) (f64x2.mul (local.get $s0) (v128.load (i32.add (local.get $b0) (local.get $j))))))
              (local.set $v (f64x2.add (local.get $v) (f64x2.mul (local.get $s1) (v128.load (i32.add (local.get $b1) (local.get $j))))))
              (local.set $v (f64x2.add (local.get $v) (f64x2.mul (local.get $s2) (v128.load (i32.add (local.get $b2) (local.get $j))))))
              (local.set $v (f64x2.add (local.get $v) (f64x2.mul (local.get $s3) (v128.load (i32.add (local.get $b3) (local.get $j))))))
              (v128.store (local.get $pc) (local.get $v))
              (local.set $pc (i32.add (local.get $pc) (i32.const 16)))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br $cols)))
            (local.set $cl (i32.add (local.get $cl) (i32.const 1)))
            (br $classes)))
          (local.set $p (i32.add (local.get $p) (i32.const 4))))
        (else
          ;; The last one to three rows, one at a time.
          (local.set $cl (i32.const 0))
          (block $done_c1 (loop $classes1
            (br_if $done_c1 (i32.ge_u (local.get $cl) (local.get $k)))
            (local.set $s0 (v128.load64_splat (i32.add (local.get $pa) (i32.shl (local.get $cl) (i32.const 3)))))
            (local.set $pc (i32.add (local.get $c) (i32.mul (local.get $cl) (local.get $ldb))))
            (local.set $end (i32.add (local.get $pc) (local.get $ldb)))
            (local.set $j (i32.const 0))
            (block $done_j1 (loop $cols1
              (br_if $done_j1 (i32.ge_u (local.get $pc) (local.get $end)))
              (v128.store (local.get $pc) (f64x2.add (v128.load (local.get $pc))
                (f64x2.mul (local.get $s0) (v128.load (i32.add (local.get $b0) (local.get $j))))))
              (local.set $pc (i32.add (local.get $pc) (i32.const 16)))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br $cols1)))
            (local.set $cl (i32.add (local.get $cl) (i32.const 1)))
            (br $classes1)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))))
      (br $groups)))
  )
)
