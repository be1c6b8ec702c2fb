import type { BenchmarkTask } from '@marquee/client';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api.ts';
import { formatDate, formatNumber } from '../format.ts';

const TASKS: BenchmarkTask[] = ['classification', 'regression', 'sentiment'];

/** Ranked, verified results per benchmark of a task (the platform scored each on hidden rows). */
export default function LeaderboardsPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const task = (params.get('task') as BenchmarkTask | null) ?? 'sentiment';
  const board = useQuery({ queryKey: ['leaderboard', task], queryFn: () => api.leaderboard(task) });
  return (
    <section>
      <h1>{t('leaderboards.title')}</h1>
      <label>
        {t('model.task')}{' '}
        <select value={task} onChange={(e) => setParams({ task: e.target.value })}>
          {TASKS.map((k) => (
            <option key={k} value={k}>
              {t(`train.tasks.${k}`)}
            </option>
          ))}
        </select>
      </label>
      {board.data?.benchmarks.length === 0 && <p>{t('leaderboards.none')}</p>}
      {board.data?.benchmarks.map(({ benchmark, entries }) => (
        <section key={benchmark.name} aria-labelledby={`b-${benchmark.name}`}>
          <h2 id={`b-${benchmark.name}`}>
            {benchmark.name} <span className="chip">{benchmark.metric}</span>
          </h2>
          {benchmark.description && <p className="description">{benchmark.description}</p>}
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a wide table scrolls sideways and must be reachable by keyboard */}
          <section className="table-scroll" aria-labelledby={`b-${benchmark.name}`} tabIndex={0}>
            <table data-testid={`leaderboard-${benchmark.name}`}>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t('leaderboards.model')}</th>
                  <th scope="col">{benchmark.metric}</th>
                  <th scope="col">{t('leaderboards.by')}</th>
                  <th scope="col">{t('leaderboards.evaluated')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={`${e.model}@${e.version}`}>
                    <td>{e.rank}</td>
                    <td>
                      <Link to={`/models/${e.model}`}>{e.model}</Link> v{e.version}{' '}
                      <span className="badge">✓ {t('listing.verified')}</span>
                    </td>
                    <td>{formatNumber(i18n.language, e.score, 4)}</td>
                    <td>{e.submittedBy}</td>
                    <td>{formatDate(i18n.language, e.evaluatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </section>
      ))}
    </section>
  );
}
