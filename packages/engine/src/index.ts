export { datatypeOfOnnx, OnnxDataType, onnxOfDatatype } from './onnx/onnx-data-type.js';
export type { OnnxAttributeValue, OnnxInitializer } from './onnx/onnx-graph-builder.js';
export { OnnxGraphBuilder } from './onnx/onnx-graph-builder.js';
export type { OnnxModelInfo } from './onnx/onnx-signature.js';
export { InvalidOnnxModel, readOnnxModelInfo } from './onnx/onnx-signature.js';
export type { TensorDatatype, TensorSpec } from './tensor/datatype.js';
export { DATATYPE_SIZE, isTensorDatatype, TENSOR_DATATYPES } from './tensor/datatype.js';
export const ENGINE_VERSION = '0.1.0';
export type { ArtifactContent, SectionArray } from './artifact/artifact-format.js';
export { ARTIFACT_FORMAT_VERSION, ArtifactError, decodeArtifact, encodeArtifact } from './artifact/artifact-format.js';
export type { ClassReport } from './evaluation/classification-metrics.js';
export {
  accuracy,
  balancedAccuracy,
  confusionMatrix,
  logLoss,
  precisionRecallF1,
  rocAuc,
  rocAucOvr,
} from './evaluation/classification-metrics.js';
export type { Curve } from './evaluation/curves.js';
export { precisionRecallCurve, rocCurve } from './evaluation/curves.js';
export type { BootstrapInterval } from './evaluation/paired-comparison.js';
export { mcnemarTest, pairedBootstrap } from './evaluation/paired-comparison.js';
export { mae, mse, r2, rmse } from './evaluation/regression-metrics.js';
export { silhouetteScore } from './evaluation/silhouette.js';
export { stratifiedKFold, stratifiedSplit } from './evaluation/splits.js';
export type { CategoricalColumn, Column, ColumnKind, NumericColumn, TextColumn } from './frame/column.js';
export { categoricalFrom, numericFrom } from './frame/column.js';
export { parseCsv } from './frame/csv.js';
export { Frame } from './frame/frame.js';
export { ordinalOrder, ordinalPosition } from './frame/ordinal-values.js';
export type { ClassWeight } from './learners/class-weights.js';
export { classSampleWeights } from './learners/class-weights.js';
export type { DecisionTreeParams } from './learners/decision-tree.js';
export { DECISION_TREE_DEFAULTS, DecisionTree } from './learners/decision-tree.js';
export type { GradientBoostingParams } from './learners/gradient-boosting.js';
export { GRADIENT_BOOSTING_DEFAULTS, GradientBoosting } from './learners/gradient-boosting.js';
export type { KMeansParams } from './learners/k-means.js';
export { K_MEANS_DEFAULTS, KMeans } from './learners/k-means.js';
export type { KernelSvmParams } from './learners/kernel-svm.js';
export { KERNEL_SVM_DEFAULTS, KernelSvm } from './learners/kernel-svm.js';
export type {
  FitOptions,
  FitProgress,
  Learner,
  LearnerTask,
  LinearLearner,
  LinearWeights,
  OnnxOutputs,
  SparseLearner,
} from './learners/learner.js';
export { isLinear, takesSparse } from './learners/learner.js';
export type { LearnerDefinition } from './learners/learner-registry.js';
export { createLearner, learnerDefinition, learnerNames, loadLearner } from './learners/learner-registry.js';
export type { LinearRegressionParams } from './learners/linear-regression.js';
export { LINEAR_REGRESSION_DEFAULTS, LinearRegression } from './learners/linear-regression.js';
export type { LinearSvmParams } from './learners/linear-svm.js';
export { LINEAR_SVM_DEFAULTS, LinearSvm } from './learners/linear-svm.js';
export type { LogisticRegressionParams } from './learners/logistic-regression.js';
export { LOGISTIC_REGRESSION_DEFAULTS, LogisticRegression } from './learners/logistic-regression.js';
export type { MlpParams } from './learners/mlp.js';
export { MLP_DEFAULTS, Mlp } from './learners/mlp.js';
export type { NaiveBayesParams } from './learners/naive-bayes.js';
export { NAIVE_BAYES_DEFAULTS, NaiveBayes } from './learners/naive-bayes.js';
export type { NbSvmParams } from './learners/nb-svm.js';
export { NB_SVM_DEFAULTS, NbSvm } from './learners/nb-svm.js';
export type { RandomForestParams } from './learners/random-forest.js';
export { RANDOM_FOREST_DEFAULTS, RandomForest } from './learners/random-forest.js';
export { choleskySolve } from './linalg/cholesky.js';
export type { CsrMatrix, FeatureMatrix } from './linalg/csr-matrix.js';
export { csrToDense, hstackCsr, isCsr } from './linalg/csr-matrix.js';
export type { DenseMatrix } from './linalg/dense-matrix.js';
export { takeRows, zeros } from './linalg/dense-matrix.js';
export { learnerToOnnx } from './onnx/learner-export.js';
export type { LbfgsOptions, LbfgsResult, Objective } from './optim/lbfgs.js';
export { lbfgs } from './optim/lbfgs.js';
export type { AutoCandidate, AutoLeaderboardEntry, AutoOutcome, AutoRequest } from './pipeline/auto-selection.js';
export { autoPortfolio, autoSelect, TEXT_CHOICES } from './pipeline/auto-selection.js';
export type { ColumnKinds, DeclaredKind } from './pipeline/column-kinds.js';
export type { FeaturePipelineState, FeatureSpec } from './pipeline/feature-pipeline.js';
export { FeaturePipeline } from './pipeline/feature-pipeline.js';
export type { Diagnostics } from './pipeline/holdout-diagnostics.js';
export { holdoutDiagnostics } from './pipeline/holdout-diagnostics.js';
export type { CrossValidation, TrainingOutcome, TrainingRequest } from './pipeline/holdout-training.js';
export { crossValidationFoldScore, evaluate, holdoutRows, trainWithHoldout } from './pipeline/holdout-training.js';
export type { SearchOutcome, SearchRequest, SearchTrial } from './pipeline/hyper-search.js';
export { searchCombinations, searchHyperParameters, searchTrialScores } from './pipeline/hyper-search.js';
export { lexiconPipeline } from './pipeline/lexicon-pipeline.js';
export type { PipelineSignature, TargetInfo } from './pipeline/model-pipeline.js';
export { ModelPipeline } from './pipeline/model-pipeline.js';
export type { Segmentation, SegmentOptions, SegmentTrait } from './pipeline/segmentation.js';
export { segment } from './pipeline/segmentation.js';
export { MeanImputer } from './preprocessing/mean-imputer.js';
export { StandardScaler } from './preprocessing/standard-scaler.js';
export { Rng } from './random/rng.js';
export type { RecommenderCandidate, RecommenderLeaderboardEntry } from './recommend/auto-recommender.js';
export { autoRecommend, RECOMMENDER_AUTO_METRICS, recommenderPortfolio } from './recommend/auto-recommender.js';
export { Interactions } from './recommend/interactions.js';
export type { RankingMetrics } from './recommend/ranking-metrics.js';
export { rankingMetrics, topK } from './recommend/ranking-metrics.js';
export type { Recommendation } from './recommend/recommender-model.js';
export { RecommenderModel } from './recommend/recommender-model.js';
export { recommenderDefinition, recommenderNames } from './recommend/recommender-registry.js';
export type { RecommenderSplit, RecommenderTrainingRequest } from './recommend/recommender-training.js';
export { trainRecommender } from './recommend/recommender-training.js';
export type { KernelSpec, KernelType } from './svm/kernel.js';
export type { Analyzer } from './text/analyzers.js';
export { wordTokens } from './text/analyzers.js';
export { murmurhash3 } from './text/murmurhash3.js';
export type { TextVectorizerParams, TextVectorizerState } from './text/text-vectorizer.js';
export { TEXT_VECTORIZER_DEFAULTS, TextVectorizer } from './text/text-vectorizer.js';
export { siblingModule, startModuleWorker } from './threads/module-worker.js';
export {
  createTerminationGuard,
  guardedNativeCall,
  onGuardedThread,
  terminateSafely,
} from './threads/termination-guard.js';
export { FeatureBinner } from './trees/feature-binner.js';
export { TreeEnsemble } from './trees/tree-ensemble.js';
export type { MaxFeatures, TreeParams } from './trees/tree-ensemble-learner.js';
