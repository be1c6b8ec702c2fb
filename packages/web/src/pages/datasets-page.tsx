import { useMutation, useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../api.ts';
import { formatDate } from '../format.ts';
import { useSession } from '../session.tsx';

/** The datasets the caller may see, and a form to make a new one. */
export default function DatasetsPage() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const list = useQuery({ queryKey: ['datasets', 'all'], queryFn: () => api.listDatasets({ limit: 100 }) });
  const create = useMutation({
    mutationFn: (input: { owner: string; name: string; visibility: 'public' | 'private'; description: string }) =>
      api.createDataset(input),
    onSuccess: (d) => navigate(`/datasets/${d.fullName}`),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    create.mutate({
      owner: String(f.get('owner')),
      name: String(f.get('name')),
      visibility: f.get('visibility') === 'public' ? 'public' : 'private',
      description: String(f.get('description') ?? ''),
    });
  };
  return (
    <section>
      <h1>{t('datasets.title')}</h1>
      <ul className="dataset-list">
        {list.data?.items.map((d) => (
          <li key={d.fullName}>
            <Link to={`/datasets/${d.fullName}`}>{d.fullName}</Link> <span className="chip">{d.visibility}</span>{' '}
            <span className="description">{d.description}</span> · {formatDate(i18n.language, d.updatedAt)}
          </li>
        ))}
      </ul>
      {session.user && (
        <form onSubmit={submit} className="stack narrow">
          <h2>{t('datasets.new')}</h2>
          <label>
            {t('datasets.owner')}
            <input name="owner" required defaultValue={session.user.username} />
          </label>
          <label>
            {t('datasets.name')}
            <input name="name" required pattern="[a-z0-9][a-z0-9_\-]{0,63}" />
          </label>
          <label>
            {t('datasets.description')}
            <input name="description" />
          </label>
          <label>
            {t('datasets.visibility')}
            <select name="visibility" defaultValue="private">
              <option value="private">private</option>
              <option value="public">public</option>
            </select>
          </label>
          {create.error && (
            <p role="alert" className="error">
              {(create.error as Error).message}
            </p>
          )}
          <button type="submit">{t('datasets.create')}</button>
        </form>
      )}
    </section>
  );
}
