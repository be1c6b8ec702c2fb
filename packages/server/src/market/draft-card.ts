import type { ModelView, VersionView } from '../registry/model-views.js';
import { TO_FILL_IN } from './model-card.js';

/**
 * The card the platform writes for a model from what it knows of a version: the data it
 * was trained on, its columns, the learner and params, the held-out metrics. What only a
 * person knows (intended use, limitations) is left marked to be written.
 */
export function draftCard(model: ModelView, version: VersionView, validLicense: string | undefined): string {
  const d = version.details;
  const front = [
    '---',
    ...(validLicense ? [`license: ${validLicense}`] : []),
    `task: ${model.task}`,
    ...(model.tags.length ? [`tags: [${model.tags.join(', ')}]`] : []),
    ...(d ? [`datasets: [${d.lineage.dataset.split('@')[0]}]`] : []),
    '---',
  ];
  const lines = [
    ...front,
    '',
    `# ${model.fullName}`,
    '',
    model.description || TO_FILL_IN,
    '',
    '## Intended use',
    '',
    TO_FILL_IN,
    '',
  ];
  lines.push('## Training data', '');
  if (d) {
    lines.push(
      `Version ${version.version} was trained by Marquee on dataset \`${d.lineage.dataset}\` (sha256 \`${d.lineage.datasetSha256.slice(0, 12)}…\`): ` +
        `${d.nTrain} training rows, ${d.nTest} held-out rows (test fraction ${d.lineage.testFraction}, seed ${d.lineage.seed}).`,
      '',
      `- Target: \`${d.target}\`${d.classes.length ? ` (classes: ${d.classes.slice(0, 20).join(', ')})` : ''}`,
      `- Features: ${
        d.features.length
          ? d.features
              .slice(0, 50)
              .map((f) => `\`${f}\``)
              .join(', ')
          : '(the interaction columns)'
      }`,
      '',
    );
  } else {
    lines.push(TO_FILL_IN, '');
  }
  lines.push('## Model', '');
  if (d) {
    lines.push(
      `Learner \`${d.algorithm}\`, engine ${d.lineage.engineVersion}.`,
      '',
      '```json',
      JSON.stringify(d.params, null, 2),
      '```',
      '',
    );
  } else {
    lines.push(`An ONNX model uploaded as version ${version.version}.`, '');
  }
  lines.push(
    'Inputs:',
    '',
    ...version.signature.inputs.map((i) => `- \`${i.name}\` ${i.datatype} [${i.shape.join(', ')}]`),
    '',
  );
  if (d && Object.keys(d.metrics).length) {
    lines.push(
      '## Evaluation',
      '',
      'Measured by Marquee on the held-out rows:',
      '',
      '| metric | value |',
      '| --- | --- |',
    );
    for (const [k, v] of Object.entries(d.metrics)) lines.push(`| ${k} | ${Number(v.toFixed(4))} |`);
    lines.push('');
  }
  lines.push('## Limitations', '', TO_FILL_IN, '');
  return lines.join('\n');
}
