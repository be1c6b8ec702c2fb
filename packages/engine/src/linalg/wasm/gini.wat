;; A classification tree's split search on binned features (trees/wasm-gini-split.ts):
;; a node's [bin × class] weights and per-bin row counts for a feature, filled in one
;; pass over the node's rows, then scanned for the best threshold by the Gini criterion
;; and emptied as they are scanned. Every sum takes its values in the order of the
;; JavaScript search (gini-split.ts), so both give the same bits. Addresses in bytes.
(module
  (import "env" "memory" (memory 1))

  ;; Two features' histograms from one pass over rows idx[0..n) (a row's label and weight
  ;; read once for both; the two histograms' updates, which wait on each other when rows
  ;; share a bin, overlap). colA, colB: the features' columns of bins (nRows bytes each).
  ;; minmax[0..4): the lowest and highest bin of A, then of B.
  (func (export "fill_two")
    (param $idx i32) (param $n i32) (param $labels i32) (param $weight i32) (param $colA i32) (param $colB i32)
    (param $k i32) (param $histA i32) (param $countA i32) (param $histB i32) (param $countB i32) (param $minmax i32)
    (local $i i32) (local $r i32) (local $label i32) (local $w f64) (local $a i32) (local $b i32) (local $at i32)
    (local $minA i32) (local $maxA i32) (local $minB i32) (local $maxB i32)
    (local.set $minA (i32.const 255))
    (local.set $minB (i32.const 255))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $r (i32.load (i32.add (local.get $idx) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $label (i32.load (i32.add (local.get $labels) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $w (f64.load (i32.add (local.get $weight) (i32.shl (local.get $r) (i32.const 3)))))
      (local.set $a (i32.load8_u (i32.add (local.get $colA) (local.get $r))))
      (local.set $b (i32.load8_u (i32.add (local.get $colB) (local.get $r))))
      (local.set $minA (select (local.get $a) (local.get $minA) (i32.lt_u (local.get $a) (local.get $minA))))
      (local.set $maxA (select (local.get $a) (local.get $maxA) (i32.gt_u (local.get $a) (local.get $maxA))))
      (local.set $minB (select (local.get $b) (local.get $minB) (i32.lt_u (local.get $b) (local.get $minB))))
      (local.set $maxB (select (local.get $b) (local.get $maxB) (i32.gt_u (local.get $b) (local.get $maxB))))
      (local.set $at (i32.add (local.get $countA) (i32.shl (local.get $a) (i32.const 2))))
      (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
      (local.set $at (i32.add (local.get $countB) (i32.shl (local.get $b) (i32.const 2))))
      (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
      (local.set $at (i32.add (local.get $histA)
        (i32.shl (i32.add (i32.mul (local.get $a) (local.get $k)) (local.get $label)) (i32.const 3))))
      (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (local.get $w)))
      (local.set $at (i32.add (local.get $histB)
        (i32.shl (i32.add (i32.mul (local.get $b) (local.get $k)) (local.get $label)) (i32.const 3))))
      (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (local.get $w)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
    (i32.store (local.get $minmax) (local.get $minA))
    (i32.store offset=4 (local.get $minmax) (local.get $maxA))
    (i32.store offset=8 (local.get $minmax) (local.get $minB))
    (i32.store offset=12 (local.get $minmax) (local.get $maxB)))

  ;; One feature's histogram (fill_two's pass for a single feature; minmax[0..2)).
  (func (export "fill_one")
    (param $idx i32) (param $n i32) (param $labels i32) (param $weight i32) (param $col i32)
    (param $k i32) (param $hist i32) (param $count i32) (param $minmax i32)
    (local $i i32) (local $r i32) (local $b i32) (local $at i32) (local $min i32) (local $max i32)
    (local.set $min (i32.const 255))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $r (i32.load (i32.add (local.get $idx) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $b (i32.load8_u (i32.add (local.get $col) (local.get $r))))
      (local.set $min (select (local.get $b) (local.get $min) (i32.lt_u (local.get $b) (local.get $min))))
      (local.set $max (select (local.get $b) (local.get $max) (i32.gt_u (local.get $b) (local.get $max))))
      (local.set $at (i32.add (local.get $count) (i32.shl (local.get $b) (i32.const 2))))
      (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
      (local.set $at (i32.add (local.get $hist)
        (i32.shl (i32.add (i32.mul (local.get $b) (local.get $k))
          (i32.load (i32.add (local.get $labels) (i32.shl (local.get $r) (i32.const 2))))) (i32.const 3))))
      (f64.store (local.get $at) (f64.add (f64.load (local.get $at))
        (f64.load (i32.add (local.get $weight) (i32.shl (local.get $r) (i32.const 3))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
    (i32.store (local.get $minmax) (local.get $min))
    (i32.store offset=4 (local.get $minmax) (local.get $max)))

  ;; The best threshold of a filled histogram over bins [minBin, maxBin], emptying it: a
  ;; node's score is Σ_c w_c² / W, both sides' Σ_c w_c² updated as a bin's class weights
  ;; move left (empty cells skipped); a threshold needs minLeaf rows each side; the first
  ;; bin of the largest gain wins. Returns 0 when one bin holds every row (constant), else
  ;; 1 with the gain (−∞ when no threshold qualifies) and bin (−1 then) in out[0], out[1].
  ;; total: the node's class weights (k doubles); left: k doubles of scratch.
  (func (export "scan")
    (param $hist i32) (param $count i32) (param $minBin i32) (param $maxBin i32) (param $k i32)
    (param $total i32) (param $left i32) (param $totalWeight f64) (param $totalSquares f64)
    (param $nodeRows i32) (param $minLeaf i32) (param $out i32) (result i32)
    (local $b i32) (local $c i32) (local $rows i32) (local $base i32) (local $cell i32) (local $h f64) (local $l f64)
    (local $parent f64) (local $leftWeight f64) (local $leftSquares f64) (local $rightSquares f64)
    (local $leftRows i32) (local $rightRows i32) (local $gain f64) (local $bestGain f64) (local $bestBin i32)
    (local.set $bestGain (f64.const -inf))
    (local.set $bestBin (i32.const -1))
    (if (i32.eq (local.get $minBin) (local.get $maxBin))
      (then
        (i32.store (i32.add (local.get $count) (i32.shl (local.get $minBin) (i32.const 2))) (i32.const 0))
        (memory.fill (i32.add (local.get $hist) (i32.shl (i32.mul (local.get $minBin) (local.get $k)) (i32.const 3)))
          (i32.const 0) (i32.shl (local.get $k) (i32.const 3)))
        (f64.store (local.get $out) (local.get $bestGain))
        (f64.store offset=8 (local.get $out) (f64.convert_i32_s (local.get $bestBin)))
        (return (i32.const 0))))
    (memory.fill (local.get $left) (i32.const 0) (i32.shl (local.get $k) (i32.const 3)))
    (local.set $parent (f64.div (local.get $totalSquares) (local.get $totalWeight)))
    (local.set $rightSquares (local.get $totalSquares))
    (local.set $b (local.get $minBin))
    (block $done_b (loop $bins
      (br_if $done_b (i32.ge_s (local.get $b) (local.get $maxBin)))
      (block $next
        (local.set $rows (i32.load (i32.add (local.get $count) (i32.shl (local.get $b) (i32.const 2)))))
        (br_if $next (i32.eqz (local.get $rows)))
        (i32.store (i32.add (local.get $count) (i32.shl (local.get $b) (i32.const 2))) (i32.const 0))
        (local.set $base (i32.add (local.get $hist) (i32.shl (i32.mul (local.get $b) (local.get $k)) (i32.const 3))))
        (local.set $c (i32.const 0))
        (block $done_c (loop $classes
          (br_if $done_c (i32.ge_u (local.get $c) (local.get $k)))
          (block $skip
            (local.set $cell (i32.add (local.get $base) (i32.shl (local.get $c) (i32.const 3))))
            (local.set $h (f64.load (local.get $cell)))
            (br_if $skip (f64.eq (local.get $h) (f64.const 0)))
            (f64.store (local.get $cell) (f64.const 0))
            (local.set $l (f64.load (i32.add (local.get $left) (i32.shl (local.get $c) (i32.const 3)))))
            ;; leftSquares += h·(2l + h); rightSquares += h·(h − 2(total_c − l))
            (local.set $leftSquares (f64.add (local.get $leftSquares)
              (f64.mul (local.get $h) (f64.add (f64.mul (f64.const 2) (local.get $l)) (local.get $h)))))
            (local.set $rightSquares (f64.add (local.get $rightSquares)
              (f64.mul (local.get $h) (f64.sub (local.get $h)
                (f64.mul (f64.const 2) (f64.sub
                  (f64.load (i32.add (local.get $total) (i32.shl (local.get $c) (i32.const 3))))
                  (local.get $l)))))))
            (f64.store (i32.add (local.get $left) (i32.shl (local.get $c) (i32.const 3)))
              (f64.add (local.get $l) (local.get $h)))
            (local.set $leftWeight (f64.add (local.get $leftWeight) (local.get $h))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $classes)))
        (local.set $leftRows (i32.add (local.get $leftRows) (local.get $rows)))
        (local.set $rightRows (i32.sub (local.get $nodeRows) (local.get $leftRows)))
        (br_if $next (i32.lt_s (local.get $leftRows) (local.get $minLeaf)))
        (br_if $next (i32.lt_s (local.get $rightRows) (local.get $minLeaf)))
        (local.set $gain (f64.sub
          (f64.add
            (f64.div (local.get $leftSquares) (local.get $leftWeight))
            (f64.div (local.get $rightSquares) (f64.sub (local.get $totalWeight) (local.get $leftWeight))))
          (local.get $parent)))
        (if (f64.gt (local.get $gain) (local.get $bestGain))
          (then
            (local.set $bestGain (local.get $gain))
            (local.set $bestBin (local.get $b)))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bins)))
    (i32.store (i32.add (local.get $count) (i32.shl (local.get $maxBin) (i32.const 2))) (i32.const 0))
    (memory.fill (i32.add (local.get $hist) (i32.shl (i32.mul (local.get $maxBin) (local.get $k)) (i32.const 3)))
      (i32.const 0) (i32.shl (local.get $k) (i32.const 3)))
    (f64.store (local.get $out) (local.get $bestGain))
    (f64.store offset=8 (local.get $out) (f64.convert_i32_s (local.get $bestBin)))
    (i32.const 1))
)
