import type { Algorithm, TrainingJobRequest } from '@marquee/client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';

type Task = TrainingJobRequest['task'];
const TASKS: Task[] = ['classification', 'regression', 'sentiment', 'recommendation'];

/**
 * A training job as a form: dataset and version, task, target (or the interaction
 * columns), algorithm, its parameters (generated from the engine's defaults), split and
 * seed. Submitting opens the job's live page.
 */
export default function TrainPage() {
  const { t } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const [dataset, setDataset] = useState('');
  const [task, setTask] = useState<Task>('classification');
  const [algorithm, setAlgorithm] = useState('');
  const datasets = useQuery({ queryKey: ['datasets', 'mine'], queryFn: () => api.listDatasets({ limit: 100 }) });
  const versions = useQuery({
    queryKey: ['dataset-versions', dataset],
    queryFn: () => api.listDatasetVersions(dataset),
    enabled: dataset !== '',
  });
  const algorithms = useQuery({ queryKey: ['algorithms'], queryFn: () => api.algorithms() });
  const submit = useMutation({
    mutationFn: (req: TrainingJobRequest) => api.train(req),
    onSuccess: (job) => navigate(`/jobs/${job.id}`),
  });
  if (!session.user)
    return (
      <p>
        <Link to="/sign-in">{t('train.signIn')}</Link>
      </p>
    );
  const latest = versions.data?.at(-1);
  const columns = latest?.columns.map((c) => c.name) ?? [];
  const choices = (algorithms.data ?? []).filter((a) => a.tasks.includes(task));
  const chosen: Algorithm | undefined = choices.find((a) => a.name === algorithm) ?? choices[0];
  const weighable = (task === 'classification' || task === 'sentiment') && chosen?.classWeights === true;

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const params: Record<string, unknown> = {};
    for (const p of chosen?.params ?? []) {
      const raw = f.get(`param.${p.name}`);
      if (p.type === 'boolean') {
        const on = raw === 'on';
        if (on !== p.default) params[p.name] = on;
      } else if (raw !== null && String(raw).trim() !== '') {
        const text = String(raw).trim();
        params[p.name] =
          p.type === 'number' || p.type === 'integer' ? Number(text) : p.type === 'array' ? JSON.parse(text) : text;
      }
    }
    const str = (k: string) => String(f.get(k) ?? '').trim();
    submit.mutate({
      model: str('model'),
      dataset: `${dataset}@${str('version')}`,
      task,
      algorithm: chosen?.name ?? '',
      ...(task === 'recommendation'
        ? { columns: { user: str('user'), item: str('item'), ...(str('value') && { value: str('value') }) } }
        : { target: str('target') }),
      ...(Object.keys(params).length && { params }),
      ...(chosen?.name === 'auto' && str('timeBudgetS') && { timeBudgetS: Number(str('timeBudgetS')) }),
      ...(weighable && f.get('balanced') === 'on' && { classWeight: 'balanced' as const }),
      split: { testFraction: Number(str('testFraction') || 0.2) },
      seed: Number(str('seed') || 0),
    });
  };

  return (
    <section className="train-page">
      <h1>{t('train.title')}</h1>
      <form onSubmit={onSubmit} className="stack train-form">
        <label>
          {t('train.model')}
          <input
            name="model"
            required
            defaultValue={`${session.user.username}/`}
            pattern="[a-z0-9][a-z0-9\-]{1,38}/[a-z0-9][a-z0-9_\-]{0,63}"
          />
        </label>
        <label>
          {t('train.dataset')}
          <select name="dataset" required value={dataset} onChange={(e) => setDataset(e.target.value)}>
            <option value="">—</option>
            {datasets.data?.items.map((d) => (
              <option key={d.fullName} value={d.fullName}>
                {d.fullName}
              </option>
            ))}
          </select>
        </label>
        {versions.data && (
          <label>
            {t('train.version')}
            <select name="version" defaultValue={latest?.version}>
              {versions.data.map((v) => (
                <option key={v.version} value={v.version}>
                  {v.version} ({v.rowCount})
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('train.task')}
          <select name="task" value={task} onChange={(e) => setTask(e.target.value as Task)}>
            {TASKS.map((k) => (
              <option key={k} value={k}>
                {t(`train.tasks.${k}`)}
              </option>
            ))}
          </select>
        </label>
        {task === 'recommendation' ? (
          (['user', 'item', 'value'] as const).map((c) => (
            <div key={c} className="field">
              <label htmlFor={`column-${c}`}>{t(`train.columns.${c}`)}</label>
              <ColumnSelect id={`column-${c}`} name={c} columns={columns} optional={c === 'value'} />
            </div>
          ))
        ) : (
          <div className="field">
            <label htmlFor="column-target">{t('train.target')}</label>
            <ColumnSelect id="column-target" name="target" columns={columns} />
          </div>
        )}
        <label>
          {t('train.algorithm')}
          <select name="algorithm" value={chosen?.name ?? ''} onChange={(e) => setAlgorithm(e.target.value)}>
            {choices.map((a) => (
              <option key={a.name} value={a.name}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        {chosen && chosen.params.length > 0 && (
          <fieldset className="params">
            <legend>{t('train.params')}</legend>
            {chosen.params.map((p) => {
              const id = `param-${chosen.name}-${p.name}`;
              return (
                <div key={id} className={p.type === 'boolean' ? 'field inline' : 'field'}>
                  <label htmlFor={id}>{p.name}</label>
                  {p.type === 'boolean' ? (
                    <input id={id} type="checkbox" name={`param.${p.name}`} defaultChecked={p.default === true} />
                  ) : (
                    <input
                      id={id}
                      name={`param.${p.name}`}
                      type={p.type === 'number' || p.type === 'integer' ? 'number' : 'text'}
                      step={p.type === 'integer' ? 1 : 'any'}
                      placeholder={p.default === null ? t('train.auto') : JSON.stringify(p.default)}
                    />
                  )}
                </div>
              );
            })}
          </fieldset>
        )}
        {chosen?.name === 'auto' && (
          <label>
            {t('train.timeBudget')}
            <input name="timeBudgetS" type="number" min={1} max={21600} step={1} placeholder="120" />
          </label>
        )}
        {weighable && (
          <label className="inline">
            <input name="balanced" type="checkbox" /> {t('train.balanced')}
          </label>
        )}
        <label>
          {t('train.testFraction')}
          <input name="testFraction" type="number" min={0.05} max={0.5} step={0.05} defaultValue={0.2} />
        </label>
        <label>
          {t('train.seed')}
          <input name="seed" type="number" min={0} step={1} defaultValue={0} />
        </label>
        {submit.error && (
          <p role="alert" className="error">
            {(submit.error as Error).message}
          </p>
        )}
        <button type="submit" disabled={submit.isPending || !dataset}>
          {t('train.submit')}
        </button>
      </form>
    </section>
  );
}

function ColumnSelect(props: { id: string; name: string; columns: string[]; optional?: boolean }) {
  const { id, name, columns, optional } = props;
  return (
    <select id={id} name={name} required={!optional} defaultValue="">
      <option value="">—</option>
      {columns.map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </select>
  );
}
