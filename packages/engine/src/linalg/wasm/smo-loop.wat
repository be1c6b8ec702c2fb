;; The SMO solver's iterations (svm/smo-solver.ts) in WebAssembly, kernel rows included,
;; for pairs whose whole kernel matrix fits the row cache: a row is computed the first
;; time it is asked for (the product with the rows held feature-major, over the row's
;; nonzero features, then the RBF
;; transform) into the next slot of the cache and kept. Everything is in one imported
;; memory, shared with the instances whose functions are imported: the two passes
;; (smo.wat), the product (vecmat.wat) and the RBF row (exp.wat). Every step is the
;; JavaScript loop's, in its order, so a solve gives the same bits either way; in
;; JavaScript, the loop ran interpreted through a process's first fits (breast cancer:
;; 1.4 ms of a 2.4 ms fit against 1.0 once compiled; digits' pairs on a worker thread
;; longer still).
;;
;; State between calls (`state`, doubles): [0] gMax, [1] i (the next working row, −1
;; when none), [2] rows in the cache. Addresses in bytes.
(module
  (import "env" "memory" (memory 1))
  (import "env" "update_gradient" (func $updateGradient
    (param i32 i32 i32 i32 i32 i32 f64 f64 i32) (result i32)))
  (import "env" "partner" (func $partner
    (param i32 i32 f64 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "env" "vecmat_nz" (func $vecmatNz (param i32 i32 i32 i32 i32 i32)))
  (import "env" "rbf_row" (func $rbfRow (param i32 i32 f64 f64 i32)))

  ;; B[j][t] = rows[t][j] (B [d × n] feature-major, rows [n × d] row-major) and
  ;; norms[t] = Σ_j rows[t][j]², summed j = 0, 1, … as the JavaScript loop.
  (func (export "hold_rows") (param $rows i32) (param $n i32) (param $d i32) (param $b i32) (param $norms i32)
    (local $t i32) (local $j i32) (local $v f64) (local $s f64) (local $ldb i32) (local $pb i32)
    (local.set $ldb (i32.shl (local.get $n) (i32.const 3)))
    (block $done_t (loop $each_t
      (br_if $done_t (i32.ge_u (local.get $t) (local.get $n)))
      (local.set $s (f64.const 0))
      (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $t) (i32.const 3))))
      (local.set $j (i32.const 0))
      (block $done_j (loop $each_j
        (br_if $done_j (i32.ge_u (local.get $j) (local.get $d)))
        (local.set $v (f64.load (local.get $rows)))
        (f64.store (local.get $pb) (local.get $v))
        (local.set $s (f64.add (local.get $s) (f64.mul (local.get $v) (local.get $v))))
        (local.set $rows (i32.add (local.get $rows) (i32.const 8)))
        (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $each_j)))
      (f64.store (i32.add (local.get $norms) (i32.shl (local.get $t) (i32.const 3))) (local.get $s))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $each_t)))
  )

  ;; Kernel row i's address in the cache, computed into the next slot the first time.
  ;; slots[i]: 0 when not computed, else its slot + 1 (int32).
  (func $row (param $i i32) (param $n i32) (param $d i32) (param $rbf i32) (param $negGamma f64)
    (param $b i32) (param $norms i32) (param $q i32) (param $slots i32) (param $cache i32) (param $state i32)
    (result i32)
    (local $slot i32) (local $out i32) (local $j i32) (local $pb i32) (local $ldb i32)
    (local.set $slot (i32.load (i32.add (local.get $slots) (i32.shl (local.get $i) (i32.const 2)))))
    (if (local.get $slot)
      (then (return (i32.add (local.get $cache)
        (i32.mul (i32.sub (local.get $slot) (i32.const 1)) (i32.shl (local.get $n) (i32.const 3)))))))
    (local.set $slot (i32.add (i32.trunc_f64_u (f64.load offset=16 (local.get $state))) (i32.const 1)))
    (f64.store offset=16 (local.get $state) (f64.convert_i32_u (local.get $slot)))
    (i32.store (i32.add (local.get $slots) (i32.shl (local.get $i) (i32.const 2))) (local.get $slot))
    (local.set $out (i32.add (local.get $cache)
      (i32.mul (i32.sub (local.get $slot) (i32.const 1)) (i32.shl (local.get $n) (i32.const 3)))))
    ;; q = row i's features: column i of B
    (local.set $ldb (i32.shl (local.get $n) (i32.const 3)))
    (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 3))))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $j) (local.get $d)))
      (f64.store (i32.add (local.get $q) (i32.shl (local.get $j) (i32.const 3))) (f64.load (local.get $pb)))
      (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $each)))
    ;; The product over row i's nonzero features (vecmat.wat), listed in the scratch after q.
    (call $vecmatNz (local.get $q) (local.get $b) (local.get $out) (local.get $d) (local.get $n)
      (i32.add (local.get $q) (i32.shl (local.get $d) (i32.const 3))))
    (if (local.get $rbf)
      (then (call $rbfRow (local.get $out) (local.get $norms)
        (f64.load (i32.add (local.get $norms) (i32.shl (local.get $i) (i32.const 3))))
        (local.get $negGamma) (local.get $n))))
    (local.get $out))

  ;; up[t] = 0 when t is in I_up (y > 0 and α < C, or y < 0 and α > 0), else −∞.
  (func $setUp (param $t i32) (param $y i32) (param $alpha i32) (param $cost i32) (param $up i32)
    (local $o i32) (local $yt f64) (local $at f64)
    (local.set $o (i32.shl (local.get $t) (i32.const 3)))
    (local.set $yt (f64.load (i32.add (local.get $y) (local.get $o))))
    (local.set $at (f64.load (i32.add (local.get $alpha) (local.get $o))))
    (f64.store (i32.add (local.get $up) (local.get $o))
      (select (f64.const 0) (f64.const -inf)
        (i32.or
          (i32.and (f64.gt (local.get $yt) (f64.const 0))
                   (f64.lt (local.get $at) (f64.load (i32.add (local.get $cost) (local.get $o)))))
          (i32.and (f64.lt (local.get $yt) (f64.const 0)) (f64.gt (local.get $at) (f64.const 0)))))))

  ;; Up to $count iterations from the state; returns −1 when all ran (more may follow),
  ;; else the iterations run before the solve stopped (converged, or no working row).
  (func (export "iterate")
    (param $count i32) (param $tol f64) (param $n i32) (param $d i32) (param $rbf i32) (param $negGamma f64)
    (param $y i32) (param $up i32) (param $grad i32) (param $alpha i32) (param $cost i32) (param $diag i32)
    (param $found i32) (param $b i32) (param $norms i32) (param $q i32) (param $slots i32) (param $cache i32)
    (param $state i32) (result i32)
    (local $iter i32) (local $i i32) (local $j i32) (local $ki i32) (local $kj i32) (local $gMax f64)
    (local $oi i32) (local $oj i32) (local $yi f64) (local $yj f64) (local $oldAi f64) (local $oldAj f64)
    (local $ci f64) (local $cj f64) (local $quad f64) (local $delta f64) (local $diff f64) (local $sum f64)
    (local $ai f64) (local $aj f64)
    (local.set $gMax (f64.load (local.get $state)))
    (local.set $i (i32.trunc_f64_s (f64.load offset=8 (local.get $state))))
    (block $stop (loop $next
      (if (i32.ge_u (local.get $iter) (local.get $count))
        (then
          (f64.store (local.get $state) (local.get $gMax))
          (f64.store offset=8 (local.get $state) (f64.convert_i32_s (local.get $i)))
          (return (i32.const -1))))
      (br_if $stop (i32.lt_s (local.get $i) (i32.const 0)))
      (local.set $ki (call $row (local.get $i) (local.get $n) (local.get $d) (local.get $rbf) (local.get $negGamma)
        (local.get $b) (local.get $norms) (local.get $q) (local.get $slots) (local.get $cache) (local.get $state)))
      (local.set $j (call $partner (local.get $n) (local.get $i) (local.get $gMax) (local.get $y) (local.get $alpha)
        (local.get $cost) (local.get $grad) (local.get $diag) (local.get $ki) (local.get $found)))
      (br_if $stop (f64.lt (f64.sub (local.get $gMax) (f64.load (local.get $found))) (local.get $tol)))
      (br_if $stop (i32.lt_s (local.get $j) (i32.const 0)))
      (local.set $kj (call $row (local.get $j) (local.get $n) (local.get $d) (local.get $rbf) (local.get $negGamma)
        (local.get $b) (local.get $norms) (local.get $q) (local.get $slots) (local.get $cache) (local.get $state)))
      (local.set $oi (i32.shl (local.get $i) (i32.const 3)))
      (local.set $oj (i32.shl (local.get $j) (i32.const 3)))
      (local.set $yi (f64.load (i32.add (local.get $y) (local.get $oi))))
      (local.set $yj (f64.load (i32.add (local.get $y) (local.get $oj))))
      (local.set $oldAi (f64.load (i32.add (local.get $alpha) (local.get $oi))))
      (local.set $oldAj (f64.load (i32.add (local.get $alpha) (local.get $oj))))
      (local.set $ci (f64.load (i32.add (local.get $cost) (local.get $oi))))
      (local.set $cj (f64.load (i32.add (local.get $cost) (local.get $oj))))
      ;; Two-variable update with box constraints (libsvm's update rule).
      (local.set $quad (f64.sub
        (f64.add (f64.load (i32.add (local.get $diag) (local.get $oi))) (f64.load (i32.add (local.get $diag) (local.get $oj))))
        (f64.mul (f64.mul (f64.mul (f64.const 2) (local.get $yi)) (local.get $yj))
          (f64.load (i32.add (local.get $ki) (local.get $oj))))))
      (if (f64.le (local.get $quad) (f64.const 0)) (then (local.set $quad (f64.const 1e-12))))
      (if (f64.ne (local.get $yi) (local.get $yj))
        (then
          (local.set $delta (f64.div
            (f64.sub (f64.neg (f64.load (i32.add (local.get $grad) (local.get $oi))))
                     (f64.load (i32.add (local.get $grad) (local.get $oj))))
            (local.get $quad)))
          (local.set $diff (f64.sub (local.get $oldAi) (local.get $oldAj)))
          (local.set $ai (f64.add (local.get $oldAi) (local.get $delta)))
          (local.set $aj (f64.add (local.get $oldAj) (local.get $delta)))
          (if (i32.and (f64.gt (local.get $diff) (f64.const 0)) (f64.lt (local.get $aj) (f64.const 0)))
            (then (local.set $aj (f64.const 0)) (local.set $ai (local.get $diff)))
            (else (if (i32.and (f64.le (local.get $diff) (f64.const 0)) (f64.lt (local.get $ai) (f64.const 0)))
              (then (local.set $ai (f64.const 0)) (local.set $aj (f64.neg (local.get $diff)))))))
          (if (f64.gt (local.get $diff) (f64.sub (local.get $ci) (local.get $cj)))
            (then (if (f64.gt (local.get $ai) (local.get $ci))
              (then (local.set $ai (local.get $ci)) (local.set $aj (f64.sub (local.get $ci) (local.get $diff))))))
            (else (if (f64.gt (local.get $aj) (local.get $cj))
              (then (local.set $aj (local.get $cj)) (local.set $ai (f64.add (local.get $cj) (local.get $diff))))))))
        (else
          (local.set $delta (f64.div
            (f64.sub (f64.load (i32.add (local.get $grad) (local.get $oi))) (f64.load (i32.add (local.get $grad) (local.get $oj))))
            (local.get $quad)))
          (local.set $sum (f64.add (local.get $oldAi) (local.get $oldAj)))
          (local.set $ai (f64.sub (local.get $oldAi) (local.get $delta)))
          (local.set $aj (f64.add (local.get $oldAj) (local.get $delta)))
          (if (f64.gt (local.get $sum) (local.get $ci))
            (then (if (f64.gt (local.get $ai) (local.get $ci))
              (then (local.set $ai (local.get $ci)) (local.set $aj (f64.sub (local.get $sum) (local.get $ci))))))
            (else (if (f64.lt (local.get $aj) (f64.const 0))
              (then (local.set $aj (f64.const 0)) (local.set $ai (local.get $sum))))))
          (if (f64.gt (local.get $sum) (local.get $cj))
            (then (if (f64.gt (local.get $aj) (local.get $cj))
              (then (local.set $aj (local.get $cj)) (local.set $ai (f64.sub (local.get $sum) (local.get $cj))))))
            (else (if (f64.lt (local.get $ai) (f64.const 0))
              (then (local.set $ai (f64.const 0)) (local.set $aj (local.get $sum))))))))
      (f64.store (i32.add (local.get $alpha) (local.get $oi)) (local.get $ai))
      (f64.store (i32.add (local.get $alpha) (local.get $oj)) (local.get $aj))
      ;; Read back, as the JavaScript loop reads α[i] − old: the same values had i = j.
      (local.set $ai (f64.load (i32.add (local.get $alpha) (local.get $oi))))
      (local.set $aj (f64.load (i32.add (local.get $alpha) (local.get $oj))))
      (call $setUp (local.get $i) (local.get $y) (local.get $alpha) (local.get $cost) (local.get $up))
      (call $setUp (local.get $j) (local.get $y) (local.get $alpha) (local.get $cost) (local.get $up))
      ;; G += y·(yi·ΔAi·Ki + yj·ΔAj·Kj); the next working row and its gMax.
      (local.set $i (call $updateGradient (local.get $n) (local.get $y) (local.get $up) (local.get $grad)
        (local.get $ki) (local.get $kj)
        (f64.mul (local.get $yi) (f64.sub (local.get $ai) (local.get $oldAi)))
        (f64.mul (local.get $yj) (f64.sub (local.get $aj) (local.get $oldAj)))
        (local.get $found)))
      (local.set $gMax (f64.load (local.get $found)))
      (local.set $iter (i32.add (local.get $iter) (i32.const 1)))
      (br $next)))
    (f64.store (local.get $state) (local.get $gMax))
    (f64.store offset=8 (local.get $state) (f64.convert_i32_s (local.get $i)))
    (local.get $iter))
)
