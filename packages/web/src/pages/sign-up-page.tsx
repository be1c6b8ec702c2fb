import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useSession } from '../session.tsx';

/** Make an account (only where the server allows sign-up), then signed in. */
export default function SignUpPage() {
  const { t } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  if (!session.signupAllowed) return <p>{t('signUp.closed')}</p>;
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    try {
      await session.signUp(String(f.get('username')), String(f.get('password')));
      navigate('/');
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section className="narrow">
      <h1>{t('signUp.title')}</h1>
      <form onSubmit={submit} className="stack">
        <label>
          {t('signIn.username')}
          <input name="username" autoComplete="username" required pattern="[a-z0-9][a-z0-9\-]{1,38}" />
        </label>
        <label>
          {t('signIn.password')}
          <input name="password" type="password" autoComplete="new-password" required minLength={8} />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit">{t('signUp.submit')}</button>
      </form>
    </section>
  );
}
