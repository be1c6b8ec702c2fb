;; Σv and Σv² over an array of doubles, or over each column of a row-major matrix, each
;; summed in order (v[0], v[1], …; a column's rows top to bottom) with a multiply then an
;; add, as a JavaScript loop sums them: the same bits. For the passes a fit makes once
;; over all its values (the kernel SVM's gamma = 'scale', k-means' tolerance): a loop run
;; once per fit never gets compiled, and in the interpreter every step boxed its doubles
;; (0.4-0.7 ms over breast cancer's 13,680 values; 2-15 ms over spambase's 262,257 in
;; k-means' first fits, collections included).
(module
  (import "env" "memory" (memory 1))

  ;; out[0] = Σ v[k], out[1] = Σ v[k]² for k < n; addresses in bytes.
  (func (export "sum_squares") (param $v i32) (param $n i32) (param $out i32)
    (local $end i32) (local $x f64) (local $s f64) (local $s2 f64)
    (local.set $end (i32.add (local.get $v) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $v) (local.get $end)))
      (local.set $x (f64.load (local.get $v)))
      (local.set $s (f64.add (local.get $s) (local.get $x)))
      (local.set $s2 (f64.add (local.get $s2) (f64.mul (local.get $x) (local.get $x))))
      (local.set $v (i32.add (local.get $v) (i32.const 8)))
      (br $next)))
    (f64.store (local.get $out) (local.get $s))
    (f64.store offset=8 (local.get $out) (local.get $s2)))

  ;; out[j] = Σ_i x[i][j], out[d + j] = Σ_i x[i][j]² for j < d, x row-major [n × d]; two
  ;; columns at a time (each lane its own column's sums, in row order), an odd d's last alone.
  (func (export "column_sum_squares") (param $x i32) (param $n i32) (param $d i32) (param $out i32)
    (local $i i32) (local $j i32) (local $d2 i32) (local $row i32) (local $p i32) (local $q i32)
    (local $v v128) (local $x1 f64)
    (local.set $d2 (i32.and (local.get $d) (i32.const -2)))
    (local.set $row (i32.shl (local.get $d) (i32.const 3)))
    (memory.fill (local.get $out) (i32.const 0) (i32.shl (local.get $d) (i32.const 4)))
    (block $done_i (loop $rows
      (br_if $done_i (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $p (local.get $x))
      (local.set $q (local.get $out))
      (local.set $j (i32.const 0))
      (block $done_j (loop $pairs
        (br_if $done_j (i32.ge_u (local.get $j) (local.get $d2)))
        (local.set $v (v128.load (local.get $p)))
        (v128.store (local.get $q) (f64x2.add (v128.load (local.get $q)) (local.get $v)))
        (v128.store (i32.add (local.get $q) (local.get $row))
          (f64x2.add (v128.load (i32.add (local.get $q) (local.get $row))) (f64x2.mul (local.get $v) (local.get $v))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $pairs)))
      (if (i32.lt_u (local.get $j) (local.get $d))
        (then
          (local.set $x1 (f64.load (local.get $p)))
          (f64.store (local.get $q) (f64.add (f64.load (local.get $q)) (local.get $x1)))
          (f64.store (i32.add (local.get $q) (local.get $row))
            (f64.add (f64.load (i32.add (local.get $q) (local.get $row))) (f64.mul (local.get $x1) (local.get $x1))))))
      (local.set $x (i32.add (local.get $x) (local.get $row)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
  )
)
