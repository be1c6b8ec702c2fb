import type { ModelVersion, Prediction } from '@marquee/client';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api.ts';
import { formatNumber } from '../format.ts';
import { HighlightedText } from './highlighted-text.tsx';

/** A request built from the version's stored example; the answer as labels, probabilities, values or evidence. */
export function TryItForm({ model, version, signedIn }: { model: string; version: ModelVersion; signedIn: boolean }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const example = version.example.instances ?? [];
  const [text, setText] = useState(JSON.stringify(example.slice(0, 2), null, 2));
  const [invalid, setInvalid] = useState(false);
  const [sent, setSent] = useState<Array<Record<string, unknown>>>([]);
  const predict = useMutation({
    mutationFn: (instances: Array<Record<string, unknown>>) => {
      setSent(instances);
      return api.predict(model, instances, version.version);
    },
  });
  if (!version.details) return null; // uploaded ONNX takes tensors: the OIP snippets show how
  if (!signedIn)
    return (
      <section className="try-it">
        <h2>{t('try.title')}</h2>
        <p>
          <Link to="/sign-in">{t('try.signIn')}</Link>
        </p>
      </section>
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    try {
      const parsed = JSON.parse(text) as unknown;
      if (!Array.isArray(parsed) || !parsed.every((r) => r && typeof r === 'object')) throw new Error();
      setInvalid(false);
      predict.mutate(parsed as Array<Record<string, unknown>>);
    } catch {
      setInvalid(true);
    }
  };
  return (
    <section className="try-it" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('try.title')}</h2>
      <form onSubmit={submit} className="stack">
        <label htmlFor={`${id}-in`}>{t('try.input')}</label>
        <textarea id={`${id}-in`} rows={8} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
        {invalid && (
          <p role="alert" className="error">
            {t('try.invalid')}
          </p>
        )}
        <button type="submit" disabled={predict.isPending}>
          {predict.isPending ? t('try.running') : t('try.run')}
        </button>
      </form>
      {predict.error && (
        <p role="alert" className="error">
          {t('error.generic', { message: (predict.error as Error).message })}
        </p>
      )}
      {predict.data && (
        <ol className="predictions" data-testid="predictions">
          {predict.data.predictions.map((p, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: answers are in the order of the instances
            <li key={i}>
              <PredictionView p={p} lang={i18n.language} instance={sent[i]} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function PredictionView({ p, lang, instance }: { p: Prediction; lang: string; instance?: Record<string, unknown> }) {
  const { t } = useTranslation();
  if ('value' in p)
    return (
      <span>
        {t('try.value')}: {formatNumber(lang, p.value, 4)}
      </span>
    );
  if ('rating' in p) return <span>{formatNumber(lang, p.rating, 3)}</span>;
  if ('evidence' in p) {
    // The text the model read: the instance's first string value.
    const text = Object.values(instance ?? {}).find((v): v is string => typeof v === 'string');
    return (
      <span>
        <strong>{p.label}</strong> ({formatNumber(lang, p.probability, 3)}) — {t('try.evidence')}:{' '}
        {text ? (
          <HighlightedText text={text} ngrams={p.evidence.map((e) => e.ngram)} />
        ) : (
          p.evidence.map((e) => <mark key={e.ngram}>{e.ngram}</mark>)
        )}
      </span>
    );
  }
  return (
    <span>
      <strong>{p.label}</strong>
      {p.probabilities && (
        <span className="probs">
          {Object.entries(p.probabilities).map(([label, prob]) => (
            <span key={label}>
              {label}: {formatNumber(lang, prob, 3)}
            </span>
          ))}
        </span>
      )}
    </span>
  );
}
