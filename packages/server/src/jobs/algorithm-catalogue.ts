import { learnerDefinition, learnerNames, recommenderDefinition, recommenderNames } from '@marquee/engine';

export interface AlgorithmParam {
  name: string;
  default: unknown;
  type: 'number' | 'integer' | 'boolean' | 'string' | 'array' | 'null';
}

export interface AlgorithmView {
  name: string;
  /** Training tasks it serves (`sentiment` is text classification). */
  tasks: string[];
  /** Recommenders: what feedback they learn from. */
  feedback?: 'explicit' | 'implicit';
  params: AlgorithmParam[];
  /** It takes `classWeight` (learners that read row weights; `auto` narrows its portfolio to them). */
  classWeights?: boolean;
}

/** Every algorithm a training job may name, with its parameters and their defaults, from the engine's registries. */
export function algorithmCatalogue(): AlgorithmView[] {
  const learners = learnerNames().map((name) => {
    const d = learnerDefinition(name);
    const tasks: string[] = [...d.tasks];
    if (tasks.includes('classification')) tasks.push('sentiment');
    return { name, tasks, params: paramsOf(d.defaults), ...(d.sampleWeights && { classWeights: true }) };
  });
  const recommenders = recommenderNames().map((name) => {
    const d = recommenderDefinition(name);
    return { name, tasks: ['recommendation'], feedback: d.feedback, params: paramsOf(d.defaults) };
  });
  // `auto` chooses the algorithm and its params itself: it has none to give.
  const auto: AlgorithmView = {
    name: 'auto',
    tasks: ['classification', 'regression', 'sentiment', 'recommendation'],
    params: [],
    classWeights: true,
  };
  return [...learners, ...recommenders, auto];
}

function paramsOf(defaults: Readonly<Record<string, unknown>>): AlgorithmParam[] {
  return Object.entries(defaults)
    .filter(([name]) => name !== 'task')
    .map(([name, value]) => ({ name, default: value ?? null, type: typeOf(value) }));
}

function typeOf(v: unknown): AlgorithmParam['type'] {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) return 'array';
  return 'string';
}
