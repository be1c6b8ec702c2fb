import * as Plot from '@observablehq/plot';
import { useEffect, useRef } from 'react';

export interface ProgressPoint {
  step: number;
  metric: string;
  value: number;
}

export interface CurvePoint {
  step: number;
  stage: string;
  metrics: Record<string, number>;
}

const COUNTERS = new Set(['epoch', 'iteration', 'trial', 'fold']);

/** A stored learning curve as chart points: one per metric per step, counters (epoch, trial) as the step. */
export function curvePoints(curve: CurvePoint[]): ProgressPoint[] {
  return curve.flatMap((c) => {
    const step = c.metrics.epoch ?? c.metrics.iteration ?? c.metrics.trial ?? c.metrics.fold ?? c.step;
    return Object.entries(c.metrics)
      .filter(([m, v]) => !COUNTERS.has(m) && Number.isFinite(v))
      .map(([metric, value]) => ({ step, metric, value }));
  });
}

/** A metric per reported step (loss per epoch, score per trial), one line per metric. */
export function ProgressChart({ points, label }: { points: ProgressPoint[]; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || points.length === 0) return;
    const chart = Plot.plot({
      width: Math.min(720, el.clientWidth || 720),
      height: 240,
      grid: true,
      x: { label: null },
      y: { label: null },
      color: { legend: true },
      marks: [
        Plot.line(points, { x: 'step', y: 'value', stroke: 'metric', ariaHidden: 'true' }),
        Plot.dot(points, { x: 'step', y: 'value', fill: 'metric', r: 2, ariaHidden: 'true' }),
      ],
    });
    const last = new Map(points.map((p) => [p.metric, p.value]));
    chart.setAttribute('role', 'img');
    chart.setAttribute('aria-label', `${label}: ${[...last].map(([m, v]) => `${m} ${v.toPrecision(4)}`).join(', ')}`);
    el.replaceChildren(chart);
    return () => chart.remove();
  }, [points, label]);
  return <div ref={ref} className="progress-chart" data-testid="progress-chart" />;
}
