;; L-BFGS's vector passes (optim/lbfgs.ts) two doubles at a time, over vectors in the
;; imported memory (addresses in bytes, n values each). A text model's 131k–655k weights
;; make these passes a third of its fit, each a JavaScript loop at about 1 ns a weight.
;; Every result has the bits of the JavaScript loop it replaces: element-wise operations
;; are the same multiply then add; axpy_dot and scaled_dot keep its four partial sums, one
;; per index mod 4, as two f64x2 (lanes i, i+1 and i+2, i+3), the tail added to the
;; first and the four summed as (d0 + d1) + (d2 + d3); dot and differences sum in index
;; order, the pair's two products added one after the other.
(module
  (import "env" "memory" (memory 1))

  ;; dir = dir + a·y; returns next·dir
  (func (export "axpy_dot") (param $a f64) (param $y i32) (param $dir i32) (param $next i32) (param $n i32) (result f64)
    (local $i i32) (local $end4 i32) (local $end i32) (local $av v128) (local $v v128)
    (local $d01 v128) (local $d23 v128) (local $d0 f64) (local $s f64)
    (local.set $av (f64x2.splat (local.get $a)))
    (local.set $end4 (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $quads
      (br_if $done (i32.ge_u (local.get $i) (local.get $end4)))
      (local.set $v (f64x2.add (v128.load (i32.add (local.get $dir) (local.get $i)))
        (f64x2.mul (local.get $av) (v128.load (i32.add (local.get $y) (local.get $i))))))
      (v128.store (i32.add (local.get $dir) (local.get $i)) (local.get $v))
      (local.set $d01 (f64x2.add (local.get $d01) (f64x2.mul (v128.load (i32.add (local.get $next) (local.get $i))) (local.get $v))))
      (local.set $v (f64x2.add (v128.load offset=16 (i32.add (local.get $dir) (local.get $i)))
        (f64x2.mul (local.get $av) (v128.load offset=16 (i32.add (local.get $y) (local.get $i))))))
      (v128.store offset=16 (i32.add (local.get $dir) (local.get $i)) (local.get $v))
      (local.set $d23 (f64x2.add (local.get $d23) (f64x2.mul (v128.load offset=16 (i32.add (local.get $next) (local.get $i))) (local.get $v))))
      (local.set $i (i32.add (local.get $i) (i32.const 32)))
      (br $quads)))
    (local.set $d0 (f64x2.extract_lane 0 (local.get $d01)))
    (block $tailed (loop $tail
      (br_if $tailed (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $s (f64.add (f64.load (i32.add (local.get $dir) (local.get $i)))
        (f64.mul (local.get $a) (f64.load (i32.add (local.get $y) (local.get $i))))))
      (f64.store (i32.add (local.get $dir) (local.get $i)) (local.get $s))
      (local.set $d0 (f64.add (local.get $d0) (f64.mul (f64.load (i32.add (local.get $next) (local.get $i))) (local.get $s))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $tail)))
    (f64.add (f64.add (local.get $d0) (f64x2.extract_lane 1 (local.get $d01)))
      (f64.add (f64x2.extract_lane 0 (local.get $d23)) (f64x2.extract_lane 1 (local.get $d23)))))

  ;; dir = src·factor (src may be dir); returns next·dir
  (func (export "scaled_dot") (param $src i32) (param $factor f64) (param $dir i32) (param $next i32) (param $n i32) (result f64)
    (local $i i32) (local $end4 i32) (local $end i32) (local $fv v128) (local $v v128)
    (local $d01 v128) (local $d23 v128) (local $d0 f64) (local $s f64)
    (local.set $fv (f64x2.splat (local.get $factor)))
    (local.set $end4 (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $quads
      (br_if $done (i32.ge_u (local.get $i) (local.get $end4)))
      (local.set $v (f64x2.mul (v128.load (i32.add (local.get $src) (local.get $i))) (local.get $fv)))
      (v128.store (i32.add (local.get $dir) (local.get $i)) (local.get $v))
      (local.set $d01 (f64x2.add (local.get $d01) (f64x2.mul (v128.load (i32.add (local.get $next) (local.get $i))) (local.get $v))))
      (local.set $v (f64x2.mul (v128.load offset=16 (i32.add (local.get $src) (local.get $i))) (local.get $fv)))
      (v128.store offset=16 (i32.add (local.get $dir) (local.get $i)) (local.get $v))
      (local.set $d23 (f64x2.add (local.get $d23) (f64x2.mul (v128.load offset=16 (i32.add (local.get $next) (local.get $i))) (local.get $v))))
      (local.set $i (i32.add (local.get $i) (i32.const 32)))
      (br $quads)))
    (local.set $d0 (f64x2.extract_lane 0 (local.get $d01)))
    (block $tailed (loop $tail
      (br_if $tailed (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $s (f64.mul (f64.load (i32.add (local.get $src) (local.get $i))) (local.get $factor)))
      (f64.store (i32.add (local.get $dir) (local.get $i)) (local.get $s))
      (local.set $d0 (f64.add (local.get $d0) (f64.mul (f64.load (i32.add (local.get $next) (local.get $i))) (local.get $s))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $tail)))
    (f64.add (f64.add (local.get $d0) (f64x2.extract_lane 1 (local.get $d01)))
      (f64.add (f64x2.extract_lane 0 (local.get $d23)) (f64x2.extract_lane 1 (local.get $d23)))))

  ;; out = w + step·dir
  (func (export "step_from") (param $w i32) (param $step f64) (param $dir i32) (param $out i32) (param $n i32)
    (local $i i32) (local $end2 i32) (local $end i32) (local $sv v128)
    (local.set $sv (f64x2.splat (local.get $step)))
    (local.set $end2 (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $pairs
      (br_if $done (i32.ge_u (local.get $i) (local.get $end2)))
      (v128.store (i32.add (local.get $out) (local.get $i))
        (f64x2.add (v128.load (i32.add (local.get $w) (local.get $i)))
          (f64x2.mul (local.get $sv) (v128.load (i32.add (local.get $dir) (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $pairs)))
    (if (i32.lt_u (local.get $i) (local.get $end))
      (then (f64.store (i32.add (local.get $out) (local.get $i))
        (f64.add (f64.load (i32.add (local.get $w) (local.get $i)))
          (f64.mul (local.get $step) (f64.load (i32.add (local.get $dir) (local.get $i)))))))))

  ;; y = y + a·x
  (func (export "axpy") (param $a f64) (param $x i32) (param $y i32) (param $n i32)
    (local $i i32) (local $end2 i32) (local $end i32) (local $av v128)
    (local.set $av (f64x2.splat (local.get $a)))
    (local.set $end2 (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $pairs
      (br_if $done (i32.ge_u (local.get $i) (local.get $end2)))
      (v128.store (i32.add (local.get $y) (local.get $i))
        (f64x2.add (v128.load (i32.add (local.get $y) (local.get $i)))
          (f64x2.mul (local.get $av) (v128.load (i32.add (local.get $x) (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $pairs)))
    (if (i32.lt_u (local.get $i) (local.get $end))
      (then (f64.store (i32.add (local.get $y) (local.get $i))
        (f64.add (f64.load (i32.add (local.get $y) (local.get $i)))
          (f64.mul (local.get $a) (f64.load (i32.add (local.get $x) (local.get $i)))))))))

  ;; s = wNew − w, y = gNew − g; returns s·y summed in index order
  (func (export "differences") (param $wNew i32) (param $w i32) (param $gNew i32) (param $g i32) (param $s i32) (param $y i32) (param $n i32) (result f64)
    (local $i i32) (local $end2 i32) (local $end i32) (local $sv v128) (local $yv v128) (local $p v128)
    (local $sy f64) (local $si f64) (local $yi f64)
    (local.set $end2 (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $pairs
      (br_if $done (i32.ge_u (local.get $i) (local.get $end2)))
      (local.set $sv (f64x2.sub (v128.load (i32.add (local.get $wNew) (local.get $i))) (v128.load (i32.add (local.get $w) (local.get $i)))))
      (local.set $yv (f64x2.sub (v128.load (i32.add (local.get $gNew) (local.get $i))) (v128.load (i32.add (local.get $g) (local.get $i)))))
      (v128.store (i32.add (local.get $s) (local.get $i)) (local.get $sv))
      (v128.store (i32.add (local.get $y) (local.get $i)) (local.get $yv))
      (local.set $p (f64x2.mul (local.get $sv) (local.get $yv)))
      (local.set $sy (f64.add (f64.add (local.get $sy) (f64x2.extract_lane 0 (local.get $p))) (f64x2.extract_lane 1 (local.get $p))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $pairs)))
    (if (i32.lt_u (local.get $i) (local.get $end))
      (then
        (local.set $si (f64.sub (f64.load (i32.add (local.get $wNew) (local.get $i))) (f64.load (i32.add (local.get $w) (local.get $i)))))
        (local.set $yi (f64.sub (f64.load (i32.add (local.get $gNew) (local.get $i))) (f64.load (i32.add (local.get $g) (local.get $i)))))
        (f64.store (i32.add (local.get $s) (local.get $i)) (local.get $si))
        (f64.store (i32.add (local.get $y) (local.get $i)) (local.get $yi))
        (local.set $sy (f64.add (local.get $sy) (f64.mul (local.get $si) (local.get $yi))))))
    (local.get $sy))

  ;; a·b summed in index order
  (func (export "dot") (param $a i32) (param $b i32) (param $n i32) (result f64)
    (local $i i32) (local $end2 i32) (local $end i32) (local $p v128) (local $s f64)
    (local.set $end2 (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $pairs
      (br_if $done (i32.ge_u (local.get $i) (local.get $end2)))
      (local.set $p (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $i))) (v128.load (i32.add (local.get $b) (local.get $i)))))
      (local.set $s (f64.add (f64.add (local.get $s) (f64x2.extract_lane 0 (local.get $p))) (f64x2.extract_lane 1 (local.get $p))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $pairs)))
    (if (i32.lt_u (local.get $i) (local.get $end))
      (then (local.set $s (f64.add (local.get $s)
        (f64.mul (f64.load (i32.add (local.get $a) (local.get $i))) (f64.load (i32.add (local.get $b) (local.get $i))))))))
    (local.get $s))

  ;; max |a[i]| (NaN when any is NaN, as Math.max)
  (func (export "max_abs") (param $a i32) (param $n i32) (result f64)
    (local $i i32) (local $end2 i32) (local $end i32) (local $m v128) (local $s f64)
    (local.set $end2 (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $pairs
      (br_if $done (i32.ge_u (local.get $i) (local.get $end2)))
      (local.set $m (f64x2.max (local.get $m) (f64x2.abs (v128.load (i32.add (local.get $a) (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $pairs)))
    (local.set $s (f64.max (f64x2.extract_lane 0 (local.get $m)) (f64x2.extract_lane 1 (local.get $m))))
    (if (i32.lt_u (local.get $i) (local.get $end))
      (then (local.set $s (f64.max (local.get $s) (f64.abs (f64.load (i32.add (local.get $a) (local.get $i))))))))
    (local.get $s))

  ;; dir = −g
  (func (export "negate") (param $g i32) (param $dir i32) (param $n i32)
    (local $i i32) (local $end i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (f64.store (i32.add (local.get $dir) (local.get $i)) (f64.neg (f64.load (i32.add (local.get $g) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $each))))

  ;; v = v / m
  (func (export "divide_by") (param $v i32) (param $m f64) (param $n i32)
    (local $i i32) (local $end i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (f64.store (i32.add (local.get $v) (local.get $i)) (f64.div (f64.load (i32.add (local.get $v) (local.get $i))) (local.get $m)))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $each))))
)
