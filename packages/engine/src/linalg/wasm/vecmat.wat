;; Vector times matrix for the engine: out[t] = Σ_j q[j] · B[j][t] for t < n, B row-major
;; [d × n] float64, addresses in bytes. Eight outputs at a time sit in four f64x2
;; registers while j runs over d, each q[j] loaded once for all eight; outputs past the
;; last full eight are done one at a time. Every output sums its d products in order
;; j = 0, 1, … with a multiply then an add, as a JavaScript loop does, so both give the
;; same bits. The memory is imported: a matrix can be multiplied where another kernel
;; keeps it (resident-design.ts).
;;
;; matvec is the other side: out[j] = Σ_i A[j][i] · v[i] for j < d, A row-major [d × n],
;; each output summed i = 0, 1, … as vecmat sums j. A product Xᵀ·r then reads the same
;; transposed copy as the scores X·w = w·Xᵀ, so a binary logistic regression's range
;; keeps one copy of X in cache instead of two (two copies of spambase, 3.4 MB, did
;; not fit a 2 MB L2: both products together took 2.3× their times apart).
(module
  (import "env" "memory" (memory 1))

  (func (export "vecmat") (param $q i32) (param $b i32) (param $out i32) (param $d i32) (param $n i32)
    (local $n8 i32) (local $t i32) (local $j i32) (local $ldb i32)
    (local $pq i32) (local $pb i32) (local $x v128) (local $s f64)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local.set $n8 (i32.and (local.get $n) (i32.const -8)))
    (local.set $ldb (i32.shl (local.get $n) (i32.const 3)))
    (local.set $t (i32.const 0))
    (block $done_t (loop $cols
      (br_if $done_t (i32.ge_u (local.get $t) (local.get $n8)))
      (local.set $c0 (v128.const f64x2 0 0)) (local.set $c1 (v128.const f64x2 0 0))
      (local.set $c2 (v128.const f64x2 0 0)) (local.set $c3 (v128.const f64x2 0 0))
      (local.set $pq (local.get $q))
      ;; pb = &B[0][t]
      (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $t) (i32.const 3))))
      (local.set $j (i32.const 0))
      (block $done_j (loop $inner
        (br_if $done_j (i32.ge_u (local.get $j) (local.get $d)))
        (local.set $x (f64x2.splat (f64.load (local.get $pq))))
        (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (local.get $x) (v128.load (local.get $pb)))))
        (local.set $c1 (f64x2.add (local.get $c1) (f64x2.mul (local.get $x) (v128.load offset=16 (local.get $pb)))))
        (local.set $c2 (f64x2.add (local.get $c2) (f64x2.mul (local.get $x) (v128.load offset=32 (local.get $pb)))))
        (local.set $c3 (f64x2.add (local.get $c3) (f64x2.mul (local.get $x) (v128.load offset=48 (local.get $pb)))))
        (local.set $pq (i32.add (local.get $pq) (i32.const 8)))
        (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $inner)))
      (local.set $pb (i32.add (local.get $out) (i32.shl (local.get $t) (i32.const 3))))
      (v128.store (local.get $pb) (local.get $c0))
      (v128.store offset=16 (local.get $pb) (local.get $c1))
      (v128.store offset=32 (local.get $pb) (local.get $c2))
      (v128.store offset=48 (local.get $pb) (local.get $c3))
      (local.set $t (i32.add (local.get $t) (i32.const 8)))
      (br $cols)))
    ;; The outputs after the last full eight.
    (block $done_tail (loop $tail
      (br_if $done_tail (i32.ge_u (local.get $t) (local.get $n)))
      (local.set $s (f64.const 0))
      (local.set $pq (local.get $q))
      (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $t) (i32.const 3))))
      (local.set $j (i32.const 0))
      (block $done_k (loop $dot
        (br_if $done_k (i32.ge_u (local.get $j) (local.get $d)))
        (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $pq)) (f64.load (local.get $pb)))))
        (local.set $pq (i32.add (local.get $pq) (i32.const 8)))
        (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $dot)))
      (f64.store (i32.add (local.get $out) (i32.shl (local.get $t) (i32.const 3))) (local.get $s))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tail)))
  )

  ;; vecmat over q's nonzero entries only: the products q[j]·B[j][t] with q[j] = 0 are
  ;; left out of every sum, the rest added in the same order j = 0, 1, …; the same values
  ;; as vecmat (an added zero product changes no sum but the sign of a zero one) for
  ;; finite B. A kernel row of a sparse row reads only its nonzero features' rows of B:
  ;; Fashion-MNIST's pixels are half zeros. `scratch` holds d doubles then d int32s: q's
  ;; nonzero values and their rows' byte offsets in B.
  (func (export "vecmat_nz") (param $q i32) (param $b i32) (param $out i32) (param $d i32) (param $n i32)
    (param $scratch i32)
    (local $k i32) (local $m i32) (local $j i32) (local $v f64) (local $offs i32) (local $ldb i32)
    (local $n8 i32) (local $t i32) (local $bt i32) (local $pv i32) (local $po i32) (local $pb i32)
    (local $x v128) (local $s f64)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local.set $ldb (i32.shl (local.get $n) (i32.const 3)))
    (local.set $offs (i32.add (local.get $scratch) (i32.shl (local.get $d) (i32.const 3))))
    (block $listed (loop $list
      (br_if $listed (i32.ge_u (local.get $j) (local.get $d)))
      (local.set $v (f64.load (i32.add (local.get $q) (i32.shl (local.get $j) (i32.const 3)))))
      (if (f64.ne (local.get $v) (f64.const 0))
        (then
          (f64.store (i32.add (local.get $scratch) (i32.shl (local.get $k) (i32.const 3))) (local.get $v))
          (i32.store (i32.add (local.get $offs) (i32.shl (local.get $k) (i32.const 2)))
            (i32.mul (local.get $j) (local.get $ldb)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $list)))
    (local.set $n8 (i32.and (local.get $n) (i32.const -8)))
    (block $done_t (loop $cols
      (br_if $done_t (i32.ge_u (local.get $t) (local.get $n8)))
      (local.set $c0 (v128.const f64x2 0 0)) (local.set $c1 (v128.const f64x2 0 0))
      (local.set $c2 (v128.const f64x2 0 0)) (local.set $c3 (v128.const f64x2 0 0))
      ;; bt = &B[0][t]
      (local.set $bt (i32.add (local.get $b) (i32.shl (local.get $t) (i32.const 3))))
      (local.set $pv (local.get $scratch))
      (local.set $po (local.get $offs))
      (local.set $m (i32.const 0))
      (block $done_m (loop $inner
        (br_if $done_m (i32.ge_u (local.get $m) (local.get $k)))
        (local.set $x (f64x2.splat (f64.load (local.get $pv))))
        (local.set $pb (i32.add (local.get $bt) (i32.load (local.get $po))))
        (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (local.get $x) (v128.load (local.get $pb)))))
        (local.set $c1 (f64x2.add (local.get $c1) (f64x2.mul (local.get $x) (v128.load offset=16 (local.get $pb)))))
        (local.set $c2 (f64x2.add (local.get $c2) (f64x2.mul (local.get $x) (v128.load offset=32 (local.get $pb)))))
        (local.set $c3 (f64x2.add (local.get $c3) (f64x2.mul (local.get $x) (v128.load offset=48 (local.get $pb)))))
        (local.set $pv (i32.add (local.get $pv) (i32.const 8)))
        (local.set $po (i32.add (local.get $po) (i32.const 4)))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (br $inner)))
      (local.set $pb (i32.add (local.get $out) (i32.shl (local.get $t) (i32.const 3))))
      (v128.store (local.get $pb) (local.get $c0))
      (v128.store offset=16 (local.get $pb) (local.get $c1))
      (v128.store offset=32 (local.get $pb) (local.get $c2))
      (v128.store offset=48 (local.get $pb) (local.get $c3))
      (local.set $t (i32.add (local.get $t) (i32.const 8)))
      (br $cols)))
    ;; The outputs after the last full eight.
    (block $done_tail (loop $tail
      (br_if $done_tail (i32.ge_u (local.get $t) (local.get $n)))
      (local.set $s (f64.const 0))
      (local.set $bt (i32.add (local.get $b) (i32.shl (local.get $t) (i32.const 3))))
      (local.set $pv (local.get $scratch))
      (local.set $po (local.get $offs))
      (local.set $m (i32.const 0))
      (block $done_k (loop $dot
        (br_if $done_k (i32.ge_u (local.get $m) (local.get $k)))
        (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $pv))
          (f64.load (i32.add (local.get $bt) (i32.load (local.get $po)))))))
        (local.set $pv (i32.add (local.get $pv) (i32.const 8)))
        (local.set $po (i32.add (local.get $po) (i32.const 4)))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (br $dot)))
      (f64.store (i32.add (local.get $out) (i32.shl (local.get $t) (i32.const 3))) (local.get $s))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tail)))
  )

  ;; Eight outputs at a time: rows j..j+7 read side by side, two rows' i-th values
  ;; gathered into one f64x2 (lanes j and j+1), v[i] loaded once for all eight.
  (func (export "matvec") (param $a i32) (param $v i32) (param $out i32) (param $d i32) (param $n i32)
    (local $d8 i32) (local $j i32) (local $lda i32) (local $o i32) (local $end i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $r4 i32) (local $r5 i32) (local $r6 i32) (local $r7 i32)
    (local $x v128) (local $s f64)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local.set $d8 (i32.and (local.get $d) (i32.const -8)))
    (local.set $lda (i32.shl (local.get $n) (i32.const 3)))
    (local.set $end (local.get $lda))
    (local.set $j (i32.const 0))
    (block $done_j (loop $rows
      (br_if $done_j (i32.ge_u (local.get $j) (local.get $d8)))
      (local.set $r0 (i32.add (local.get $a) (i32.mul (local.get $j) (local.get $lda))))
      (local.set $r1 (i32.add (local.get $r0) (local.get $lda)))
      (local.set $r2 (i32.add (local.get $r1) (local.get $lda)))
      (local.set $r3 (i32.add (local.get $r2) (local.get $lda)))
      (local.set $r4 (i32.add (local.get $r3) (local.get $lda)))
      (local.set $r5 (i32.add (local.get $r4) (local.get $lda)))
      (local.set $r6 (i32.add (local.get $r5) (local.get $lda)))
      (local.set $r7 (i32.add (local.get $r6) (local.get $lda)))
      (local.set $c0 (v128.const f64x2 0 0)) (local.set $c1 (v128.const f64x2 0 0))
      (local.set $c2 (v128.const f64x2 0 0)) (local.set $c3 (v128.const f64x2 0 0))
      ;; o: the byte offset of column i in every row, and of v[i]
      (local.set $o (i32.const 0))
      (block $done_i (loop $cols
        (br_if $done_i (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $x (f64x2.splat (f64.load (i32.add (local.get $v) (local.get $o)))))
        (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (local.get $x)
          (v128.load64_lane 1 (i32.add (local.get $r1) (local.get $o))
            (v128.load64_zero (i32.add (local.get $r0) (local.get $o)))))))
        (local.set $c1 (f64x2.add (local.get $c1) (f64x2.mul (local.get $x)
          (v128.load64_lane 1 (i32.add (local.get $r3) (local.get $o))
            (v128.load64_zero (i32.add (local.get $r2) (local.get $o)))))))
        (local.set $c2 (f64x2.add (local.get $c2) (f64x2.mul (local.get $x)
          (v128.load64_lane 1 (i32.add (local.get $r5) (local.get $o))
            (v128.load64_zero (i32.add (local.get $r4) (local.get $o)))))))
        (local.set $c3 (f64x2.add (local.get $c3) (f64x2.mul (local.get $x)
          (v128.load64_lane 1 (i32.add (local.get $r7) (local.get $o))
            (v128.load64_zero (i32.add (local.get $r6) (local.get $o)))))))
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (br $cols)))
      (local.set $r0 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))))
      (v128.store (local.get $r0) (local.get $c0))
      (v128.store offset=16 (local.get $r0) (local.get $c1))
      (v128.store offset=32 (local.get $r0) (local.get $c2))
      (v128.store offset=48 (local.get $r0) (local.get $c3))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br $rows)))
    ;; The rows after the last full eight, one at a time.
    (block $done_tail (loop $tail
      (br_if $done_tail (i32.ge_u (local.get $j) (local.get $d)))
      (local.set $s (f64.const 0))
      (local.set $r0 (i32.add (local.get $a) (i32.mul (local.get $j) (local.get $lda))))
      (local.set $o (i32.const 0))
      (block $done_k (loop $dot
        (br_if $done_k (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $s (f64.add (local.get $s)
          (f64.mul (f64.load (i32.add (local.get $r0) (local.get $o))) (f64.load (i32.add (local.get $v) (local.get $o))))))
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (br $dot)))
      (f64.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))) (local.get $s))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $tail)))
  )
)
