import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api.ts';

/** Propose one of the model's versions for its champion; the platform then evaluates it side by side. */
export function ProposeForm({ model, versions }: { model: string; versions: number[] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const open = useMutation({
    mutationFn: (input: { title: string; version: number }) =>
      api.proposals.open(model, { title: input.title, source: { version: input.version } }),
    onSuccess: (p) => navigate(`/models/${model}/proposals/${p.number}`),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    open.mutate({ title: String(f.get('title')), version: Number(f.get('version')) });
  };
  return (
    <form onSubmit={submit} className="stack narrow">
      <h3>{t('proposal.open')}</h3>
      <label>
        {t('proposal.title')}
        <input name="title" required maxLength={200} />
      </label>
      <label>
        {t('proposal.source')}
        <select name="version" defaultValue={versions.at(-1)}>
          {versions.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      </label>
      {open.error && (
        <p role="alert" className="error">
          {(open.error as Error).message}
        </p>
      )}
      <button type="submit" disabled={open.isPending}>
        {t('proposal.submit')}
      </button>
    </form>
  );
}
