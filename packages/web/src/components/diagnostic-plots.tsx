import type { Diagnostics } from '@marquee/client';
import * as Plot from '@observablehq/plot';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../format.ts';

/** One Observable Plot chart, described for screen readers by `label`. */
function PlotFigure({
  make,
  caption,
  label,
}: {
  make: (width: number) => SVGSVGElement | HTMLElement;
  caption: string;
  label: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = make(Math.min(460, el.clientWidth || 460));
    chart.setAttribute('role', 'img');
    chart.setAttribute('aria-label', label);
    el.replaceChildren(chart);
    return () => chart.remove();
  }, [make, label]);
  return (
    <figure className="chart diagnostic">
      <figcaption>{caption}</figcaption>
      <div ref={ref} />
    </figure>
  );
}

/** The held-out plots of a version: confusion matrix, ROC and PR curves, actual vs predicted, residuals, importance. */
export function DiagnosticPlots({ d }: { d: Diagnostics }) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(i18n.language, v, 3);
  const hidden = { ariaHidden: 'true' } as const;
  return (
    <div className="diagnostics" data-testid="diagnostics">
      {d.confusion && (
        <PlotFigure
          caption={t('plots.confusion')}
          label={`${t('plots.confusion')}: ${d.confusion.classes.map((c, i) => `${c} ${d.confusion?.matrix[i]?.[i]}`).join(', ')}`}
          make={(width) => {
            const cells = d.confusion?.classes.flatMap((actual, i) =>
              (d.confusion?.classes ?? []).map((predicted, j) => ({
                actual,
                predicted,
                count: d.confusion?.matrix[i]?.[j] ?? 0,
              })),
            );
            return Plot.plot({
              width,
              marginLeft: 90,
              color: { scheme: 'reds' },
              x: { label: t('plots.predicted') },
              y: { label: t('plots.actual') },
              marks: [
                Plot.cell(cells, { x: 'predicted', y: 'actual', fill: 'count', ...hidden }),
                Plot.text(cells, {
                  x: 'predicted',
                  y: 'actual',
                  text: 'count',
                  fill: 'black',
                  stroke: 'white',
                  ...hidden,
                }),
              ],
            });
          }}
        />
      )}
      {d.roc && (
        <PlotFigure
          caption={t('plots.roc', { auc: n(d.roc.auc) })}
          label={t('plots.roc', { auc: n(d.roc.auc) })}
          make={(width) =>
            Plot.plot({
              width,
              height: 300,
              grid: true,
              x: { domain: [0, 1], label: t('plots.fpr') },
              y: { domain: [0, 1], label: t('plots.tpr') },
              marks: [
                Plot.line(
                  [
                    [0, 0],
                    [1, 1],
                  ],
                  { stroke: '#999', strokeDasharray: '4 4', ...hidden },
                ),
                Plot.line(d.roc?.x.map((x, i) => [x, d.roc?.y[i]] as [number, number]) ?? [], {
                  stroke: '#b3261e',
                  ...hidden,
                }),
              ],
            })
          }
        />
      )}
      {d.pr && (
        <PlotFigure
          caption={t('plots.pr', { ap: n(d.pr.averagePrecision) })}
          label={t('plots.pr', { ap: n(d.pr.averagePrecision) })}
          make={(width) =>
            Plot.plot({
              width,
              height: 300,
              grid: true,
              x: { domain: [0, 1], label: t('plots.recall') },
              y: { domain: [0, 1], label: t('plots.precision') },
              marks: [
                Plot.line(d.pr?.x.map((x, i) => [x, d.pr?.y[i]] as [number, number]) ?? [], {
                  stroke: '#1a73e8',
                  ...hidden,
                }),
              ],
            })
          }
        />
      )}
      {d.regression && (
        <>
          <PlotFigure
            caption={t('plots.actualVsPredicted')}
            label={t('plots.actualVsPredicted')}
            make={(width) => {
              const pts =
                d.regression?.actual.map((a, i) => ({ actual: a, predicted: d.regression?.predicted[i] ?? 0 })) ?? [];
              const lo = Math.min(...pts.map((p) => Math.min(p.actual, p.predicted)));
              const hi = Math.max(...pts.map((p) => Math.max(p.actual, p.predicted)));
              return Plot.plot({
                width,
                height: 300,
                grid: true,
                x: { label: t('plots.actual') },
                y: { label: t('plots.predicted') },
                marks: [
                  Plot.line(
                    [
                      [lo, lo],
                      [hi, hi],
                    ],
                    { stroke: '#999', strokeDasharray: '4 4', ...hidden },
                  ),
                  Plot.dot(pts, { x: 'actual', y: 'predicted', r: 2, fill: '#b3261e', fillOpacity: 0.6, ...hidden }),
                ],
              });
            }}
          />
          <PlotFigure
            caption={t('plots.residuals')}
            label={t('plots.residuals')}
            make={(width) =>
              Plot.plot({
                width,
                height: 240,
                grid: true,
                x: { label: t('plots.predicted') },
                y: { label: t('plots.residual') },
                marks: [
                  Plot.ruleY([0], { stroke: '#999', ...hidden }),
                  Plot.dot(
                    d.regression?.predicted.map((p, i) => ({
                      predicted: p,
                      residual: (d.regression?.actual[i] ?? 0) - p,
                    })) ?? [],
                    { x: 'predicted', y: 'residual', r: 2, fill: '#1a73e8', fillOpacity: 0.6, ...hidden },
                  ),
                ],
              })
            }
          />
        </>
      )}
      {d.importance && d.importance.features.length > 0 && (
        <PlotFigure
          caption={t('plots.importance', { score: d.importance.score })}
          label={`${t('plots.importance', { score: d.importance.score })}: ${d.importance.features
            .slice(0, 5)
            .map((f) => `${f.feature} ${n(f.drop)}`)
            .join(', ')}`}
          make={(width) =>
            Plot.plot({
              width,
              marginLeft: 140,
              height: 22 * Math.min(15, d.importance?.features.length ?? 0) + 40,
              x: { label: t('plots.drop'), grid: true },
              y: { label: null },
              marks: [
                Plot.barX(d.importance?.features.slice(0, 15) ?? [], {
                  x: 'drop',
                  y: 'feature',
                  sort: { y: '-x' },
                  fill: '#b3261e',
                  ...hidden,
                }),
                Plot.ruleX([0], hidden),
              ],
            })
          }
        />
      )}
    </div>
  );
}
