import type { Scope } from '@marquee/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../api.ts';
import { formatDate } from '../format.ts';
import { useSession } from '../session.tsx';

const SCOPES: Scope[] = ['read', 'write', 'predict', 'admin'];

/** API tokens (made, shown once, revoked), organisations, and the caller's own audit log. */
export default function SettingsPage() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [made, setMade] = useState<string | null>(null);
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: () => api.listTokens(), enabled: session.user !== null });
  const audit = useQuery({
    queryKey: ['my-audit'],
    queryFn: () => api.myAudit({ limit: 20 }),
    enabled: session.user !== null,
  });
  const create = useMutation({
    mutationFn: (input: { name: string; scopes: Scope[]; expiresAt: string | null }) => api.createToken(input),
    onSuccess: async (tok) => {
      setMade(tok.token);
      await queries.invalidateQueries({ queryKey: ['tokens'] });
    },
  });
  const newOrg = useMutation({
    mutationFn: (name: string) => api.createOrg(name),
    onSuccess: (org) => navigate(`/orgs/${org.name}`),
  });
  if (!session.user)
    return (
      <p>
        <Link to="/sign-in">{t('nav.signIn')}</Link>
      </p>
    );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const days = Number(f.get('days') || 0);
    create.mutate({
      name: String(f.get('tokenName')),
      scopes: SCOPES.filter((s) => f.get(`scope-${s}`) === 'on'),
      expiresAt: days > 0 ? new Date(Date.now() + days * 86_400_000).toISOString() : null,
    });
  };
  return (
    <section className="settings">
      <h1>{t('settings.title')}</h1>
      <section aria-labelledby="tokens-h">
        <h2 id="tokens-h">{t('settings.tokens')}</h2>
        <form onSubmit={submit} className="stack narrow">
          <label>
            {t('settings.tokenName')}
            <input name="tokenName" required maxLength={64} />
          </label>
          <fieldset className="scopes">
            <legend>{t('settings.scopes')}</legend>
            {SCOPES.map((s) => (
              <label key={s} className="inline">
                <input type="checkbox" name={`scope-${s}`} defaultChecked={s === 'read' || s === 'predict'} /> {s}
              </label>
            ))}
          </fieldset>
          <label>
            {t('settings.expiresIn')}
            <input name="days" type="number" min={0} max={3650} defaultValue={90} />
          </label>
          <button type="submit">{t('settings.createToken')}</button>
        </form>
        {made && (
          <div role="status" className="token-once">
            <p>{t('settings.shownOnce')}</p>
            <code data-testid="new-token">{made}</code>
            <button type="button" onClick={() => void navigator.clipboard?.writeText(made).catch(() => undefined)}>
              {t('model.copy')}
            </button>
          </div>
        )}
        {create.error && (
          <p role="alert" className="error">
            {(create.error as Error).message}
          </p>
        )}
        <ul className="token-list" data-testid="tokens">
          {tokens.data
            ?.filter((k) => k.kind === 'api')
            .map((k) => (
              <li key={k.id}>
                <strong>{k.name}</strong> · {k.scopes.join(', ')} ·{' '}
                {k.expiresAt
                  ? t('settings.expires', { date: formatDate(i18n.language, k.expiresAt) })
                  : t('settings.never')}{' '}
                ·{' '}
                {k.lastUsedAt
                  ? t('settings.lastUsed', { date: formatDate(i18n.language, k.lastUsedAt) })
                  : t('settings.unused')}{' '}
                <button
                  type="button"
                  className="link"
                  onClick={async () => {
                    await api.deleteToken(k.id);
                    await queries.invalidateQueries({ queryKey: ['tokens'] });
                  }}
                >
                  {t('settings.revoke', { name: k.name })}
                </button>
              </li>
            ))}
        </ul>
      </section>
      <section aria-labelledby="orgs-h">
        <h2 id="orgs-h">{t('settings.orgs')}</h2>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            newOrg.mutate(String(new FormData(e.currentTarget).get('org')));
          }}
        >
          <label>
            {t('settings.orgName')}
            <input name="org" required pattern="[a-z0-9][a-z0-9\-]{1,38}" />
          </label>
          <button type="submit">{t('settings.createOrg')}</button>
        </form>
        {newOrg.error && (
          <p role="alert" className="error">
            {(newOrg.error as Error).message}
          </p>
        )}
      </section>
      <section aria-labelledby="audit-h">
        <h2 id="audit-h">{t('settings.activity')}</h2>
        <AuditTable entries={audit.data ?? []} lang={i18n.language} />
      </section>
    </section>
  );
}

export function AuditTable({
  entries,
  lang,
}: {
  entries: Array<{ id: number; at: string; actor: string | null; method: string; path: string; status: number }>;
  lang: string;
}) {
  const { t } = useTranslation();
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a wide table scrolls sideways and must be reachable by keyboard
    <section className="table-scroll" aria-label={t('settings.activity')} tabIndex={0}>
      <table data-testid="audit">
        <thead>
          <tr>
            <th scope="col">{t('audit.when')}</th>
            <th scope="col">{t('audit.who')}</th>
            <th scope="col">{t('audit.what')}</th>
            <th scope="col">{t('audit.result')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td>
                {new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(e.at))}
              </td>
              <td>{e.actor ?? '–'}</td>
              <td>
                <code>
                  {e.method} {e.path}
                </code>
              </td>
              <td>{e.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
