import type { JobProgress, TrainingJob } from '@marquee/client';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../api.ts';
import { type CurvePoint, curvePoints, ProgressChart, type ProgressPoint } from '../components/progress-chart.tsx';
import { formatNumber } from '../format.ts';

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** A job live (server-sent events): stage, percent, time left, metrics per step, cancel; the new version when done. */
export default function JobPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const [job, setJob] = useState<TrainingJob | null>(null);
  const [state, setState] = useState<string>('queued');
  const [progress, setProgress] = useState<JobProgress | null>(null);
  const [points, setPoints] = useState<ProgressPoint[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    let step = 0;
    api
      .getJob(id)
      .then((j) => live && setJob(j))
      .catch((e: Error) => live && setError(e.message));
    api
      .followJob(id, (e) => {
        if (!live) return;
        if (e.type === 'state') {
          setState(e.state);
          if (e.error) setError(e.error);
        } else {
          setProgress(e.progress);
          // The last report carries the held-out metrics: shown on the model page, not as a step.
          const metrics = e.progress.stage === 'done' ? {} : (e.progress.metrics ?? {});
          step++;
          const add = curvePoints([{ step, stage: e.progress.stage, metrics }]);
          if (add.length) setPoints((p) => [...p, ...add]);
        }
      })
      .then((j) => {
        if (!live) return;
        setJob(j);
        setState(j.state);
        if (j.error) setError(j.error);
        // The whole curve, unthrottled, replaces what arrived live (or what a late visitor missed).
        const curve = (j.result as { curve?: CurvePoint[] } | null)?.curve;
        if (curve?.length) setPoints(curvePoints(curve));
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [id]);

  const done = FINAL.has(state);
  const result = job?.result as { model?: string; version?: number; metrics?: Record<string, number> } | null;
  return (
    <section className="job-page">
      <h1>{t('job.title', { kind: job?.kind ?? 'train' })}</h1>
      <p>
        <span className="chip" data-testid="job-state">
          {t(`job.states.${state}`, { defaultValue: state })}
        </span>{' '}
        {job && <code>{String(job.spec.model ?? '')}</code>}
      </p>
      {progress && !done && (
        <div className="progress" aria-live="polite">
          <progress max={100} value={progress.percent} aria-label={t('job.progress')} />
          <span data-testid="job-stage">
            {progress.stage} · {formatNumber(i18n.language, progress.percent, 1)}%
            {progress.etaSeconds !== null && ` · ${t('job.eta', { seconds: progress.etaSeconds })}`}
          </span>
        </div>
      )}
      {points.length > 0 && <ProgressChart points={points} label={t('job.metrics')} />}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!done && (
        <button
          type="button"
          onClick={() => {
            void api.cancelJob(id).catch((e: Error) => setError(e.message));
          }}
        >
          {t('job.cancel')}
        </button>
      )}
      {state === 'succeeded' && result?.model && (
        <p data-testid="job-result">
          <Link to={`/models/${result.model}`}>{t('job.open', { model: result.model, version: result.version })}</Link>
        </p>
      )}
    </section>
  );
}
