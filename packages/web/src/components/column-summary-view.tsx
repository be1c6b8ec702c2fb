import type { ColumnSummary } from '@marquee/client';
import * as Plot from '@observablehq/plot';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../format.ts';

/** One column: a histogram with its moments for numbers, the top values as bars otherwise. */
export function ColumnSummaryView({ c }: { c: ColumnSummary }) {
  const { t, i18n } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const n = (v: number | null | undefined, d = 3) =>
    v === null || v === undefined ? '–' : formatNumber(i18n.language, v, d);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const hidden = { ariaHidden: 'true' } as const;
    const chart =
      c.kind === 'numeric'
        ? Plot.plot({
            width: 260,
            height: 120,
            x: { label: null },
            y: { label: null, grid: true },
            marks: [
              Plot.rectY(c.histogram, { x1: 'from', x2: 'to', y: 'count', fill: '#b3261e', inset: 0.5, ...hidden }),
            ],
          })
        : Plot.plot({
            width: 260,
            height: 24 * Math.max(1, c.top.length) + 20,
            marginLeft: 100,
            x: { label: null, grid: true },
            y: { label: null },
            marks: [Plot.barX(c.top, { x: 'count', y: 'value', sort: { y: '-x' }, fill: '#1a73e8', ...hidden })],
          });
    chart.setAttribute('role', 'img');
    chart.setAttribute(
      'aria-label',
      c.kind === 'numeric'
        ? `${c.name}: ${t('datasets.range')} ${c.min} – ${c.max}, ${t('datasets.mean')} ${c.mean}`
        : `${c.name}: ${c.top
            .slice(0, 3)
            .map((v) => `${v.value} ${v.count}`)
            .join(', ')}`,
    );
    el.replaceChildren(chart);
    return () => chart.remove();
  }, [c, t]);
  return (
    <article className="column-summary" data-testid={`summary-${c.name}`}>
      <h3>
        {c.name} <span className="chip">{c.kind}</span>
      </h3>
      <div ref={ref} />
      {c.kind === 'numeric' ? (
        <p className="stats">
          {t('datasets.range')} {n(c.min)} – {n(c.max)} · {t('datasets.mean')} {n(c.mean)} · σ {n(c.std)} ·{' '}
          {t('datasets.nulls')} {c.nulls}
        </p>
      ) : (
        <p className="stats">
          {t('datasets.distinct')} {c.distinct} · {t('datasets.nulls')} {c.nulls}
        </p>
      )}
    </article>
  );
}
