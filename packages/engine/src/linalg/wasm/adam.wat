;; One Adam step for the engine's MLP over n parameters in an imported memory (float64,
;; addresses in bytes, 16-byte aligned), two parameters abreast:
;;   g = g1 + g2 (+ alpha·w / rows when penalised, and Σ w² summed in order)
;;   m = 0.9·m + 0.1·g;  v = 0.999·v + 0.001·g·g;  w = w − lrT·m / (√v + 1e−8)
;; Each value gets the operations of the JavaScript loop it replaces (optim/adam-update.ts)
;; in the same order, and √ and ÷ are correctly rounded in both: the same bits. Returns
;; sumSq plus the penalised parameters' Σ w².
(module
  (import "env" "memory" (memory 1))

  (func (export "adam")
    (param $w i32) (param $m i32) (param $v i32) (param $g1 i32) (param $g2 i32) (param $n i32)
    (param $penalised i32) (param $alpha f64) (param $rows f64) (param $lrT f64) (param $sumSq f64)
    (result f64)
    (local $k i32) (local $pairs i32) (local $o i32)
    (local $g v128) (local $wv v128) (local $mv v128) (local $vv v128)
    (local $gs f64) (local $ws f64) (local $ms f64) (local $vs f64)
    (local.set $pairs (i32.and (local.get $n) (i32.const -2)))
    (local.set $k (i32.const 0))
    (block $done (loop $pair
      (br_if $done (i32.ge_u (local.get $k) (local.get $pairs)))
      (local.set $o (i32.shl (local.get $k) (i32.const 3)))
      (local.set $g (f64x2.add
        (v128.load (i32.add (local.get $g1) (local.get $o)))
        (v128.load (i32.add (local.get $g2) (local.get $o)))))
      (local.set $wv (v128.load (i32.add (local.get $w) (local.get $o))))
      (if (local.get $penalised)
        (then
          (local.set $g (f64x2.add (local.get $g)
            (f64x2.div (f64x2.mul (f64x2.splat (local.get $alpha)) (local.get $wv)) (f64x2.splat (local.get $rows)))))
          (local.set $ws (f64x2.extract_lane 0 (local.get $wv)))
          (local.set $sumSq (f64.add (local.get $sumSq) (f64.mul (local.get $ws) (local.get $ws))))
          (local.set $ws (f64x2.extract_lane 1 (local.get $wv)))
          (local.set $sumSq (f64.add (local.get $sumSq) (f64.mul (local.get $ws) (local.get $ws))))))
      (local.set $mv (f64x2.add
        (f64x2.mul (v128.const f64x2 0.9 0.9) (v128.load (i32.add (local.get $m) (local.get $o))))
        (f64x2.mul (v128.const f64x2 0.1 0.1) (local.get $g))))
      (local.set $vv (f64x2.add
        (f64x2.mul (v128.const f64x2 0.999 0.999) (v128.load (i32.add (local.get $v) (local.get $o))))
        (f64x2.mul (f64x2.mul (v128.const f64x2 0.001 0.001) (local.get $g)) (local.get $g))))
      (v128.store (i32.add (local.get $m) (local.get $o)) (local.get $mv))
      (v128.store (i32.add (local.get $v) (local.get $o)) (local.get $vv))
      (v128.store (i32.add (local.get $w) (local.get $o))
        (f64x2.sub (local.get $wv)
          (f64x2.div (f64x2.mul (f64x2.splat (local.get $lrT)) (local.get $mv))
            (f64x2.add (f64x2.sqrt (local.get $vv)) (v128.const f64x2 1e-8 1e-8)))))
      (local.set $k (i32.add (local.get $k) (i32.const 2)))
      (br $pair)))
    (if (i32.lt_u (local.get $k) (local.get $n))
      (then
        (local.set $o (i32.shl (local.get $k) (i32.const 3)))
        (local.set $gs (f64.add
          (f64.load (i32.add (local.get $g1) (local.get $o)))
          (f64.load (i32.add (local.get $g2) (local.get $o)))))
        (local.set $ws (f64.load (i32.add (local.get $w) (local.get $o))))
        (if (local.get $penalised)
          (then
            (local.set $gs (f64.add (local.get $gs)
              (f64.div (f64.mul (local.get $alpha) (local.get $ws)) (local.get $rows))))
            (local.set $sumSq (f64.add (local.get $sumSq) (f64.mul (local.get $ws) (local.get $ws))))))
        (local.set $ms (f64.add
          (f64.mul (f64.const 0.9) (f64.load (i32.add (local.get $m) (local.get $o))))
          (f64.mul (f64.const 0.1) (local.get $gs))))
        (local.set $vs (f64.add
          (f64.mul (f64.const 0.999) (f64.load (i32.add (local.get $v) (local.get $o))))
          (f64.mul (f64.mul (f64.const 0.001) (local.get $gs)) (local.get $gs))))
        (f64.store (i32.add (local.get $m) (local.get $o)) (local.get $ms))
        (f64.store (i32.add (local.get $v) (local.get $o)) (local.get $vs))
        (f64.store (i32.add (local.get $w) (local.get $o))
          (f64.sub (local.get $ws)
            (f64.div (f64.mul (local.get $lrT) (local.get $ms))
              (f64.add (f64.sqrt (local.get $vs)) (f64.const 1e-8)))))))
    (local.get $sumSq)
  )
)
