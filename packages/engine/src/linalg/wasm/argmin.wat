;; Nearest centre per row for k-means, over a product X · Cᵀ left in an imported memory
;; (float64, row stride ld values, addresses in bytes): label[i] = the first c < k with
;; the least cc[c] − 2·cross[i][c], as a JavaScript loop keeping `dd < best` finds it.
;; Branch-free (select): in the loop, which centre wins next is a coin toss each time.
(module
  (import "env" "memory" (memory 1))

  (func (export "argmin_rows") (param $cross i32) (param $ld i32) (param $cc i32) (param $n i32) (param $k i32) (param $labels i32)
    (local $i i32) (local $c i32) (local $row i32) (local $best i32) (local $bestD f64) (local $dd f64) (local $less i32)
    (local.set $row (local.get $cross))
    (local.set $i (i32.const 0))
    (block $done_i (loop $rows
      (br_if $done_i (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $best (i32.const 0))
      (local.set $bestD (f64.const inf))
      (local.set $c (i32.const 0))
      (block $done_c (loop $centres
        (br_if $done_c (i32.ge_u (local.get $c) (local.get $k)))
        (local.set $dd (f64.sub
          (f64.load (i32.add (local.get $cc) (i32.shl (local.get $c) (i32.const 3))))
          (f64.mul (f64.const 2) (f64.load (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 3)))))))
        (local.set $less (f64.lt (local.get $dd) (local.get $bestD)))
        (local.set $best (select (local.get $c) (local.get $best) (local.get $less)))
        (local.set $bestD (select (local.get $dd) (local.get $bestD) (local.get $less)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $centres)))
      (i32.store (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 2))) (local.get $best))
      (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ld) (i32.const 3))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
  )
)
