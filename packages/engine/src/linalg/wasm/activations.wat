;; A neural network layer's element-wise passes for the engine, over float64 arrays in an
;; imported memory (addresses in bytes, arrays 8-byte aligned). Branch-free: in JavaScript
;; the sign tests of ReLU and its derivative mispredict on half the values (5–6 ns a value
;; measured, against a fraction of that here). Each value gets the operations a
;; JavaScript loop gives it, in the same order, so both give the same bits:
;;   bias_relu:   z = max(z + b, 0)            (f64.max: NaN stays NaN, max(−0, 0) = 0, as Math.max)
;;   relu_mask:   d = d · (h > 0 ? 1 : 0)
;;   column_sums: s[j] = Σ_i m[i][j], summed from 0 in row order
(module
  (import "env" "memory" (memory 1))

  ;; z [rows × cols] row-major, b [cols].
  (func (export "bias_relu") (param $z i32) (param $b i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $pz i32) (local $pb i32) (local $pairs i32)
    (local.set $pairs (i32.and (local.get $cols) (i32.const -2)))
    (local.set $pz (local.get $z))
    (local.set $i (i32.const 0))
    (block $done_i (loop $row
      (br_if $done_i (i32.ge_u (local.get $i) (local.get $rows)))
      (local.set $pb (local.get $b))
      (local.set $j (i32.const 0))
      (block $done_j (loop $pair
        (br_if $done_j (i32.ge_u (local.get $j) (local.get $pairs)))
        (v128.store (local.get $pz)
          (f64x2.max
            (f64x2.add (v128.load (local.get $pz)) (v128.load (local.get $pb)))
            (v128.const f64x2 0 0)))
        (local.set $pz (i32.add (local.get $pz) (i32.const 16)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $pair)))
      (if (i32.lt_u (local.get $j) (local.get $cols))
        (then
          (f64.store (local.get $pz)
            (f64.max (f64.add (f64.load (local.get $pz)) (f64.load (local.get $pb))) (f64.const 0)))
          (local.set $pz (i32.add (local.get $pz) (i32.const 8)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $row)))
  )

  ;; d[k] *= (h[k] > 0 ? 1 : 0) for k < n.
  (func (export "relu_mask") (param $d i32) (param $h i32) (param $n i32)
    (local $k i32) (local $pairs i32) (local $pd i32) (local $ph i32)
    (local.set $pairs (i32.and (local.get $n) (i32.const -2)))
    (local.set $pd (local.get $d))
    (local.set $ph (local.get $h))
    (local.set $k (i32.const 0))
    (block $done (loop $pair
      (br_if $done (i32.ge_u (local.get $k) (local.get $pairs)))
      (v128.store (local.get $pd)
        (f64x2.mul (v128.load (local.get $pd))
          (v128.and (f64x2.gt (v128.load (local.get $ph)) (v128.const f64x2 0 0))
            (v128.const f64x2 1 1))))
      (local.set $pd (i32.add (local.get $pd) (i32.const 16)))
      (local.set $ph (i32.add (local.get $ph) (i32.const 16)))
      (local.set $k (i32.add (local.get $k) (i32.const 2)))
      (br $pair)))
    (if (i32.lt_u (local.get $k) (local.get $n))
      (then
        (f64.store (local.get $pd)
          (f64.mul (f64.load (local.get $pd))
            (select (f64.const 1) (f64.const 0) (f64.gt (f64.load (local.get $ph)) (f64.const 0)))))))
  )

  ;; s[j] = Σ_i m[i][j] for m [rows × cols] row-major, each column from 0 in row order.
  (func (export "column_sums") (param $s i32) (param $m i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $pm i32) (local $ld i32) (local $acc v128) (local $one f64)
    (local.set $ld (i32.shl (local.get $cols) (i32.const 3)))
    (local.set $j (i32.const 0))
    (block $done_pairs (loop $pair
      (br_if $done_pairs (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $cols)))
      (local.set $acc (v128.const f64x2 0 0))
      (local.set $pm (i32.add (local.get $m) (i32.shl (local.get $j) (i32.const 3))))
      (local.set $i (i32.const 0))
      (block $done_i (loop $row
        (br_if $done_i (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $acc (f64x2.add (local.get $acc) (v128.load (local.get $pm))))
        (local.set $pm (i32.add (local.get $pm) (local.get $ld)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row)))
      (v128.store (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 3))) (local.get $acc))
      (local.set $j (i32.add (local.get $j) (i32.const 2)))
      (br $pair)))
    (if (i32.lt_u (local.get $j) (local.get $cols))
      (then
        (local.set $one (f64.const 0))
        (local.set $pm (i32.add (local.get $m) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $i (i32.const 0))
        (block $done_t (loop $tail
          (br_if $done_t (i32.ge_u (local.get $i) (local.get $rows)))
          (local.set $one (f64.add (local.get $one) (f64.load (local.get $pm))))
          (local.set $pm (i32.add (local.get $pm) (local.get $ld)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $tail)))
        (f64.store (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 3))) (local.get $one))))
  )
)
