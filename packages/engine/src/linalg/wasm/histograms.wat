;; Gradient boosting's histograms (trees/gradient-histograms.ts): a leaf's gradient sum,
;; hessian sum and row count per bin of every feature, and the scan of them for the
;; leaf's best split. A histogram is [bins × 3] doubles (g, h, count side by side: adding
;; a row to a bin touches one cache line), feature f's bin b at offsets[f] + b. Every sum
;; takes its values in the order the JavaScript loops do, so both give the same bits:
;; each bin adds its rows in leaf order; the scan adds bins in order and computes each
;; gain as (gl·gl)/(hl+λ) + (gr·gr)/(hr+λ) − parent. Addresses in bytes.
(module
  (import "env" "memory" (memory 1))

  ;; hist = the histograms of the leaf whose rows are idx[0..n): its rows, gradients and
  ;; hessians first gathered into rows [n int32] and gh [n × (g, h)], then four features a
  ;; pass (rows often fall in the same bin one after another, a pixel's 0, and each bin's
  ;; sums then wait on the one before; different features' bins are apart, so their
  ;; waits overlap). binned is column-major [features × nRows] bytes.
  (func (export "build")
    (param $idx i32) (param $n i32) (param $grad i32) (param $hess i32) (param $binned i32)
    (param $nRows i32) (param $nFeatures i32) (param $offsets i32) (param $hist i32) (param $bins i32)
    (param $rows i32) (param $gh i32)
    (local $i i32) (local $r i32) (local $f i32) (local $x v128) (local $o i32)
    (local $col0 i32) (local $col1 i32) (local $col2 i32) (local $col3 i32)
    (local $base0 i32) (local $base1 i32) (local $base2 i32) (local $base3 i32)
    (local $a i32)
    (memory.fill (local.get $hist) (i32.const 0) (i32.mul (local.get $bins) (i32.const 24)))
    (block $gathered (loop $gather
      (br_if $gathered (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $r (i32.load (i32.add (local.get $idx) (i32.shl (local.get $i) (i32.const 2)))))
      (i32.store (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2))) (local.get $r))
      (local.set $o (i32.shl (local.get $r) (i32.const 3)))
      (v128.store (i32.add (local.get $gh) (i32.shl (local.get $i) (i32.const 4)))
        (f64x2.replace_lane 1
          (f64x2.splat (f64.load (i32.add (local.get $grad) (local.get $o))))
          (f64.load (i32.add (local.get $hess) (local.get $o)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $gather)))
    (block $done_quads (loop $quads
      (br_if $done_quads (i32.gt_s (i32.add (local.get $f) (i32.const 3)) (i32.sub (local.get $nFeatures) (i32.const 1))))
      (local.set $col0 (i32.add (local.get $binned) (i32.mul (local.get $f) (local.get $nRows))))
      (local.set $col1 (i32.add (local.get $col0) (local.get $nRows)))
      (local.set $col2 (i32.add (local.get $col1) (local.get $nRows)))
      (local.set $col3 (i32.add (local.get $col2) (local.get $nRows)))
      (local.set $o (i32.add (local.get $offsets) (i32.shl (local.get $f) (i32.const 2))))
      (local.set $base0 (i32.add (local.get $hist) (i32.mul (i32.load (local.get $o)) (i32.const 24))))
      (local.set $base1 (i32.add (local.get $hist) (i32.mul (i32.load offset=4 (local.get $o)) (i32.const 24))))
      (local.set $base2 (i32.add (local.get $hist) (i32.mul (i32.load offset=8 (local.get $o)) (i32.const 24))))
      (local.set $base3 (i32.add (local.get $hist) (i32.mul (i32.load offset=12 (local.get $o)) (i32.const 24))))
      (local.set $i (i32.const 0))
      (block $done_rows (loop $each_row
        (br_if $done_rows (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $r (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $x (v128.load (i32.add (local.get $gh) (i32.shl (local.get $i) (i32.const 4)))))
        (local.set $a (i32.add (local.get $base0)
          (i32.mul (i32.load8_u (i32.add (local.get $col0) (local.get $r))) (i32.const 24))))
        (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (local.get $x)))
        (f64.store offset=16 (local.get $a) (f64.add (f64.load offset=16 (local.get $a)) (f64.const 1)))
        (local.set $a (i32.add (local.get $base1)
          (i32.mul (i32.load8_u (i32.add (local.get $col1) (local.get $r))) (i32.const 24))))
        (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (local.get $x)))
        (f64.store offset=16 (local.get $a) (f64.add (f64.load offset=16 (local.get $a)) (f64.const 1)))
        (local.set $a (i32.add (local.get $base2)
          (i32.mul (i32.load8_u (i32.add (local.get $col2) (local.get $r))) (i32.const 24))))
        (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (local.get $x)))
        (f64.store offset=16 (local.get $a) (f64.add (f64.load offset=16 (local.get $a)) (f64.const 1)))
        (local.set $a (i32.add (local.get $base3)
          (i32.mul (i32.load8_u (i32.add (local.get $col3) (local.get $r))) (i32.const 24))))
        (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (local.get $x)))
        (f64.store offset=16 (local.get $a) (f64.add (f64.load offset=16 (local.get $a)) (f64.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each_row)))
      (local.set $f (i32.add (local.get $f) (i32.const 4)))
      (br $quads)))
    (block $done_rest (loop $rest
      (br_if $done_rest (i32.ge_u (local.get $f) (local.get $nFeatures)))
      (local.set $col0 (i32.add (local.get $binned) (i32.mul (local.get $f) (local.get $nRows))))
      (local.set $base0 (i32.add (local.get $hist)
        (i32.mul (i32.load (i32.add (local.get $offsets) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 24))))
      (local.set $i (i32.const 0))
      (block $done_one (loop $one
        (br_if $done_one (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $r (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $a (i32.add (local.get $base0)
          (i32.mul (i32.load8_u (i32.add (local.get $col0) (local.get $r))) (i32.const 24))))
        (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a))
          (v128.load (i32.add (local.get $gh) (i32.shl (local.get $i) (i32.const 4))))))
        (f64.store offset=16 (local.get $a) (f64.add (f64.load offset=16 (local.get $a)) (f64.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $one)))
      (local.set $f (i32.add (local.get $f) (i32.const 1)))
      (br $rest)))
  )

  ;; The best split of a leaf of n rows, gradient sum g, hessian sum h: the feature (−1
  ;; when no split gains more than 1e-12) returned, its bin and gain written to out[0],
  ;; out[1]. Candidates leave at least minLeaf rows and minHess hessian on each side; the
  ;; first bin of the largest gain wins (features in order, then bins). With minus ≠ 0 the
  ;; leaf's histograms are hist − minus (a larger child's: its parent's less its
  ;; sibling's), made in place as the scan reaches each bin, every bin of every feature
  ;; (the leaf keeps them for its own children). Once fewer than minLeaf rows are right
  ;; of a bin, none of the feature's later bins is a candidate: the scan goes on only to
  ;; subtract.
  (func (export "find_split")
    (param $hist i32) (param $minus i32) (param $offsets i32) (param $nFeatures i32)
    (param $n f64) (param $g f64) (param $h f64) (param $l2 f64) (param $minLeaf f64) (param $minHess f64)
    (param $out i32) (result i32)
    (local $parent f64) (local $bestGain f64) (local $bestF i32) (local $bestB i32)
    (local $f i32) (local $b i32) (local $nb i32) (local $at i32) (local $end i32) (local $scanning i32)
    (local $gl f64) (local $hl f64) (local $nl f64) (local $count f64) (local $nr f64) (local $hr f64)
    (local $gr f64) (local $gain f64) (local $m i32)
    (local.set $parent (f64.div (f64.mul (local.get $g) (local.get $g)) (f64.add (local.get $h) (local.get $l2))))
    (local.set $bestGain (f64.const 1e-12))
    (local.set $bestF (i32.const -1))
    (block $done_f (loop $features
      (br_if $done_f (i32.ge_u (local.get $f) (local.get $nFeatures)))
      (local.set $at (i32.load (i32.add (local.get $offsets) (i32.shl (local.get $f) (i32.const 2)))))
      (local.set $nb (i32.sub
        (i32.load offset=4 (i32.add (local.get $offsets) (i32.shl (local.get $f) (i32.const 2))))
        (local.get $at)))
      ;; at: bin b's byte offset in a histogram; end: the feature's last bin's
      (local.set $at (i32.mul (local.get $at) (i32.const 24)))
      (local.set $end (i32.add (local.get $at) (i32.mul (i32.sub (local.get $nb) (i32.const 1)) (i32.const 24))))
      (local.set $gl (f64.const 0))
      (local.set $hl (f64.const 0))
      (local.set $nl (f64.const 0))
      (local.set $scanning (i32.const 1))
      (local.set $b (i32.const 0))
      (block $done_b (loop $bins
        (br_if $done_b (i32.ge_s (local.get $at) (local.get $end)))
        (if (local.get $minus)
          (then
            (local.set $m (i32.add (local.get $minus) (local.get $at)))
            (v128.store (i32.add (local.get $hist) (local.get $at))
              (f64x2.sub (v128.load (i32.add (local.get $hist) (local.get $at))) (v128.load (local.get $m))))
            (f64.store offset=16 (i32.add (local.get $hist) (local.get $at))
              (f64.sub (f64.load offset=16 (i32.add (local.get $hist) (local.get $at))) (f64.load offset=16 (local.get $m))))))
        (block $next
          (br_if $next (i32.eqz (local.get $scanning)))
          (local.set $gl (f64.add (local.get $gl) (f64.load (i32.add (local.get $hist) (local.get $at)))))
          (local.set $hl (f64.add (local.get $hl) (f64.load offset=8 (i32.add (local.get $hist) (local.get $at)))))
          (local.set $count (f64.load offset=16 (i32.add (local.get $hist) (local.get $at))))
          (local.set $nl (f64.add (local.get $nl) (local.get $count)))
          (br_if $next (f64.eq (local.get $count) (f64.const 0)))
          (br_if $next (f64.lt (local.get $nl) (local.get $minLeaf)))
          (local.set $nr (f64.sub (local.get $n) (local.get $nl)))
          (if (f64.lt (local.get $nr) (local.get $minLeaf))
            (then
              ;; nl only grows: no later bin of this feature is a candidate.
              (br_if $done_b (i32.eqz (local.get $minus)))
              (local.set $scanning (i32.const 0))
              (br $next)))
          (local.set $hr (f64.sub (local.get $h) (local.get $hl)))
          (br_if $next (f64.lt (local.get $hl) (local.get $minHess)))
          (br_if $next (f64.lt (local.get $hr) (local.get $minHess)))
          (local.set $gr (f64.sub (local.get $g) (local.get $gl)))
          (local.set $gain (f64.sub
            (f64.add
              (f64.div (f64.mul (local.get $gl) (local.get $gl)) (f64.add (local.get $hl) (local.get $l2)))
              (f64.div (f64.mul (local.get $gr) (local.get $gr)) (f64.add (local.get $hr) (local.get $l2))))
            (local.get $parent)))
          (if (f64.gt (local.get $gain) (local.get $bestGain))
            (then
              (local.set $bestGain (local.get $gain))
              (local.set $bestF (local.get $f))
              (local.set $bestB (local.get $b)))))
        (local.set $at (i32.add (local.get $at) (i32.const 24)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bins)))
      ;; The last bin: subtracted, never a split (nothing right of it).
      (if (i32.and (i32.ne (local.get $minus) (i32.const 0)) (i32.gt_s (local.get $nb) (i32.const 0)))
        (then
          (local.set $m (i32.add (local.get $minus) (local.get $end)))
          (v128.store (i32.add (local.get $hist) (local.get $end))
            (f64x2.sub (v128.load (i32.add (local.get $hist) (local.get $end))) (v128.load (local.get $m))))
          (f64.store offset=16 (i32.add (local.get $hist) (local.get $end))
            (f64.sub (f64.load offset=16 (i32.add (local.get $hist) (local.get $end))) (f64.load offset=16 (local.get $m))))))
      (local.set $f (i32.add (local.get $f) (i32.const 1)))
      (br $features)))
    (f64.store (local.get $out) (f64.convert_i32_s (local.get $bestB)))
    (f64.store offset=8 (local.get $out) (local.get $bestGain))
    (local.get $bestF))
)
