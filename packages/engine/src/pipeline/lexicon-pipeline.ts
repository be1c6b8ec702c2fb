import { LogisticRegression } from '../learners/logistic-regression.js';
import { wordTokens } from '../text/analyzers.js';
import { TextVectorizer } from '../text/text-vectorizer.js';
import { FeaturePipeline } from './feature-pipeline.js';
import { ModelPipeline } from './model-pipeline.js';

/**
 * A sentiment model made from a word list instead of training (AFINN and the like): a
 * text's score is the sum of its words' valences, counted as the words occur; the
 * positive class's probability is σ(score / scale). It is a ModelPipeline like a trained
 * one (a count vectoriser over the list's terms, a logistic model with the valences as
 * weights), so it serves, exports to ONNX and explains itself the same way.
 *
 * Terms the word analyzer cannot produce as written (one letter, apostrophes, hyphens)
 * are left out; `classes` is [negative, positive] as the data names them.
 */
export function lexiconPipeline(
  column: string,
  lexicon: Record<string, number>,
  opts: { classes: [string, string]; scale?: number; target?: string },
): { model: ModelPipeline; terms: number; skipped: number } {
  const usable = Object.entries(lexicon).filter(
    ([term]) => wordTokens(term.toLowerCase()).join(' ') === term.toLowerCase(),
  );
  const maxWords = Math.max(1, ...usable.map(([term]) => term.split(' ').length));
  const vectorizer = TextVectorizer.fromState({
    params: { ...new TextVectorizer().params, ngramRange: [1, maxWords], useIdf: false, norm: 'none' },
    vocabulary: usable.map(([term]) => term.toLowerCase()).sort(),
    idf: [],
  });
  const features = FeaturePipeline.fromState({
    features: [{ name: column, kind: 'text' }],
    scale: false,
    imputeFill: [],
    scaleMean: [],
    scaleStd: [],
    text: { [column]: vectorizer.state() },
  });
  const weights = new Map(usable.map(([term, valence]) => [term.toLowerCase(), valence]));
  const scale = opts.scale ?? 2;
  const learner = new LogisticRegression();
  learner.nClasses = 2;
  learner.nFeatures = vectorizer.width;
  learner.coef = Float64Array.from(vectorizer.vocabulary, (t) => (weights.get(t) as number) / scale);
  learner.intercept = new Float64Array(1);
  const model = new ModelPipeline(features, learner, {
    name: opts.target ?? 'sentiment',
    task: 'classification',
    classes: opts.classes,
  });
  return { model, terms: usable.length, skipped: Object.keys(lexicon).length - usable.length };
}
