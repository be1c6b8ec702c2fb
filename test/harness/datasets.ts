import { fixtureFile } from './fixtures.ts';

/** Wisconsin breast cancer with scikit-learn's class names: `diagnosis` malignant (0) or benign (1). */
export function labelledBreastCancer(): Uint8Array {
  const lines = new TextDecoder().decode(fixtureFile('tabular-sklearn/breast_cancer.csv')).trim().split(/\r?\n/);
  const relabel = (line: string) =>
    line.replace(/,(\d)(\.0+)?(e\+00)?$/, (_, c) => `,${c === '0' ? 'malignant' : 'benign'}`);
  return new TextEncoder().encode(
    [
      (lines[0] as string).replace(/,"target\(0=malignant,1=benign\)"$/, ',diagnosis'),
      ...lines.slice(1).map(relabel),
    ].join('\n'),
  );
}
