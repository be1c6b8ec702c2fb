import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../api.ts';
import { formatBytes, formatNumber } from '../format.ts';
import { useSession } from '../session.tsx';

/** A change proposal with its side-by-side evaluation report, and merge for the model's writers. */
export default function ProposalPage() {
  const { owner = '', name = '', number = '0' } = useParams();
  const model = `${owner}/${name}`;
  const { t, i18n } = useTranslation();
  const session = useSession();
  const queries = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const n = (v: number | null | undefined, d = 4) =>
    v === null || v === undefined ? '–' : formatNumber(i18n.language, v, d);
  const proposal = useQuery({
    queryKey: ['proposal', model, number],
    queryFn: () => api.proposals.get(model, Number(number)),
    refetchInterval: (q) =>
      q.state.data && ['waiting', 'evaluating', 'merging'].includes(q.state.data.state) ? 1000 : false,
  });
  const p = proposal.data;
  if (proposal.isLoading) return <p aria-busy="true">…</p>;
  if (!p) return <p role="alert">{t('proposal.notFound')}</p>;
  const r = p.report;
  const merge = async () => {
    setError(null);
    try {
      await api.proposals.merge(model, p.number);
      await queries.invalidateQueries();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <article className="proposal-page">
      <p>
        <Link to={`/models/${model}`}>{model}</Link>
      </p>
      <h1>
        #{p.number} {p.title}
      </h1>
      <p className="meta">
        <span className="chip" data-testid="proposal-state">
          {t(`proposal.states.${p.state}`, { defaultValue: p.state })}
        </span>
        <span>
          {t('proposal.author')}: {p.author}
        </span>
        {p.candidate && (
          <span>
            {t('proposal.candidate')}: {p.candidate.model} v{p.candidate.version} → “{p.alias}”
          </span>
        )}
      </p>
      {p.description && <p>{p.description}</p>}
      {p.merged && <p>{t('proposal.mergedBy', { by: p.merged.by, version: p.merged.version })}</p>}
      {p.error && (
        <p role="alert" className="error">
          {p.error}
        </p>
      )}
      {r && (
        <section aria-labelledby="report-h">
          <h2 id="report-h">{t('proposal.report')}</h2>
          <p>
            {t('proposal.evaluatedOn', { dataset: r.dataset, rows: r.comparison.rows, target: r.target })}{' '}
            {r.baseline
              ? t('proposal.against', { model: r.baseline.model, version: r.baseline.version })
              : t('proposal.noBaseline')}
          </p>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a wide table scrolls sideways and must be reachable by keyboard */}
          <section className="table-scroll" aria-labelledby="report-h" tabIndex={0}>
            <table data-testid="report">
              <thead>
                <tr>
                  <th scope="col">{t('proposal.metric')}</th>
                  <th scope="col">{t('proposal.current')}</th>
                  <th scope="col">{t('proposal.candidate')}</th>
                  <th scope="col">{t('proposal.difference')}</th>
                  <th scope="col">{t('proposal.interval')}</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(r.comparison.metrics).map(([metric, m]) => (
                  <tr key={metric}>
                    <th scope="row">{metric}</th>
                    <td>{n(m.baseline)}</td>
                    <td>{n(m.candidate)}</td>
                    <td
                      className={
                        m.difference === null
                          ? ''
                          : (m.lowerIsBetter ? -m.difference : m.difference) >= 0
                            ? 'better'
                            : 'worse'
                      }
                    >
                      {m.difference === null ? '–' : `${m.difference >= 0 ? '+' : ''}${n(m.difference)}`}
                    </td>
                    <td>{m.interval ? `[${n(m.interval.low)}, ${n(m.interval.high)}]` : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <dl className="facts">
            {r.comparison.mcnemar && (
              <div>
                <dt>McNemar</dt>
                <dd>
                  {t('proposal.mcnemar', {
                    baseline: r.comparison.mcnemar.baselineOnlyRight,
                    candidate: r.comparison.mcnemar.candidateOnlyRight,
                    p: r.comparison.mcnemar.pValue.toPrecision(3),
                  })}
                </dd>
              </div>
            )}
            {r.comparison.agreement !== null && (
              <div>
                <dt>{t('proposal.agreement')}</dt>
                <dd>{formatNumber(i18n.language, r.comparison.agreement * 100, 1)}%</dd>
              </div>
            )}
            <div>
              <dt>{t('proposal.latency')}</dt>
              <dd>
                {r.latencyMs.baseline ? `${r.latencyMs.baseline.p50} / ${r.latencyMs.baseline.p99}` : '–'} →{' '}
                {r.latencyMs.candidate.p50} / {r.latencyMs.candidate.p99} ms
              </dd>
            </div>
            <div>
              <dt>{t('proposal.size')}</dt>
              <dd>
                {r.baseline ? formatBytes(i18n.language, r.baseline.sizeBytes) : '–'} →{' '}
                {formatBytes(i18n.language, r.candidate.sizeBytes)}
              </dd>
            </div>
            {r.rule && (
              <div>
                <dt>{t('proposal.rule')}</dt>
                <dd data-testid="rule">
                  {r.rule.passed ? '✓' : '✗'} {r.rule.reason}
                </dd>
              </div>
            )}
          </dl>
        </section>
      )}
      {session.user && p.state === 'evaluated' && (
        <button type="button" onClick={merge}>
          {t('proposal.merge', { alias: p.alias })}
        </button>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </article>
  );
}
