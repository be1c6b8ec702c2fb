;; e^x two doubles at a time, for the engine's exp-bound loops (the softmax of logistic
;; regression, RBF kernel rows). Math.exp is a call per value into V8's fdlibm port, 20 to
;; 150 ns each on the hosts measured; this is about 5 ns.
;;
;; e^x = 2^n · e^r with n = round(x / ln 2) and r = x − n·ln 2 (ln 2 split in two as
;; fdlibm does, so that n·ln2hi is exact and |r| ≤ ln 2 / 2); e^r by its Taylor series to
;; r^13 (the first term left out is below 2^-53 relative), summed in Estrin's order (pairs
;; a_2j + a_2j+1·r, then Horner in r²: half the dependent steps of Horner in r); 2^n
;; applied as 2^h · 2^(n−h), h = n >> 1, so that both factors are normal doubles over the
;; whole clamped range and the product overflows to +∞ and underflows towards 0 as e^x
;; does. x is clamped to [−746, 710], past which e^x is 0 or +∞ anyway; NaN stays NaN.
;; Relative error: a few units in the last place (the tests bound it against Math.exp).
;; Every path ($exp2, $exp8, one value) does the same operations, so a value's result
;; does not depend on where in an array it sits.
;;
;; The memory is imported, so that a matrix-product kernel's memory (gemm.wat) can be
;; given: scores its product leaves there are then worked on in place. Addresses are in
;; bytes; arrays of doubles need no alignment.
(module
  (import "env" "memory" (memory 1))

  (func $exp2 (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $r2 v128) (local $q v128) (local $k v128) (local $h v128)
    (local.set $x (f64x2.min (f64x2.max (local.get $x) (v128.const f64x2 -746 -746)) (v128.const f64x2 710 710)))
    (local.set $n (f64x2.nearest (f64x2.mul (local.get $x) (v128.const f64x2 1.4426950408889634 1.4426950408889634))))
    ;; ln2hi = 0x3fe62e42fee00000, ln2lo = 0x3dea39ef35793c76 (fdlibm's)
    (local.set $r (f64x2.sub (f64x2.sub (local.get $x) (f64x2.mul (local.get $n) (v128.const f64x2 0x1.62e42feep-1 0x1.62e42feep-1)))
                             (f64x2.mul (local.get $n) (v128.const f64x2 0x1.a39ef35793c76p-33 0x1.a39ef35793c76p-33))))
    (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
    ;; a_k = 1/k!: (a12 + a13·r), then q·r² + (a_2j + a_2j+1·r) for j = 5 … 0
    (local.set $q (f64x2.add (v128.const f64x2 2.08767569878681e-9 2.08767569878681e-9) (f64x2.mul (local.get $r) (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10))))
    (local.set $q (f64x2.add (f64x2.mul (local.get $q) (local.get $r2))
                             (f64x2.add (v128.const f64x2 2.755731922398589e-7 2.755731922398589e-7) (f64x2.mul (local.get $r) (v128.const f64x2 2.505210838544172e-8 2.505210838544172e-8)))))
    (local.set $q (f64x2.add (f64x2.mul (local.get $q) (local.get $r2))
                             (f64x2.add (v128.const f64x2 2.48015873015873e-5 2.48015873015873e-5) (f64x2.mul (local.get $r) (v128.const f64x2 2.7557319223985893e-6 2.7557319223985893e-6)))))
    (local.set $q (f64x2.add (f64x2.mul (local.get $q) (local.get $r2))
                             (f64x2.add (v128.const f64x2 1.388888888888889e-3 1.388888888888889e-3) (f64x2.mul (local.get $r) (v128.const f64x2 1.984126984126984e-4 1.984126984126984e-4)))))
    (local.set $q (f64x2.add (f64x2.mul (local.get $q) (local.get $r2))
                             (f64x2.add (v128.const f64x2 4.1666666666666664e-2 4.1666666666666664e-2) (f64x2.mul (local.get $r) (v128.const f64x2 8.333333333333333e-3 8.333333333333333e-3)))))
    (local.set $q (f64x2.add (f64x2.mul (local.get $q) (local.get $r2))
                             (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $r) (v128.const f64x2 0.16666666666666666 0.16666666666666666)))))
    (local.set $q (f64x2.add (f64x2.mul (local.get $q) (local.get $r2))
                             (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $r) (v128.const f64x2 1 1)))))
    ;; 2^h · 2^(n−h) from their exponent bits
    (local.set $k (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $n))))
    (local.set $h (i64x2.shr_s (local.get $k) (i32.const 1)))
    (f64x2.mul (f64x2.mul (local.get $q) (i64x2.shl (i64x2.add (local.get $h) (i64x2.splat (i64.const 1023))) (i32.const 52)))
               (i64x2.shl (i64x2.add (i64x2.sub (local.get $k) (local.get $h)) (i64x2.splat (i64.const 1023))) (i32.const 52))))

  ;; e^x of the 8 doubles at byte address $p, in place: $exp2's steps, four vectors abreast
  ;; (one vector at a time waits on each step's latency: 12 ns a value against 5).
  (func $exp8 (param $p i32)
    (local $x0 v128) (local $n0 v128) (local $r0 v128) (local $r20 v128) (local $q0 v128) (local $k0 v128) (local $h0 v128)
    (local $x1 v128) (local $n1 v128) (local $r1 v128) (local $r21 v128) (local $q1 v128) (local $k1 v128) (local $h1 v128)
    (local $x2 v128) (local $n2 v128) (local $r2 v128) (local $r22 v128) (local $q2 v128) (local $k2 v128) (local $h2 v128)
    (local $x3 v128) (local $n3 v128) (local $r3 v128) (local $r23 v128) (local $q3 v128) (local $k3 v128) (local $h3 v128)
    (local.set $x0 (f64x2.min (f64x2.max (v128.load offset=0 (local.get $p)) (v128.const f64x2 -746 -746)) (v128.const f64x2 710 710)))
    (local.set $x1 (f64x2.min (f64x2.max (v128.load offset=16 (local.get $p)) (v128.const f64x2 -746 -746)) (v128.const f64x2 710 710)))
    (local.set $x2 (f64x2.min (f64x2.max (v128.load offset=32 (local.get $p)) (v128.const f64x2 -746 -746)) (v128.const f64x2 710 710)))
    (local.set $x3 (f64x2.min (f64x2.max (v128.load offset=48 (local.get $p)) (v128.const f64x2 -746 -746)) (v128.const f64x2 710 710)))
    (local.set $n0 (f64x2.nearest (f64x2.mul (local.get $x0) (v128.const f64x2 1.4426950408889634 1.4426950408889634))))
    (local.set $n1 (f64x2.nearest (f64x2.mul (local.get $x1) (v128.const f64x2 1.4426950408889634 1.4426950408889634))))
    (local.set $n2 (f64x2.nearest (f64x2.mul (local.get $x2) (v128.const f64x2 1.4426950408889634 1.4426950408889634))))
    (local.set $n3 (f64x2.nearest (f64x2.mul (local.get $x3) (v128.const f64x2 1.4426950408889634 1.4426950408889634))))
    (local.set $r0 (f64x2.sub (f64x2.sub (local.get $x0) (f64x2.mul (local.get $n0) (v128.const f64x2 0x1.62e42feep-1 0x1.62e42feep-1)))
                                   (f64x2.mul (local.get $n0) (v128.const f64x2 0x1.a39ef35793c76p-33 0x1.a39ef35793c76p-33))))
    (local.set $r1 (f64x2.sub (f64x2.sub (local.get $x1) (f64x2.mul (local.get $n1) (v128.const f64x2 0x1.62e42feep-1 0x1.62e42feep-1)))
                                   (f64x2.mul (local.get $n1) (v128.const f64x2 0x1.a39ef35793c76p-33 0x1.a39ef35793c76p-33))))
    (local.set $r2 (f64x2.sub (f64x2.sub (local.get $x2) (f64x2.mul (local.get $n2) (v128.const f64x2 0x1.62e42feep-1 0x1.62e42feep-1)))
                                   (f64x2.mul (local.get $n2) (v128.const f64x2 0x1.a39ef35793c76p-33 0x1.a39ef35793c76p-33))))
    (local.set $r3 (f64x2.sub (f64x2.sub (local.get $x3) (f64x2.mul (local.get $n3) (v128.const f64x2 0x1.62e42feep-1 0x1.62e42feep-1)))
                                   (f64x2.mul (local.get $n3) (v128.const f64x2 0x1.a39ef35793c76p-33 0x1.a39ef35793c76p-33))))
    (local.set $r20 (f64x2.mul (local.get $r0) (local.get $r0)))
    (local.set $r21 (f64x2.mul (local.get $r1) (local.get $r1)))
    (local.set $r22 (f64x2.mul (local.get $r2) (local.get $r2)))
    (local.set $r23 (f64x2.mul (local.get $r3) (local.get $r3)))
    (local.set $q0 (f64x2.add (v128.const f64x2 2.08767569878681e-9 2.08767569878681e-9) (f64x2.mul (local.get $r0) (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10))))
    (local.set $q1 (f64x2.add (v128.const f64x2 2.08767569878681e-9 2.08767569878681e-9) (f64x2.mul (local.get $r1) (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10))))
    (local.set $q2 (f64x2.add (v128.const f64x2 2.08767569878681e-9 2.08767569878681e-9) (f64x2.mul (local.get $r2) (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10))))
    (local.set $q3 (f64x2.add (v128.const f64x2 2.08767569878681e-9 2.08767569878681e-9) (f64x2.mul (local.get $r3) (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10))))
    (local.set $q0 (f64x2.add (f64x2.mul (local.get $q0) (local.get $r20))
                                   (f64x2.add (v128.const f64x2 2.755731922398589e-7 2.755731922398589e-7) (f64x2.mul (local.get $r0) (v128.const f64x2 2.505210838544172e-8 2.505210838544172e-8)))))
    (local.set $q1 (f64x2.add (f64x2.mul (local.get $q1) (local.get $r21))
                                   (f64x2.add (v128.const f64x2 2.755731922398589e-7 2.755731922398589e-7) (f64x2.mul (local.get $r1) (v128.const f64x2 2.505210838544172e-8 2.505210838544172e-8)))))
    (local.set $q2 (f64x2.add (f64x2.mul (local.get $q2) (local.get $r22))
                                   (f64x2.add (v128.const f64x2 2.755731922398589e-7 2.755731922398589e-7) (f64x2.mul (local.get $r2) (v128.const f64x2 2.505210838544172e-8 2.505210838544172e-8)))))
    (local.set $q3 (f64x2.add (f64x2.mul (local.get $q3) (local.get $r23))
                                   (f64x2.add (v128.const f64x2 2.755731922398589e-7 2.755731922398589e-7) (f64x2.mul (local.get $r3) (v128.const f64x2 2.505210838544172e-8 2.505210838544172e-8)))))
    (local.set $q0 (f64x2.add (f64x2.mul (local.get $q0) (local.get $r20))
                                   (f64x2.add (v128.const f64x2 0.0000248015873015873 0.0000248015873015873) (f64x2.mul (local.get $r0) (v128.const f64x2 0.0000027557319223985893 0.0000027557319223985893)))))
    (local.set $q1 (f64x2.add (f64x2.mul (local.get $q1) (local.get $r21))
                                   (f64x2.add (v128.const f64x2 0.0000248015873015873 0.0000248015873015873) (f64x2.mul (local.get $r1) (v128.const f64x2 0.0000027557319223985893 0.0000027557319223985893)))))
    (local.set $q2 (f64x2.add (f64x2.mul (local.get $q2) (local.get $r22))
                                   (f64x2.add (v128.const f64x2 0.0000248015873015873 0.0000248015873015873) (f64x2.mul (local.get $r2) (v128.const f64x2 0.0000027557319223985893 0.0000027557319223985893)))))
    (local.set $q3 (f64x2.add (f64x2.mul (local.get $q3) (local.get $r23))
                                   (f64x2.add (v128.const f64x2 0.0000248015873015873 0.0000248015873015873) (f64x2.mul (local.get $r3) (v128.const f64x2 0.0000027557319223985893 0.0000027557319223985893)))))
    (local.set $q0 (f64x2.add (f64x2.mul (local.get $q0) (local.get $r20))
                                   (f64x2.add (v128.const f64x2 0.001388888888888889 0.001388888888888889) (f64x2.mul (local.get $r0) (v128.const f64x2 0.0001984126984126984 0.0001984126984126984)))))
    (local.set $q1 (f64x2.add (f64x2.mul (local.get $q1) (local.get $r21))
                                   (f64x2.add (v128.const f64x2 0.001388888888888889 0.001388888888888889) (f64x2.mul (local.get $r1) (v128.const f64x2 0.0001984126984126984 0.0001984126984126984)))))
    (local.set $q2 (f64x2.add (f64x2.mul (local.get $q2) (local.get $r22))
                                   (f64x2.add (v128.const f64x2 0.001388888888888889 0.001388888888888889) (f64x2.mul (local.get $r2) (v128.const f64x2 0.0001984126984126984 0.0001984126984126984)))))
    (local.set $q3 (f64x2.add (f64x2.mul (local.get $q3) (local.get $r23))
                                   (f64x2.add (v128.const f64x2 0.001388888888888889 0.001388888888888889) (f64x2.mul (local.get $r3) (v128.const f64x2 0.0001984126984126984 0.0001984126984126984)))))
    (local.set $q0 (f64x2.add (f64x2.mul (local.get $q0) (local.get $r20))
                                   (f64x2.add (v128.const f64x2 0.041666666666666664 0.041666666666666664) (f64x2.mul (local.get $r0) (v128.const f64x2 0.008333333333333333 0.008333333333333333)))))
    (local.set $q1 (f64x2.add (f64x2.mul (local.get $q1) (local.get $r21))
                                   (f64x2.add (v128.const f64x2 0.041666666666666664 0.041666666666666664) (f64x2.mul (local.get $r1) (v128.const f64x2 0.008333333333333333 0.008333333333333333)))))
    (local.set $q2 (f64x2.add (f64x2.mul (local.get $q2) (local.get $r22))
                                   (f64x2.add (v128.const f64x2 0.041666666666666664 0.041666666666666664) (f64x2.mul (local.get $r2) (v128.const f64x2 0.008333333333333333 0.008333333333333333)))))
    (local.set $q3 (f64x2.add (f64x2.mul (local.get $q3) (local.get $r23))
                                   (f64x2.add (v128.const f64x2 0.041666666666666664 0.041666666666666664) (f64x2.mul (local.get $r3) (v128.const f64x2 0.008333333333333333 0.008333333333333333)))))
    (local.set $q0 (f64x2.add (f64x2.mul (local.get $q0) (local.get $r20))
                                   (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $r0) (v128.const f64x2 0.16666666666666666 0.16666666666666666)))))
    (local.set $q1 (f64x2.add (f64x2.mul (local.get $q1) (local.get $r21))
                                   (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $r1) (v128.const f64x2 0.16666666666666666 0.16666666666666666)))))
    (local.set $q2 (f64x2.add (f64x2.mul (local.get $q2) (local.get $r22))
                                   (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $r2) (v128.const f64x2 0.16666666666666666 0.16666666666666666)))))
    (local.set $q3 (f64x2.add (f64x2.mul (local.get $q3) (local.get $r23))
                                   (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $r3) (v128.const f64x2 0.16666666666666666 0.16666666666666666)))))
    (local.set $q0 (f64x2.add (f64x2.mul (local.get $q0) (local.get $r20))
                                   (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $r0) (v128.const f64x2 1 1)))))
    (local.set $q1 (f64x2.add (f64x2.mul (local.get $q1) (local.get $r21))
                                   (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $r1) (v128.const f64x2 1 1)))))
    (local.set $q2 (f64x2.add (f64x2.mul (local.get $q2) (local.get $r22))
                                   (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $r2) (v128.const f64x2 1 1)))))
    (local.set $q3 (f64x2.add (f64x2.mul (local.get $q3) (local.get $r23))
                                   (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $r3) (v128.const f64x2 1 1)))))
    (local.set $k0 (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $n0))))
    (local.set $k1 (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $n1))))
    (local.set $k2 (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $n2))))
    (local.set $k3 (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $n3))))
    (local.set $h0 (i64x2.shr_s (local.get $k0) (i32.const 1)))
    (local.set $h1 (i64x2.shr_s (local.get $k1) (i32.const 1)))
    (local.set $h2 (i64x2.shr_s (local.get $k2) (i32.const 1)))
    (local.set $h3 (i64x2.shr_s (local.get $k3) (i32.const 1)))
    (v128.store offset=0 (local.get $p) (f64x2.mul (f64x2.mul (local.get $q0) (i64x2.shl (i64x2.add (local.get $h0) (i64x2.splat (i64.const 1023))) (i32.const 52)))
                                                (i64x2.shl (i64x2.add (i64x2.sub (local.get $k0) (local.get $h0)) (i64x2.splat (i64.const 1023))) (i32.const 52))))
    (v128.store offset=16 (local.get $p) (f64x2.mul (f64x2.mul (local.get $q1) (i64x2.shl (i64x2.add (local.get $h1) (i64x2.splat (i64.const 1023))) (i32.const 52)))
                                                (i64x2.shl (i64x2.add (i64x2.sub (local.get $k1) (local.get $h1)) (i64x2.splat (i64.const 1023))) (i32.const 52))))
    (v128.store offset=32 (local.get $p) (f64x2.mul (f64x2.mul (local.get $q2) (i64x2.shl (i64x2.add (local.get $h2) (i64x2.splat (i64.const 1023))) (i32.const 52)))
                                                (i64x2.shl (i64x2.add (i64x2.sub (local.get $k2) (local.get $h2)) (i64x2.splat (i64.const 1023))) (i32.const 52))))
    (v128.store offset=48 (local.get $p) (f64x2.mul (f64x2.mul (local.get $q3) (i64x2.shl (i64x2.add (local.get $h3) (i64x2.splat (i64.const 1023))) (i32.const 52)))
                                                (i64x2.shl (i64x2.add (i64x2.sub (local.get $k3) (local.get $h3)) (i64x2.splat (i64.const 1023))) (i32.const 52)))))

  ;; v[i] = e^v[i] for i < n, v at byte address $v.
  (func $exp_block (param $v i32) (param $n i32)
    (local $end i32) (local $end8 i32) (local $end2 i32)
    (local.set $end (i32.add (local.get $v) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $end8 (i32.add (local.get $v) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 3))))
    (local.set $end2 (i32.add (local.get $v) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done8 (loop $eights
      (br_if $done8 (i32.ge_u (local.get $v) (local.get $end8)))
      (call $exp8 (local.get $v))
      (local.set $v (i32.add (local.get $v) (i32.const 64)))
      (br $eights)))
    (block $done2 (loop $pairs
      (br_if $done2 (i32.ge_u (local.get $v) (local.get $end2)))
      (v128.store (local.get $v) (call $exp2 (v128.load (local.get $v))))
      (local.set $v (i32.add (local.get $v) (i32.const 16)))
      (br $pairs)))
    (if (i32.lt_u (local.get $v) (local.get $end))
      (then (f64.store (local.get $v) (f64x2.extract_lane 0 (call $exp2 (f64x2.splat (f64.load (local.get $v)))))))))

  (func (export "exp") (param $v i32) (param $n i32)
    (call $exp_block (local.get $v) (local.get $n)))

  ;; An RBF kernel row from its dot products, in place: dots[t] ← e^(g·max(ni + norms[t] −
  ;; 2·dots[t], 0)) for t < n (g = −γ, ni = ‖x_i‖², norms[t] = ‖x_t‖²), as libsvm computes
  ;; exp(−γ‖x_i − x_t‖²). The same operations in the same order as the JavaScript loop this
  ;; replaces (a negative or NaN distance is taken as 0, as `sq > 0 ? sq : 0`): the same bits.
  (func (export "rbf_row") (param $dots i32) (param $norms i32) (param $ni f64) (param $g f64) (param $n i32)
    (local $p i32) (local $q i32) (local $end i32) (local $end2 i32) (local $vni v128) (local $vg v128) (local $sq f64)
    (local.set $vni (f64x2.splat (local.get $ni)))
    (local.set $vg (f64x2.splat (local.get $g)))
    (local.set $p (local.get $dots))
    (local.set $q (local.get $norms))
    (local.set $end (i32.add (local.get $dots) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $end2 (i32.add (local.get $dots) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done2 (loop $pairs
      (br_if $done2 (i32.ge_u (local.get $p) (local.get $end2)))
      (v128.store (local.get $p) (f64x2.mul (local.get $vg) (f64x2.pmax (v128.const f64x2 0 0)
        (f64x2.sub (f64x2.add (local.get $vni) (v128.load (local.get $q)))
          (f64x2.mul (v128.const f64x2 2 2) (v128.load (local.get $p)))))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $q (i32.add (local.get $q) (i32.const 16)))
      (br $pairs)))
    (if (i32.lt_u (local.get $p) (local.get $end))
      (then
        (local.set $sq (f64.sub (f64.add (local.get $ni) (f64.load (local.get $q)))
          (f64.mul (f64.const 2) (f64.load (local.get $p)))))
        (f64.store (local.get $p) (f64.mul (local.get $g)
          (select (local.get $sq) (f64.const 0) (f64.gt (local.get $sq) (f64.const 0)))))))
    (call $exp_block (local.get $dots) (local.get $n)))

  ;; The multinomial log-loss's per-row work, in place over scores z [rows × kk], rows
  ;; $stride doubles apart (≥ kk; the columns between are set to 0), without intercepts.
  ;; Per row i: z ← z + bias, its max m, stats[2i] = m − z_y; z ← z − m; then e^z over the
  ;; whole block at once; then per row s = Σ_c e^z, stats[2i+1] = s (the caller adds
  ;; w·(stats[2i] + log s) to the loss) and the residuals w·e^z/s − w·1[c = y] in place,
  ;; summed per column into bgrad (zeroed here: the intercepts' gradient). labels are
  ;; class indices as doubles; weights is 0 for all weights 1, else a double a row. The
  ;; row passes go two columns at a time, the last column of an odd kk alone.
  (func (export "softmax_rows")
    (param $z i32) (param $stride i32) (param $bias i32) (param $labels i32) (param $weights i32)
    (param $rows i32) (param $kk i32) (param $stats i32) (param $bgrad i32)
    (memory.fill (local.get $bgrad) (i32.const 0) (i32.shl (local.get $kk) (i32.const 3)))
    (call $softmax_rows_more (local.get $z) (local.get $stride) (local.get $bias) (local.get $labels)
      (local.get $weights) (local.get $rows) (local.get $kk) (local.get $stats) (local.get $bgrad)))

  ;; The same, bgrad added to as it is: a range's rows a block at a time, each column's
  ;; residuals summed in row order across the blocks, as in one call over them all.
  (func $softmax_rows_more (export "softmax_rows_more")
    (param $z i32) (param $stride i32) (param $bias i32) (param $labels i32) (param $weights i32)
    (param $rows i32) (param $kk i32) (param $stats i32) (param $bgrad i32)
    (local $i i32) (local $c i32) (local $row i32) (local $at i32) (local $width i32) (local $width2 i32)
    (local $y i32) (local $w f64) (local $max f64) (local $sum f64) (local $v f64)
    (local $vv v128) (local $acc v128)
    (local.set $width (i32.shl (local.get $kk) (i32.const 3)))
    (local.set $width2 (i32.and (local.get $width) (i32.const -16)))
    (local.set $stride (i32.shl (local.get $stride) (i32.const 3)))
    ;; z + bias, the max, z − max; −∞ between rows, which e^z turns into 0
    (local.set $row (local.get $z))
    (local.set $i (i32.const 0))
    (block $done1 (loop $rows1
      (br_if $done1 (i32.ge_u (local.get $i) (local.get $rows)))
      (local.set $acc (v128.const f64x2 -inf -inf))
      (local.set $c (i32.const 0))
      (block $d1 (loop $l1
        (br_if $d1 (i32.ge_u (local.get $c) (local.get $width2)))
        (local.set $at (i32.add (local.get $row) (local.get $c)))
        (local.set $vv (f64x2.add (v128.load (local.get $at)) (v128.load (i32.add (local.get $bias) (local.get $c)))))
        (v128.store (local.get $at) (local.get $vv))
        (local.set $acc (f64x2.pmax (local.get $acc) (local.get $vv)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $l1)))
      (local.set $max (f64x2.extract_lane 0 (local.get $acc)))
      (local.set $v (f64x2.extract_lane 1 (local.get $acc)))
      (local.set $max (select (local.get $v) (local.get $max) (f64.gt (local.get $v) (local.get $max))))
      (if (i32.lt_u (local.get $width2) (local.get $width)) (then
        (local.set $at (i32.add (local.get $row) (local.get $width2)))
        (local.set $v (f64.add (f64.load (local.get $at)) (f64.load (i32.add (local.get $bias) (local.get $width2)))))
        (f64.store (local.get $at) (local.get $v))
        (local.set $max (select (local.get $v) (local.get $max) (f64.gt (local.get $v) (local.get $max))))))
      (local.set $y (i32.trunc_f64_s (f64.load (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 3))))))
      (f64.store (i32.add (local.get $stats) (i32.shl (local.get $i) (i32.const 4)))
        (f64.sub (local.get $max) (f64.load (i32.add (local.get $row) (i32.shl (local.get $y) (i32.const 3))))))
      (local.set $acc (f64x2.splat (local.get $max)))
      (local.set $c (i32.const 0))
      (block $d2 (loop $l2
        (br_if $d2 (i32.ge_u (local.get $c) (local.get $width2)))
        (local.set $at (i32.add (local.get $row) (local.get $c)))
        (v128.store (local.get $at) (f64x2.sub (v128.load (local.get $at)) (local.get $acc)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $l2)))
      (if (i32.lt_u (local.get $width2) (local.get $width)) (then
        (local.set $at (i32.add (local.get $row) (local.get $width2)))
        (f64.store (local.get $at) (f64.sub (f64.load (local.get $at)) (local.get $max)))))
      (local.set $c (local.get $width))
      (block $d2b (loop $l2b
        (br_if $d2b (i32.ge_u (local.get $c) (local.get $stride)))
        (f64.store (i32.add (local.get $row) (local.get $c)) (f64.const -inf))
        (local.set $c (i32.add (local.get $c) (i32.const 8)))
        (br $l2b)))
      (local.set $row (i32.add (local.get $row) (local.get $stride)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows1)))
    (call $exp_block (local.get $z) (i32.mul (local.get $rows) (i32.shr_u (local.get $stride) (i32.const 3))))
    ;; sums, residuals, the intercepts' gradient
    (local.set $row (local.get $z))
    (local.set $i (i32.const 0))
    (block $done2 (loop $rows2
      (br_if $done2 (i32.ge_u (local.get $i) (local.get $rows)))
      (local.set $acc (v128.const f64x2 0 0))
      (local.set $c (i32.const 0))
      (block $d3 (loop $l3
        (br_if $d3 (i32.ge_u (local.get $c) (local.get $width2)))
        (local.set $acc (f64x2.add (local.get $acc) (v128.load (i32.add (local.get $row) (local.get $c)))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $l3)))
      (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
      (if (i32.lt_u (local.get $width2) (local.get $width)) (then
        (local.set $sum (f64.add (local.get $sum) (f64.load (i32.add (local.get $row) (local.get $width2)))))))
      (f64.store offset=8 (i32.add (local.get $stats) (i32.shl (local.get $i) (i32.const 4))) (local.get $sum))
      (local.set $w (if (result f64) (local.get $weights)
        (then (f64.load (i32.add (local.get $weights) (i32.shl (local.get $i) (i32.const 3)))))
        (else (f64.const 1))))
      (local.set $sum (f64.div (local.get $w) (local.get $sum)))
      (local.set $acc (f64x2.splat (local.get $sum)))
      (local.set $c (i32.const 0))
      (block $d4 (loop $l4
        (br_if $d4 (i32.ge_u (local.get $c) (local.get $width2)))
        (local.set $at (i32.add (local.get $row) (local.get $c)))
        (local.set $vv (f64x2.mul (v128.load (local.get $at)) (local.get $acc)))
        (v128.store (local.get $at) (local.get $vv))
        (local.set $at (i32.add (local.get $bgrad) (local.get $c)))
        (v128.store (local.get $at) (f64x2.add (v128.load (local.get $at)) (local.get $vv)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $l4)))
      (if (i32.lt_u (local.get $width2) (local.get $width)) (then
        (local.set $at (i32.add (local.get $row) (local.get $width2)))
        (local.set $v (f64.mul (f64.load (local.get $at)) (local.get $sum)))
        (f64.store (local.get $at) (local.get $v))
        (local.set $at (i32.add (local.get $bgrad) (local.get $width2)))
        (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (local.get $v)))))
      ;; − w at the row's class, in the residual and in its column's sum
      (local.set $y (i32.shl (i32.trunc_f64_s (f64.load (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 3))))) (i32.const 3)))
      (local.set $at (i32.add (local.get $row) (local.get $y)))
      (f64.store (local.get $at) (f64.sub (f64.load (local.get $at)) (local.get $w)))
      (local.set $at (i32.add (local.get $bgrad) (local.get $y)))
      (f64.store (local.get $at) (f64.sub (f64.load (local.get $at)) (local.get $w)))
      (local.set $row (i32.add (local.get $row) (local.get $stride)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows2)))))
