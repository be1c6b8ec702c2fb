import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api } from '../api.ts';
import { ColumnSummaryView } from '../components/column-summary-view.tsx';
import { formatBytes, formatDate, formatNumber } from '../format.ts';
import { useSession } from '../session.tsx';

const FORMATS: Record<string, 'csv' | 'jsonl' | 'parquet'> = {
  csv: 'csv',
  jsonl: 'jsonl',
  json: 'jsonl',
  ndjson: 'jsonl',
  parquet: 'parquet',
};

/** A dataset: its versions, the latest one's schema, preview and column summaries, and an upload with progress. */
export default function DatasetPage() {
  const { owner = '', name = '' } = useParams();
  const fullName = `${owner}/${name}`;
  const { t, i18n } = useTranslation();
  const session = useSession();
  const queries = useQueryClient();
  const [chosen, setChosen] = useState<number | null>(null);
  const [upload, setUpload] = useState<{ sent: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const dataset = useQuery({ queryKey: ['dataset', fullName], queryFn: () => api.getDataset(fullName) });
  const versions = useQuery({
    queryKey: ['dataset-versions', fullName],
    queryFn: () => api.listDatasetVersions(fullName),
    enabled: dataset.isSuccess,
  });
  const version = versions.data?.find((v) => v.version === chosen) ?? versions.data?.at(-1);
  const preview = useQuery({
    queryKey: ['preview', fullName, version?.version],
    queryFn: () => api.previewDataset(fullName, version?.version as number, 20),
    enabled: version !== undefined,
  });
  const summary = useQuery({
    queryKey: ['summary', fullName, version?.version],
    queryFn: () => api.datasetSummary(fullName, version?.version as number),
    enabled: version !== undefined,
  });
  if (dataset.isLoading) return <p aria-busy="true">…</p>;
  if (!dataset.data) return <p role="alert">{t('datasets.notFound')}</p>;

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    const format = FORMATS[file.name.split('.').pop()?.toLowerCase() ?? ''];
    if (!format) {
      setError(t('datasets.badFormat'));
      return;
    }
    setError(null);
    setUpload({ sent: 0, total: file.size });
    try {
      const v = await api.uploadDatasetVersion(fullName, file, format, (sent, total) => setUpload({ sent, total }));
      setChosen(v.version);
      await queries.invalidateQueries({ queryKey: ['dataset-versions', fullName] });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setUpload(null);
      e.target.value = '';
    }
  };

  return (
    <article className="dataset-page">
      <h1>{dataset.data.fullName}</h1>
      <p className="meta">
        <span className="chip">{dataset.data.visibility}</span>
        {dataset.data.description}
      </p>
      {session.user && (
        <section aria-labelledby="upload-h" className="upload">
          <h2 id="upload-h">{t('datasets.upload')}</h2>
          <label>
            {t('datasets.file')}
            <input
              type="file"
              accept=".csv,.jsonl,.json,.ndjson,.parquet"
              onChange={onFile}
              disabled={upload !== null}
            />
          </label>
          {upload && (
            <progress
              max={upload.total || 1}
              value={upload.sent}
              aria-label={t('datasets.uploading')}
              data-testid="upload-progress"
            />
          )}
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
        </section>
      )}
      {versions.data && versions.data.length > 0 && (
        <section aria-labelledby="dv-h">
          <h2 id="dv-h">{t('model.versions')}</h2>
          <label>
            {t('model.version')}{' '}
            <select value={version?.version} onChange={(e) => setChosen(Number(e.target.value))}>
              {versions.data.map((v) => (
                <option key={v.version} value={v.version}>
                  {v.version} · {v.format} · {formatNumber(i18n.language, v.rowCount)} {t('datasets.rows')} ·{' '}
                  {formatBytes(i18n.language, v.sizeBytes)} · {formatDate(i18n.language, v.createdAt)}
                </option>
              ))}
            </select>
          </label>
        </section>
      )}
      {version && (
        <section aria-labelledby="schema-h">
          <h2 id="schema-h">{t('datasets.schema')}</h2>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a wide table scrolls sideways and must be reachable by keyboard */}
          <section className="table-scroll" aria-labelledby="schema-h" tabIndex={0}>
            <table data-testid="schema">
              <thead>
                <tr>
                  <th scope="col">{t('datasets.column')}</th>
                  <th scope="col">{t('datasets.type')}</th>
                  <th scope="col">{t('datasets.kind')}</th>
                  <th scope="col">{t('datasets.nulls')}</th>
                  <th scope="col">{t('datasets.distinct')}</th>
                </tr>
              </thead>
              <tbody>
                {version.columns.map((c) => (
                  <tr key={c.name}>
                    <td>{c.name}</td>
                    <td>{c.type}</td>
                    <td>
                      {c.kind}
                      {c.order && <span className="muted"> ({c.order.join(' < ')})</span>}
                    </td>
                    <td>{c.nulls}</td>
                    <td>{c.distinct}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </section>
      )}
      {preview.data && (
        <section aria-labelledby="preview-h">
          <h2 id="preview-h">{t('datasets.preview')}</h2>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a wide table scrolls sideways and must be reachable by keyboard */}
          <section className="table-scroll" aria-labelledby="preview-h" tabIndex={0}>
            <table data-testid="preview">
              <thead>
                <tr>
                  {preview.data.columns.map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.data.rows.map((r, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: preview rows have no identity beyond their position
                  <tr key={i}>
                    {preview.data.columns.map((c) => (
                      <td key={c}>{r[c] === null || r[c] === undefined ? '' : String(r[c]).slice(0, 120)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </section>
      )}
      {summary.data && (
        <section aria-labelledby="summary-h">
          <h2 id="summary-h">{t('datasets.summaries')}</h2>
          <div className="summaries">
            {summary.data.map((c) => (
              <ColumnSummaryView key={c.name} c={c} />
            ))}
          </div>
        </section>
      )}
    </article>
  );
}
