import type { Role, WebhookEvent } from '@marquee/client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api } from '../api.ts';
import { formatDate } from '../format.ts';
import { AuditTable } from './settings-page.tsx';

const ROLES: Role[] = ['read', 'write', 'admin'];
const EVENTS: WebhookEvent[] = [
  'model.version.created',
  'model.published',
  'training.succeeded',
  'training.failed',
  'proposal.opened',
  'proposal.evaluated',
  'proposal.merged',
  'discussion.comment',
];

/** An organisation: members and roles; for its admins, webhooks with their delivery log, and the audit log. */
export default function OrgPage() {
  const { org = '' } = useParams();
  const { t, i18n } = useTranslation();
  const queries = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [opened, setOpened] = useState<number | null>(null);
  const info = useQuery({ queryKey: ['org', org], queryFn: () => api.getOrg(org) });
  const admin = info.data?.role === 'admin';
  const hooks = useQuery({
    queryKey: ['hooks', org],
    queryFn: async () => (await api.listWebhooks()).filter((h) => h.owner === org),
    enabled: admin,
  });
  const deliveries = useQuery({
    queryKey: ['deliveries', opened],
    queryFn: () => api.webhookDeliveries(opened as number),
    enabled: opened !== null,
  });
  const audit = useQuery({
    queryKey: ['org-audit', org],
    queryFn: () => api.orgAudit(org, { limit: 30 }),
    enabled: admin,
  });
  const act = async (what: () => Promise<unknown>, key: unknown[]) => {
    setError(null);
    try {
      await what();
      // Every change is a write the audit log now holds.
      await Promise.all([
        queries.invalidateQueries({ queryKey: key }),
        queries.invalidateQueries({ queryKey: ['org-audit', org] }),
      ]);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  if (info.isLoading) return <p aria-busy="true">…</p>;
  if (!info.data) return <p role="alert">{t('orgs.notFound')}</p>;
  const addMember = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    void act(() => api.setMember(org, String(f.get('user')), f.get('role') as Role), ['org', org]);
  };
  const addHook = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    void act(
      () =>
        api.createWebhook({
          owner: org,
          url: String(f.get('url')),
          secret: String(f.get('secret')),
          events: EVENTS.filter((ev) => f.get(`ev-${ev}`) === 'on'),
        }),
      ['hooks', org],
    );
  };
  return (
    <section className="org-page">
      <h1>{org}</h1>
      <p>{info.data.role ? t('orgs.yourRole', { role: info.data.role }) : t('orgs.notMember')}</p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {info.data.members && (
        <section aria-labelledby="members-h">
          <h2 id="members-h">{t('orgs.members')}</h2>
          <ul data-testid="members">
            {info.data.members.map((m) => (
              <li key={m.user}>
                <strong>{m.user}</strong>{' '}
                {admin ? (
                  <label>
                    <span className="visually-hidden">{t('orgs.roleOf', { user: m.user })}</span>
                    <select
                      value={m.role}
                      onChange={(e) => void act(() => api.setMember(org, m.user, e.target.value as Role), ['org', org])}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </label>
                ) : (
                  <span className="chip">{m.role}</span>
                )}{' '}
                · {formatDate(i18n.language, m.since)}
                {admin && (
                  <button
                    type="button"
                    className="link"
                    onClick={() => void act(() => api.removeMember(org, m.user), ['org', org])}
                  >
                    {t('orgs.remove', { user: m.user })}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {admin && (
            <form onSubmit={addMember} className="inline-form">
              <label>
                {t('orgs.user')}
                <input name="user" required />
              </label>
              <label>
                {t('orgs.role')}
                <select name="role" defaultValue="read">
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit">{t('orgs.add')}</button>
            </form>
          )}
        </section>
      )}
      {admin && (
        <section aria-labelledby="hooks-h">
          <h2 id="hooks-h">{t('orgs.webhooks')}</h2>
          <ul data-testid="webhooks">
            {hooks.data?.map((h) => (
              <li key={h.id}>
                <code>{h.url}</code> · {h.events.join(', ')}{' '}
                <button type="button" className="link" onClick={() => setOpened(opened === h.id ? null : h.id)}>
                  {t('orgs.deliveries')}
                </button>{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() => void act(() => api.deleteWebhook(h.id), ['hooks', org])}
                >
                  {t('orgs.removeHook')}
                </button>
                {opened === h.id && (
                  <ul className="deliveries" data-testid="deliveries">
                    {deliveries.data?.map((d) => (
                      <li key={d.id}>
                        {d.event} · {d.state} · {d.lastStatus ?? d.lastError ?? '–'} ·{' '}
                        {t('orgs.attempts', { n: d.attempts })}{' '}
                        <button
                          type="button"
                          className="link"
                          onClick={() => void act(() => api.replayDelivery(h.id, d.id), ['deliveries', h.id])}
                        >
                          {t('orgs.replay')}
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
          <form onSubmit={addHook} className="stack narrow">
            <label>
              URL
              <input name="url" type="url" required />
            </label>
            <label>
              {t('orgs.secret')}
              <input name="secret" required minLength={16} />
            </label>
            <fieldset>
              <legend>{t('orgs.events')}</legend>
              {EVENTS.map((ev) => (
                <label key={ev} className="inline">
                  <input type="checkbox" name={`ev-${ev}`} defaultChecked={ev.startsWith('proposal.')} /> {ev}
                </label>
              ))}
            </fieldset>
            <button type="submit">{t('orgs.addHook')}</button>
          </form>
        </section>
      )}
      {admin && (
        <section aria-labelledby="org-audit-h">
          <h2 id="org-audit-h">{t('orgs.audit')}</h2>
          <AuditTable entries={audit.data ?? []} lang={i18n.language} />
        </section>
      )}
    </section>
  );
}
