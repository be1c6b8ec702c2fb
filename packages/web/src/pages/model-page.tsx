import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../api.ts';
import { CardEditor } from '../components/card-editor.tsx';
import { DiagnosticPlots } from '../components/diagnostic-plots.tsx';
import { DiscussionsPanel } from '../components/discussions-panel.tsx';
import { MetricsChart } from '../components/metrics-chart.tsx';
import { ModelActions } from '../components/model-actions.tsx';
import { curvePoints, ProgressChart } from '../components/progress-chart.tsx';
import { ProposeForm } from '../components/propose-form.tsx';
import { RecommendForm } from '../components/recommend-form.tsx';
import { SafeHtml } from '../components/safe-html.tsx';
import { SnippetTabs } from '../components/snippet-tabs.tsx';
import { TryItForm } from '../components/try-it-form.tsx';
import { formatBytes, formatDate } from '../format.ts';
import { useSession } from '../session.tsx';

/** A model: its card, versions and aliases, measured metrics, verification, try it, snippets, proposals. */
export default function ModelPage() {
  const { owner = '', name = '' } = useParams();
  const fullName = `${owner}/${name}`;
  const { t, i18n } = useTranslation();
  const session = useSession();
  const [editing, setEditing] = useState(false);
  const lang = i18n.language;
  const model = useQuery({ queryKey: ['model', fullName], queryFn: () => api.getModel(fullName) });
  const versions = useQuery({
    queryKey: ['versions', fullName],
    queryFn: () => api.listVersions(fullName),
    enabled: model.isSuccess,
  });
  const card = useQuery({
    queryKey: ['card', fullName],
    queryFn: () => api.getCard(fullName).catch(() => null),
    enabled: model.isSuccess,
  });
  const snippets = useQuery({
    queryKey: ['snippets', fullName],
    queryFn: () => api.snippets(fullName).catch(() => null),
    enabled: model.isSuccess,
  });
  const proposals = useQuery({
    queryKey: ['proposals', fullName],
    queryFn: () => api.proposals.list(fullName).catch(() => []),
    enabled: model.isSuccess,
  });
  if (model.isLoading) return <p aria-busy="true">{t('model.loading')}</p>;
  if (model.error || !model.data) return <p role="alert">{t('model.notFound')}</p>;
  const m = model.data;
  const shown = m.publishedVersion ?? m.aliases.champion ?? m.latestVersion;
  const current = versions.data?.find((v) => v.version === shown) ?? versions.data?.at(-1);
  return (
    <article className="model-page">
      <header className="model-header">
        <h1>{m.fullName}</h1>
        <p className="meta">
          <span className="chip">{m.task}</span>
          {m.verified && <span className="badge">✓ {t('listing.verified')}</span>}
          {m.license && <span className="chip">{m.license}</span>}
          {m.forkedFrom && <span>{t('model.forkedFrom', { name: m.forkedFrom })}</span>}
        </p>
        {m.description && <p>{m.description}</p>}
      </header>
      {session.user && versions.data && (
        <ModelActions model={m} versions={versions.data} username={session.user.username} />
      )}
      <div className="model-columns">
        <section aria-labelledby="card-h" className="card-section">
          <h2 id="card-h">{t('model.card')}</h2>
          {editing ? (
            <CardEditor model={m.fullName} markdown={card.data?.markdown ?? ''} onDone={() => setEditing(false)} />
          ) : card.data ? (
            <SafeHtml html={card.data.html} className="markdown" />
          ) : (
            <p>{t('model.noCard')}</p>
          )}
          {session.user && !editing && (
            <button type="button" className="link" onClick={() => setEditing(true)}>
              {t('card.edit')}
            </button>
          )}
        </section>
        <aside className="model-side">
          {current?.details?.metrics && Object.keys(current.details.metrics).length > 0 ? (
            <MetricsChart
              metrics={current.details.metrics}
              title={t('model.metricsOf', { version: current.version })}
            />
          ) : (
            current && <p>{t('model.noMetrics')}</p>
          )}
          {current?.details?.curve && current.details.curve.length > 1 && (
            <figure className="chart">
              <figcaption>{t('model.learningCurve')}</figcaption>
              <ProgressChart points={curvePoints(current.details.curve)} label={t('model.learningCurve')} />
            </figure>
          )}
          {current?.verification && (
            <section aria-labelledby="ver-h">
              <h2 id="ver-h">
                {t('model.verification')}: {current.verification.passed ? t('model.passed') : t('model.failed')}
              </h2>
              <ul className="checks">
                {current.verification.checks.map((c) => (
                  <li key={c.name} className={c.passed ? 'ok' : 'bad'}>
                    <span aria-hidden="true">{c.passed ? '✓' : '✗'}</span> <code>{c.name}</code> {c.detail}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </aside>
      </div>
      {current?.details?.diagnostics && (
        <section aria-labelledby="eval-h">
          <h2 id="eval-h">{t('plots.title')}</h2>
          <DiagnosticPlots d={current.details.diagnostics} />
        </section>
      )}
      {current &&
        (current.example.recommend && session.user ? (
          <RecommendForm model={m.fullName} version={current} />
        ) : (
          <TryItForm model={m.fullName} version={current} signedIn={session.user !== null} />
        ))}
      {snippets.data && (
        <section aria-labelledby="use-h">
          <h2 id="use-h">{t('model.snippets')}</h2>
          <SnippetTabs snippets={snippets.data} />
        </section>
      )}
      <section aria-labelledby="versions-h">
        <h2 id="versions-h">{t('model.versions')}</h2>
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a table that scrolls sideways on a phone must be reachable by keyboard */}
        <section className="table-scroll" aria-labelledby="versions-h" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('model.version')}</th>
                <th scope="col">{t('model.aliases')}</th>
                <th scope="col">{t('model.format')}</th>
                <th scope="col">{t('model.size')}</th>
                <th scope="col">{t('model.by')}</th>
                <th scope="col">{t('model.created')}</th>
              </tr>
            </thead>
            <tbody>
              {versions.data?.map((v) => (
                <tr key={v.version}>
                  <td>{v.version}</td>
                  <td>
                    {Object.entries(m.aliases)
                      .filter(([, n]) => n === v.version)
                      .map(([a]) => a)
                      .join(', ')}
                  </td>
                  <td>{v.format}</td>
                  <td>{formatBytes(lang, v.sizeBytes)}</td>
                  <td>{v.createdBy}</td>
                  <td>{formatDate(lang, v.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </section>
      <section aria-labelledby="proposals-h">
        <h2 id="proposals-h">{t('model.proposals')}</h2>
        {proposals.data && proposals.data.length > 0 ? (
          <ul className="proposals">
            {proposals.data.map((p) => (
              <li key={p.number}>
                <Link to={`/models/${m.fullName}/proposals/${p.number}`}>
                  #{p.number} {p.title}
                </Link>{' '}
                — {t(`proposal.states.${p.state}`, { defaultValue: p.state })} ({p.author})
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('model.noProposals')}</p>
        )}
        {session.user && versions.data && versions.data.length > 0 && m.evaluation && (
          <ProposeForm model={m.fullName} versions={versions.data.map((v) => v.version)} />
        )}
      </section>
      <DiscussionsPanel model={m.fullName} signedIn={session.user !== null} />
    </article>
  );
}
