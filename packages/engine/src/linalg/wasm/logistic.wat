;; The binary log-loss's per-row work for logistic regression, over scores z (rows $stride
;; doubles apart) in an imported memory, with the intercept b; labels are 1 for the
;; positive class (anything else is negative), weights 0 for all weights 1, else a double
;; a row. Per row, t = ±1 and tz = t·(z + b):
;;   loss += w·(max(−tz, 0) + log1p(e^−|tz|)),  z ← −t·w·σ(−tz),  bgrad = Σ z
;; returning the loss (summed in row order, as bgrad). e^−|tz| for all rows at once by the
;; imported e^x (exp.wat's, the values in $scratch); log1p is fdlibm's algorithm for
;; [0, 1], step for step as V8's Math.log1p computes it, so every result has the bits of
;; the JavaScript loop this replaces (learners/logistic-loss.ts).
(module
  (import "env" "memory" (memory 1))
  (import "env" "exp" (func $exp (param i32 i32)))

  ;; u with its high 32 bits replaced by hi
  (func $withHi (param $u f64) (param $hi i32) (result f64)
    (f64.reinterpret_i64 (i64.or
      (i64.and (i64.reinterpret_f64 (local.get $u)) (i64.const 0xffffffff))
      (i64.shl (i64.extend_i32_u (local.get $hi)) (i64.const 32)))))

  (func $hiWord (param $u f64) (result i32)
    (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $u)) (i64.const 32))))

  ;; log(1 + x) for x in [0, 1] (and +∞, NaN), fdlibm's s_log1p.c
  (func $log1p (export "log1p") (param $x f64) (result f64)
    (local $hx i32) (local $hu i32) (local $k i32) (local $f f64) (local $c f64) (local $u f64)
    (local $hfsq f64) (local $s f64) (local $z f64) (local $R f64) (local $dk f64)
    (local.set $hx (call $hiWord (local.get $x)))
    (local.set $k (i32.const 1))
    (if (i32.lt_s (local.get $hx) (i32.const 0x3fda827a))
      (then
        (if (i32.lt_s (local.get $hx) (i32.const 0x3e200000))
          (then
            (if (i32.lt_s (local.get $hx) (i32.const 0x3c900000)) (then (return (local.get $x))))
            (return (f64.sub (local.get $x) (f64.mul (f64.mul (local.get $x) (local.get $x)) (f64.const 0.5))))))
        (local.set $k (i32.const 0))
        (local.set $f (local.get $x))
        (local.set $hu (i32.const 1))))
    (if (i32.ge_s (local.get $hx) (i32.const 0x7ff00000)) (then (return (f64.add (local.get $x) (local.get $x)))))
    (if (local.get $k)
      (then
        (local.set $u (f64.add (f64.const 1) (local.get $x)))
        (local.set $hu (call $hiWord (local.get $u)))
        (local.set $k (i32.sub (i32.shr_s (local.get $hu) (i32.const 20)) (i32.const 1023)))
        (local.set $c
          (if (result f64) (i32.gt_s (local.get $k) (i32.const 0))
            (then (f64.sub (f64.const 1) (f64.sub (local.get $u) (local.get $x))))
            (else (f64.sub (local.get $x) (f64.sub (local.get $u) (f64.const 1))))))
        (local.set $c (f64.div (local.get $c) (local.get $u)))
        (local.set $hu (i32.and (local.get $hu) (i32.const 0x000fffff)))
        (if (i32.lt_s (local.get $hu) (i32.const 0x6a09e))
          (then (local.set $u (call $withHi (local.get $u) (i32.or (local.get $hu) (i32.const 0x3ff00000)))))
          (else
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $u (call $withHi (local.get $u) (i32.or (local.get $hu) (i32.const 0x3fe00000))))
            (local.set $hu (i32.shr_s (i32.sub (i32.const 0x00100000) (local.get $hu)) (i32.const 2)))))
        (local.set $f (f64.sub (local.get $u) (f64.const 1)))))
    (local.set $hfsq (f64.mul (f64.mul (f64.const 0.5) (local.get $f)) (local.get $f)))
    (local.set $dk (f64.convert_i32_s (local.get $k)))
    (if (i32.eqz (local.get $hu))
      (then
        (if (f64.eq (local.get $f) (f64.const 0))
          (then
            (if (i32.eqz (local.get $k)) (then (return (f64.const 0))))
            (local.set $c (f64.add (local.get $c) (f64.mul (local.get $dk) (f64.const 1.90821492927058770002e-10))))
            (return (f64.add (f64.mul (local.get $dk) (f64.const 6.93147180369123816490e-01)) (local.get $c)))))
        (local.set $R (f64.mul (local.get $hfsq)
          (f64.sub (f64.const 1) (f64.mul (f64.const 0.66666666666666666) (local.get $f)))))
        (if (i32.eqz (local.get $k)) (then (return (f64.sub (local.get $f) (local.get $R)))))
        (return (f64.sub (f64.mul (local.get $dk) (f64.const 6.93147180369123816490e-01))
          (f64.sub
            (f64.sub (local.get $R) (f64.add (f64.mul (local.get $dk) (f64.const 1.90821492927058770002e-10)) (local.get $c)))
            (local.get $f))))))
    (local.set $s (f64.div (local.get $f) (f64.add (f64.const 2) (local.get $f))))
    (local.set $z (f64.mul (local.get $s) (local.get $s)))
    (local.set $R (f64.mul (local.get $z)
      (f64.add (f64.const 6.666666666666735130e-01) (f64.mul (local.get $z)
      (f64.add (f64.const 3.999999999940941908e-01) (f64.mul (local.get $z)
      (f64.add (f64.const 2.857142874366239149e-01) (f64.mul (local.get $z)
      (f64.add (f64.const 2.222219843214978396e-01) (f64.mul (local.get $z)
      (f64.add (f64.const 1.818357216161805012e-01) (f64.mul (local.get $z)
      (f64.add (f64.const 1.531383769920937332e-01) (f64.mul (local.get $z)
        (f64.const 1.479819860511658591e-01)))))))))))))))
    (if (i32.eqz (local.get $k))
      (then (return (f64.sub (local.get $f)
        (f64.sub (local.get $hfsq) (f64.mul (local.get $s) (f64.add (local.get $hfsq) (local.get $R))))))))
    (f64.sub (f64.mul (local.get $dk) (f64.const 6.93147180369123816490e-01))
      (f64.sub
        (f64.sub (local.get $hfsq)
          (f64.add (f64.mul (local.get $s) (f64.add (local.get $hfsq) (local.get $R)))
            (f64.add (f64.mul (local.get $dk) (f64.const 1.90821492927058770002e-10)) (local.get $c))))
        (local.get $f))))

  (func (export "logistic_rows")
    (param $z i32) (param $stride i32) (param $b f64) (param $labels i32) (param $weights i32)
    (param $rows i32) (param $scratch i32) (param $bgrad i32) (result f64)
    (local $i i32) (local $at i32) (local $t f64) (local $tz f64) (local $w f64) (local $e f64)
    (local $loss f64) (local $sum f64) (local $res f64)
    (local.set $stride (i32.shl (local.get $stride) (i32.const 3)))
    ;; tz in place of z, −|tz| into scratch
    (local.set $at (local.get $z))
    (local.set $i (i32.const 0))
    (block $done1 (loop $rows1
      (br_if $done1 (i32.ge_u (local.get $i) (local.get $rows)))
      (local.set $t (select (f64.const 1) (f64.const -1)
        (f64.eq (f64.load (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 3)))) (f64.const 1))))
      (local.set $tz (f64.mul (local.get $t) (f64.add (f64.load (local.get $at)) (local.get $b))))
      (f64.store (local.get $at) (local.get $tz))
      (f64.store (i32.add (local.get $scratch) (i32.shl (local.get $i) (i32.const 3)))
        (select (f64.neg (local.get $tz)) (local.get $tz) (f64.gt (local.get $tz) (f64.const 0))))
      (local.set $at (i32.add (local.get $at) (local.get $stride)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows1)))
    (call $exp (local.get $scratch) (local.get $rows))
    (local.set $loss (f64.const 0))
    (local.set $sum (f64.const 0))
    (local.set $w (f64.const 1))
    (local.set $at (local.get $z))
    (local.set $i (i32.const 0))
    (block $done2 (loop $rows2
      (br_if $done2 (i32.ge_u (local.get $i) (local.get $rows)))
      (if (local.get $weights)
        (then (local.set $w (f64.load (i32.add (local.get $weights) (i32.shl (local.get $i) (i32.const 3)))))))
      (local.set $t (select (f64.const 1) (f64.const -1)
        (f64.eq (f64.load (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 3)))) (f64.const 1))))
      (local.set $tz (f64.load (local.get $at)))
      (local.set $e (f64.load (i32.add (local.get $scratch) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $loss (f64.add (local.get $loss)
        (f64.mul (local.get $w)
          (f64.add
            (select (f64.neg (local.get $tz)) (f64.const 0) (f64.lt (local.get $tz) (f64.const 0)))
            (call $log1p (local.get $e))))))
      (local.set $res (f64.mul (f64.mul (f64.neg (local.get $t)) (local.get $w))
        (select
          (f64.div (local.get $e) (f64.add (f64.const 1) (local.get $e)))
          (f64.div (f64.const 1) (f64.add (f64.const 1) (local.get $e)))
          (f64.gt (local.get $tz) (f64.const 0)))))
      (f64.store (local.get $at) (local.get $res))
      (local.set $sum (f64.add (local.get $sum) (local.get $res)))
      (local.set $at (i32.add (local.get $at) (local.get $stride)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows2)))
    (f64.store (local.get $bgrad) (local.get $sum))
    (local.get $loss))
)
