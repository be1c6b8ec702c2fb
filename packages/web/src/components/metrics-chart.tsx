import * as Plot from '@observablehq/plot';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../format.ts';

/** Metrics in [0, 1] as bars (accuracy, F1, AUC…); others (RMSE, log loss) listed beside them. */
export function MetricsChart({ metrics, title }: { metrics: Record<string, number>; title: string }) {
  const { i18n } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const unit = Object.entries(metrics).filter(([, v]) => v >= 0 && v <= 1);
  const other = Object.entries(metrics).filter(([, v]) => !(v >= 0 && v <= 1));
  useEffect(() => {
    const el = ref.current;
    if (!el || unit.length === 0) return;
    const chart = Plot.plot({
      marginLeft: 130,
      width: Math.min(640, el.clientWidth || 640),
      height: 28 * unit.length + 40,
      x: { domain: [0, 1], grid: true, label: null },
      y: { label: null },
      marks: [
        Plot.barX(
          unit.map(([name, value]) => ({ name, value })),
          { x: 'value', y: 'name', fill: '#b3261e', ariaHidden: 'true' },
        ),
        Plot.text(
          unit.map(([name, value]) => ({ name, value })),
          {
            x: 'value',
            y: 'name',
            text: (d: { value: number }) => formatNumber(i18n.language, d.value, 4),
            dx: -4,
            textAnchor: 'end',
            fill: 'white',
          },
        ),
      ],
    });
    chart.setAttribute('role', 'img');
    chart.setAttribute('aria-label', `${title}: ${unit.map(([n, v]) => `${n} ${v.toFixed(4)}`).join(', ')}`);
    el.replaceChildren(chart);
    return () => chart.remove();
  }, [unit, title, i18n.language]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={ref} />
      {other.length > 0 && (
        <dl className="metric-list">
          {other.map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{formatNumber(i18n.language, value, 4)}</dd>
            </div>
          ))}
        </dl>
      )}
    </figure>
  );
}
