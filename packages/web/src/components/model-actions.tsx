import type { ModelDetails, ModelVersion, TrainingJob } from '@marquee/client';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api.ts';
import { formatNumber } from '../format.ts';

/** Like, fork and publish: what a signed-in visitor can do to a model (the server decides who may). */
export function ModelActions({
  model,
  versions,
  username,
}: {
  model: ModelDetails;
  versions: ModelVersion[];
  username: string;
}) {
  const { t, i18n } = useTranslation();
  const queries = useQueryClient();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [publishing, setPublishing] = useState<TrainingJob | null>(null);
  const refresh = () => queries.invalidateQueries({ queryKey: ['model', model.fullName] });
  const run = async (what: () => Promise<unknown>) => {
    setError(null);
    try {
      await what();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const fork = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget).get('forkName') ?? '').trim();
    void run(async () => {
      const made = await api.fork('models', model.fullName, { owner: username, name });
      navigate(`/models/${made.fullName}`);
    });
  };
  const publish = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const version = Number(new FormData(e.currentTarget).get('publishVersion'));
    void run(async () => {
      const job = await api.publish(model.fullName, version);
      setPublishing(job);
      const done = await api.followJob(job.id);
      setPublishing(done);
      await refresh();
      await queries.invalidateQueries({ queryKey: ['versions', model.fullName] });
    });
  };
  const report = (
    publishing?.result as {
      report?: { passed: boolean; checks: Array<{ name: string; passed: boolean; detail: string }> };
    } | null
  )?.report;
  return (
    <section className="model-actions" aria-label={t('actions.title')}>
      <button
        type="button"
        aria-pressed={model.liked === true}
        onClick={() =>
          void run(async () => (model.liked ? api.unlike(model.fullName) : api.like(model.fullName)).then(refresh))
        }
      >
        ♥ {model.liked ? t('model.unlike') : t('model.like')} ({formatNumber(i18n.language, model.likes ?? 0)})
      </button>
      <form onSubmit={fork} className="inline-form">
        <label>
          {t('actions.forkAs', { owner: username })}
          <input name="forkName" required defaultValue={model.name} pattern="[a-z0-9][a-z0-9_\-]{0,63}" />
        </label>
        <button type="submit">{t('actions.fork')}</button>
      </form>
      {versions.length > 0 && (
        <form onSubmit={publish} className="inline-form">
          <label>
            {t('actions.publishVersion')}
            <select name="publishVersion" defaultValue={versions.at(-1)?.version}>
              {versions.map((v) => (
                <option key={v.version} value={v.version}>
                  {v.version}
                </option>
              ))}
            </select>
          </label>
          <button
            type="submit"
            disabled={publishing !== null && publishing.state !== 'succeeded' && publishing.state !== 'failed'}
          >
            {t('actions.publish')}
          </button>
        </form>
      )}
      {publishing && (
        <div role="status" data-testid="publish-status">
          {publishing.state === 'succeeded' && report
            ? report.passed
              ? t('actions.published')
              : t('actions.notPublished', {
                  checks: (report.checks ?? [])
                    .filter((c) => !c.passed)
                    .map((c) => `${c.name}: ${c.detail}`)
                    .join('; '),
                })
            : t(`job.states.${publishing.state}`)}
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
