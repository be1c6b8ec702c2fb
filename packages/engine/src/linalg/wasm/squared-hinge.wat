;; The row passes of the primal squared-hinge SVM's Newton solver (optim/squared-hinge-newton.ts)
;; over X̃ = [X, 1] held row-major in an imported memory, each row $w doubles long: the
;; features, the constant 1 of the bias, then zeros up to a multiple of four, so that every
;; pass runs on f64x2 pairs two at a time with no tail, and the vectors' padding stays 0.
;; Addresses are in bytes; s is ±1 per row, cost C_i per row, act the active rows' indices.
;;
;;   loss:     z_i = s_i·x̃_i·v for every row, returns Σ C_i max(0, 1 − z_i)²
;;   gradient: g = v + Σ_{z_i<1} −2 C_i (1 − z_i) s_i x̃_i, the active rows into act, their count
;;   cg:       the truncated conjugate-gradient solve of H·dir = −g, H = I + 2 Σ_act C_i x̃_i x̃_iᵀ,
;;             stopped when ‖r‖ ≤ 0.1‖g‖ or after maxSteps; returns the steps taken
;;
;; In WebAssembly rather than JavaScript for the small fits' sake: its code is compiled when
;; the module is, so a process's first fit runs at nearly full speed, where the JavaScript
;; loops of a 2 ms fit were still interpreted for the first few fits.
(module
  (import "env" "memory" (memory 1))

  ;; Σ a[k]·b[k] for k < w (w a multiple of 4), in two f64x2 sums.
  (func $dot (param $a i32) (param $b i32) (param $w i32) (result f64)
    (local $end i32) (local $s0 v128) (local $s1 v128)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $w) (i32.const 3))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
      (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
      (local.set $s1 (f64x2.add (local.get $s1)
        (f64x2.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
      (local.set $a (i32.add (local.get $a) (i32.const 32)))
      (local.set $b (i32.add (local.get $b) (i32.const 32)))
      (br $next)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))

  ;; y[k] += t·x[k] for k < w
  (func $axpy (param $t f64) (param $x i32) (param $y i32) (param $w i32)
    (local $end i32) (local $tt v128)
    (local.set $tt (f64x2.splat (local.get $t)))
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $w) (i32.const 3))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
      (v128.store (local.get $y) (f64x2.add (v128.load (local.get $y)) (f64x2.mul (local.get $tt) (v128.load (local.get $x)))))
      (v128.store offset=16 (local.get $y)
        (f64x2.add (v128.load offset=16 (local.get $y)) (f64x2.mul (local.get $tt) (v128.load offset=16 (local.get $x)))))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (local.set $y (i32.add (local.get $y) (i32.const 32)))
      (br $next)))
  )

  (func (export "loss") (param $x i32) (param $n i32) (param $w i32) (param $v i32) (param $s i32) (param $cost i32)
    (param $z i32) (result f64)
    (local $i i32) (local $o i32) (local $row i32) (local $zi f64) (local $m f64) (local $f f64)
    (local.set $row (i32.shl (local.get $w) (i32.const 3)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 3)))
      (local.set $zi (f64.mul (f64.load (i32.add (local.get $s) (local.get $o)))
        (call $dot (local.get $x) (local.get $v) (local.get $w))))
      (f64.store (i32.add (local.get $z) (local.get $o)) (local.get $zi))
      (local.set $m (f64.sub (f64.const 1) (local.get $zi)))
      (if (f64.gt (local.get $m) (f64.const 0))
        (then (local.set $f (f64.add (local.get $f)
          (f64.mul (f64.load (i32.add (local.get $cost) (local.get $o))) (f64.mul (local.get $m) (local.get $m)))))))
      (local.set $x (i32.add (local.get $x) (local.get $row)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $f))

  (func (export "gradient") (param $x i32) (param $n i32) (param $w i32) (param $v i32) (param $s i32)
    (param $cost i32) (param $z i32) (param $g i32) (param $act i32) (result i32)
    (local $i i32) (local $o i32) (local $row i32) (local $m f64) (local $k i32)
    (memory.copy (local.get $g) (local.get $v) (i32.shl (local.get $w) (i32.const 3)))
    (local.set $row (i32.shl (local.get $w) (i32.const 3)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 3)))
      (local.set $m (f64.sub (f64.const 1) (f64.load (i32.add (local.get $z) (local.get $o)))))
      (if (f64.gt (local.get $m) (f64.const 0))
        (then
          (i32.store (i32.add (local.get $act) (i32.shl (local.get $k) (i32.const 2))) (local.get $i))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (call $axpy
            (f64.mul (f64.mul (f64.const -2) (f64.load (i32.add (local.get $cost) (local.get $o))))
              (f64.mul (local.get $m) (f64.load (i32.add (local.get $s) (local.get $o)))))
            (local.get $x) (local.get $g) (local.get $w))))
      (local.set $x (i32.add (local.get $x) (local.get $row)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $k))

  ;; out = v + 2 Σ_act C_i (x̃_i·v) x̃_i
  (func $hessianTimes (param $x i32) (param $w i32) (param $act i32) (param $m i32) (param $cost i32) (param $v i32)
    (param $out i32)
    (local $k i32) (local $i i32) (local $xi i32)
    (memory.copy (local.get $out) (local.get $v) (i32.shl (local.get $w) (i32.const 3)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $m)))
      (local.set $i (i32.load (i32.add (local.get $act) (i32.shl (local.get $k) (i32.const 2)))))
      (local.set $xi (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $w)) (i32.const 3))))
      (call $axpy
        (f64.mul (f64.mul (f64.const 2) (f64.load (i32.add (local.get $cost) (i32.shl (local.get $i) (i32.const 3)))))
          (call $dot (local.get $xi) (local.get $v) (local.get $w)))
        (local.get $xi) (local.get $out) (local.get $w))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $next)))
  )

  ;; Vectors of the solve, w doubles each: dir, r, q, hv. dir = 0, r = q = −g to start.
  (func (export "cg") (param $x i32) (param $w i32) (param $act i32) (param $m i32) (param $cost i32) (param $g i32)
    (param $dir i32) (param $r i32) (param $q i32) (param $hv i32) (param $maxSteps i32) (result i32)
    (local $j i32) (local $end i32) (local $steps i32) (local $rr f64) (local $rrNext f64) (local $stop f64)
    (local $alpha v128) (local $beta v128)
    (local.set $end (i32.shl (local.get $w) (i32.const 3)))
    (memory.fill (local.get $dir) (i32.const 0) (local.get $end))
    (local.set $j (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $j) (local.get $end)))
      (v128.store (i32.add (local.get $r) (local.get $j)) (f64x2.neg (v128.load (i32.add (local.get $g) (local.get $j)))))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $next)))
    (memory.copy (local.get $q) (local.get $r) (local.get $end))
    (local.set $rr (call $dot (local.get $r) (local.get $r) (local.get $w)))
    (local.set $stop (f64.mul (f64.const 0.1) (f64.sqrt (local.get $rr))))
    (block $converged (loop $step
      (br_if $converged (i32.ge_u (local.get $steps) (local.get $maxSteps)))
      (br_if $converged (f64.le (f64.sqrt (local.get $rr)) (local.get $stop)))
      (call $hessianTimes (local.get $x) (local.get $w) (local.get $act) (local.get $m) (local.get $cost)
        (local.get $q) (local.get $hv))
      (local.set $alpha (f64x2.splat (f64.div (local.get $rr) (call $dot (local.get $q) (local.get $hv) (local.get $w)))))
      (local.set $j (i32.const 0))
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $end)))
        (v128.store (i32.add (local.get $dir) (local.get $j))
          (f64x2.add (v128.load (i32.add (local.get $dir) (local.get $j)))
            (f64x2.mul (local.get $alpha) (v128.load (i32.add (local.get $q) (local.get $j))))))
        (v128.store (i32.add (local.get $r) (local.get $j))
          (f64x2.sub (v128.load (i32.add (local.get $r) (local.get $j)))
            (f64x2.mul (local.get $alpha) (v128.load (i32.add (local.get $hv) (local.get $j))))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $next)))
      (local.set $rrNext (call $dot (local.get $r) (local.get $r) (local.get $w)))
      (local.set $beta (f64x2.splat (f64.div (local.get $rrNext) (local.get $rr))))
      (local.set $rr (local.get $rrNext))
      (local.set $j (i32.const 0))
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $end)))
        (v128.store (i32.add (local.get $q) (local.get $j))
          (f64x2.add (v128.load (i32.add (local.get $r) (local.get $j)))
            (f64x2.mul (local.get $beta) (v128.load (i32.add (local.get $q) (local.get $j))))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $next)))
      (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
      (br $step)))
    (local.get $steps))
)
