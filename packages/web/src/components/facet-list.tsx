import { useTranslation } from 'react-i18next';
import { formatNumber } from '../format.ts';

/** One facet's values with their counts; choosing one filters by it, choosing it again clears it. */
export function FacetList(props: {
  name: 'task' | 'tag' | 'license' | 'owner';
  values: Array<{ value: string; count: number }>;
  chosen: string | undefined;
  onChoose: (value: string | undefined) => void;
}) {
  const { t, i18n } = useTranslation();
  if (props.values.length === 0) return null;
  return (
    <fieldset className="facet">
      <legend>{t(`search.facets.${props.name}`)}</legend>
      <ul>
        {props.values.slice(0, 12).map((v) => (
          <li key={v.value}>
            <button
              type="button"
              aria-pressed={props.chosen === v.value}
              onClick={() => props.onChoose(props.chosen === v.value ? undefined : v.value)}
            >
              <span>{v.value}</span> <span className="count">{formatNumber(i18n.language, v.count)}</span>
            </button>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
