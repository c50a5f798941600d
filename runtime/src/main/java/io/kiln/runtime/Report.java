package io.kiln.runtime;

import io.kiln.dsl.Task;
import java.util.List;
import java.util.Map;

/**
 * Public API. Everything one training run found out, in the stable JSON form every run writes
 * ({@code <model>.report.json}, schema {@value #SCHEMA}, documented in {@code docs/concepts/report.md})
 * and the HTML report is drawn from. Fields that do not apply to a task or protocol are null.
 *
 * @param schema {@value #SCHEMA}
 * @param model model name
 * @param task the task
 * @param createdAt ISO-8601 instant of the run
 * @param protocol the evaluation protocol
 * @param evaluatedOn what {@link #metrics} were measured on: {@code "test"} (one held-out test set) or
 *     {@code "cross-validation"} (mean over folds, when there is no test set)
 * @param data the data and its split
 * @param training what the training did (epochs run, best epoch, schedule, time)
 * @param primaryMetric the task's one-number metric
 * @param metrics the model's metrics
 * @param baseline the common-sense baseline's metrics on the same rows
 * @param baselineName what the baseline is ("majority class", "mean predictor", "naive last value")
 * @param classes class names (classification), else null
 * @param confusion confusion matrix, rows true and columns predicted (single-label classification)
 * @param outcomes binary classification's decision in business terms, else null
 * @param roc ROC curve (binary), else null
 * @param precisionRecall precision-recall curve (binary), else null
 * @param residuals predicted against actual values (regression, first target), else null
 * @param history learning curves, one record per epoch: of the final model's run for a holdout; of the
 *     monitored first run when the final model was retrained without validation; for k-fold, the
 *     folds' curves averaged epoch by epoch
 * @param crossValidation the fold table and its summary (k-fold), else null
 * @param diagnosis the fit diagnosis from the learning curves, else null without validation data
 * @param warnings data and training warnings (class imbalance, feature scales, duplicates, dead units)
 * @param references reference models (a linear model, gradient-boosted trees) trained on the same
 *     preprocessed features under the same protocol and scored on the same rows or folds; null when
 *     they were not trained (turned off, not a table of flat features, too large; see
 *     {@link #referencesSkipped}) and in reports saved before they existed
 * @param decision how the training weighed the classes and how the decision threshold was chosen, or
 *     null when the spec declares neither (and in reports saved before they existed)
 * @param referencesSkipped why there are no reference models, or which of them failed (e.g. a linear
 *     model diverging on unscaled features; the others are still listed), or null
 * @param transfer what a transfer reused and how it trained ({@code @Transfer}), or null for a network
 *     trained from random weights
 * @param compared what trained beside the model under the same protocol, scored on the same rows: an
 *     ensemble's members ({@code @Ensemble}), a distilled student's teacher and the same student
 *     trained on the labels alone ({@code @Distillation}); null when there is nothing to compare
 * @param ensemble the networks the model averages ({@code @Ensemble}), or null for one network
 * @param distillation the teacher the model was distilled from ({@code @Distillation}), or null
 */
public record Report(String schema, String model, Task task, String createdAt, EvaluationProtocol protocol,
        String evaluatedOn, DataSummary data, TrainingSummary training, String primaryMetric,
        Map<String, Double> metrics, Map<String, Double> baseline, String baselineName, List<String> classes,
        int[][] confusion, Outcomes outcomes, Curve roc, Curve precisionRecall, Residuals residuals,
        List<Epoch> history, CrossValidation crossValidation, Diagnosis diagnosis, List<Warning> warnings,
        List<Reference> references, String referencesSkipped, Decision decision,
        ModelMetadata.TransferProvenance transfer, List<Compared> compared, ModelMetadata.EnsembleProvenance ensemble,
        ModelMetadata.DistillationProvenance distillation) {

    public Report(String schema, String model, Task task, String createdAt, EvaluationProtocol protocol,
            String evaluatedOn, DataSummary data, TrainingSummary training, String primaryMetric,
            Map<String, Double> metrics, Map<String, Double> baseline, String baselineName, List<String> classes,
            int[][] confusion, Outcomes outcomes, Curve roc, Curve precisionRecall, Residuals residuals,
            List<Epoch> history, CrossValidation crossValidation, Diagnosis diagnosis, List<Warning> warnings,
            List<Reference> references, String referencesSkipped, Decision decision,
            ModelMetadata.TransferProvenance transfer) {
        this(schema, model, task, createdAt, protocol, evaluatedOn, data, training, primaryMetric, metrics, baseline,
                baselineName, classes, confusion, outcomes, roc, precisionRecall, residuals, history, crossValidation,
                diagnosis, warnings, references, referencesSkipped, decision, transfer, null, null, null);
    }

    public Report(String schema, String model, Task task, String createdAt, EvaluationProtocol protocol,
            String evaluatedOn, DataSummary data, TrainingSummary training, String primaryMetric,
            Map<String, Double> metrics, Map<String, Double> baseline, String baselineName, List<String> classes,
            int[][] confusion, Outcomes outcomes, Curve roc, Curve precisionRecall, Residuals residuals,
            List<Epoch> history, CrossValidation crossValidation, Diagnosis diagnosis, List<Warning> warnings,
            List<Reference> references, String referencesSkipped, Decision decision) {
        this(schema, model, task, createdAt, protocol, evaluatedOn, data, training, primaryMetric, metrics, baseline,
                baselineName, classes, confusion, outcomes, roc, precisionRecall, residuals, history, crossValidation,
                diagnosis, warnings, references, referencesSkipped, decision, null);
    }

    public Report(String schema, String model, Task task, String createdAt, EvaluationProtocol protocol,
            String evaluatedOn, DataSummary data, TrainingSummary training, String primaryMetric,
            Map<String, Double> metrics, Map<String, Double> baseline, String baselineName, List<String> classes,
            int[][] confusion, Outcomes outcomes, Curve roc, Curve precisionRecall, Residuals residuals,
            List<Epoch> history, CrossValidation crossValidation, Diagnosis diagnosis, List<Warning> warnings,
            List<Reference> references, String referencesSkipped) {
        this(schema, model, task, createdAt, protocol, evaluatedOn, data, training, primaryMetric, metrics, baseline,
                baselineName, classes, confusion, outcomes, roc, precisionRecall, residuals, history, crossValidation,
                diagnosis, warnings, references, referencesSkipped, null);
    }

    public static final String SCHEMA = "kiln-report/1";

    /** {@link #referencesSkipped} when the reference models were turned off. */
    public static final String REFERENCES_TURNED_OFF = "turned off (--no-references)";

    /** A report without reference models. */
    public Report(String schema, String model, Task task, String createdAt, EvaluationProtocol protocol,
            String evaluatedOn, DataSummary data, TrainingSummary training, String primaryMetric,
            Map<String, Double> metrics, Map<String, Double> baseline, String baselineName, List<String> classes,
            int[][] confusion, Outcomes outcomes, Curve roc, Curve precisionRecall, Residuals residuals,
            List<Epoch> history, CrossValidation crossValidation, Diagnosis diagnosis, List<Warning> warnings) {
        this(schema, model, task, createdAt, protocol, evaluatedOn, data, training, primaryMetric, metrics, baseline,
                baselineName, classes, confusion, outcomes, roc, precisionRecall, residuals, history, crossValidation,
                diagnosis, warnings, null, null, null);
    }

    /** This report with reference models (or the reason there are none). */
    public Report withReferences(List<Reference> list, String skipped) {
        return new Report(schema, model, task, createdAt, protocol, evaluatedOn, data, training, primaryMetric,
                metrics, baseline, baselineName, classes, confusion, outcomes, roc, precisionRecall, residuals,
                history, crossValidation, diagnosis, warnings, list, skipped, decision, transfer, compared, ensemble,
                distillation);
    }

    /** This report with what a transfer reused (null: trained from random weights). */
    public Report withTransfer(ModelMetadata.TransferProvenance t) {
        return new Report(schema, model, task, createdAt, protocol, evaluatedOn, data, training, primaryMetric,
                metrics, baseline, baselineName, classes, confusion, outcomes, roc, precisionRecall, residuals,
                history, crossValidation, diagnosis, warnings, references, referencesSkipped, decision, t, compared, ensemble,
                distillation);
    }

    /** This report with one more warning. */
    public Report withWarning(Warning w) {
        List<Warning> more = new java.util.ArrayList<>(warnings == null ? List.of() : warnings);
        more.add(w);
        return new Report(schema, model, task, createdAt, protocol, evaluatedOn, data, training, primaryMetric,
                metrics, baseline, baselineName, classes, confusion, outcomes, roc, precisionRecall, residuals,
                history, crossValidation, diagnosis, List.copyOf(more), references, referencesSkipped, decision,
                transfer, compared, ensemble, distillation);
    }

    /** This report with how the classes were weighed and the threshold chosen. */
    public Report withDecision(Decision d) {
        return new Report(schema, model, task, createdAt, protocol, evaluatedOn, data, training, primaryMetric,
                metrics, baseline, baselineName, classes, confusion, outcomes, roc, precisionRecall, residuals,
                history, crossValidation, diagnosis, warnings, references, referencesSkipped, d, transfer, compared, ensemble,
                distillation);
    }

    /** This report with the models trained beside this one (null or empty: none). */
    public Report withCompared(List<Compared> list) {
        return new Report(schema, model, task, createdAt, protocol, evaluatedOn, data, training, primaryMetric,
                metrics, baseline, baselineName, classes, confusion, outcomes, roc, precisionRecall, residuals,
                history, crossValidation, diagnosis, warnings, references, referencesSkipped, decision, transfer,
                list == null || list.isEmpty() ? null : List.copyOf(list), ensemble, distillation);
    }

    /** This report with what the model averages and what it was distilled from (null: neither). */
    public Report withKnowledge(ModelMetadata.EnsembleProvenance e, ModelMetadata.DistillationProvenance d) {
        return new Report(schema, model, task, createdAt, protocol, evaluatedOn, data, training, primaryMetric,
                metrics, baseline, baselineName, classes, confusion, outcomes, roc, precisionRecall, residuals,
                history, crossValidation, diagnosis, warnings, references, referencesSkipped, decision, transfer,
                compared, e, d);
    }

    /**
     * A model trained beside the deployed one under the same protocol and scored on the same rows.
     *
     * @param group {@code "ensemble"} (the ensemble and its members) or {@code "distillation"} (the
     *     teacher, the student and the student trained on the labels alone)
     * @param role {@code "ensemble"}, {@code "member 1"}, ..., {@code "teacher"}, {@code "student"} or
     *     {@code "hard-only student"}; the deployed model is {@code "ensemble"} or {@code "student"}
     * @param evaluatedOn {@code "test"} (the test rows) or {@code "cross-validation"} (the held-out folds)
     * @param metrics its metrics (for cross-validation, the mean over folds)
     * @param std their standard deviation over folds, or null for one test set
     * @param scorings how many test sets or folds it was scored on
     * @param parameters its weights
     * @param fileBytes the size of its model file
     * @param latencyMillis its median time to predict one row, in milliseconds, on this machine
     */
    public record Compared(String group, String role, String evaluatedOn, Map<String, Double> metrics,
            Map<String, Double> std, int scorings, long parameters, long fileBytes, double latencyMillis) {}

    /**
     * How the classes were weighed and the binary decision threshold chosen.
     *
     * @param classWeights the weights the final model trained with, described ({@code "balanced: no
     *     0.6, yes 2.9"}), or null when every row weighs 1
     * @param threshold the decision threshold the model decides with
     * @param objective what the threshold was chosen for ({@code "maximize f1"}), or null when it was
     *     declared (or is the default 0.5)
     * @param chosenOn the rows it was chosen on ({@code "validation"}, {@code "out-of-fold"}), or null
     * @param rows how many rows it was chosen on
     * @param atDefault the objective on those rows at the threshold otherwise used
     * @param atChosen the objective on those rows at the chosen threshold
     */
    public record Decision(String classWeights, double threshold, String objective, String chosenOn, int rows,
            Double atDefault, Double atChosen) {}

    /**
     * A reference model scored beside the network: trained on the network's preprocessed features
     * and rows (the same training and validation rows; for k-fold, the same folds) and scored on the
     * same test rows or held-out folds.
     *
     * @param name what it is: {@code "logistic regression"}, {@code "linear regression"} or
     *     {@code "gradient-boosted trees"}
     * @param evaluatedOn {@code "test"} (the network's test rows) or {@code "cross-validation"} (the
     *     network's folds; compare with {@link CrossValidation#mean})
     * @param metrics its metrics, with the network's metric names (for cross-validation, the mean over folds)
     * @param std the standard deviation of each metric over the folds (cross-validation), else null
     * @param rows rows scored: the test rows, or the held-out rows summed over all folds
     * @param folds models scored (cross-validation), else 0
     * @param seconds wall-clock time of its training and scoring
     * @param finding a plain sentence when it beats the network on the primary metric, else null
     */
    public record Reference(String name, String evaluatedOn, Map<String, Double> metrics, Map<String, Double> std,
            int rows, int folds, double seconds, String finding) {}

    /**
     * @param source data source name
     * @param sha256 SHA-256 of the data bytes
     * @param rows rows read
     * @param trainRows rows the final model was trained on
     * @param validationRows rows it was monitored on
     * @param testRows rows of the final test (0 when there is none)
     * @param classCounts rows per class (classification), else null
     * @param duplicatesAcrossSplits rows whose feature values also occur on the other side of a split; -1
     *     when they were not looked for (a training streamed from disk)
     * @param testFile the official test file that was the test set, or null when the test rows were
     *     split from the data
     */
    public record DataSummary(String source, String sha256, int rows, int trainRows, int validationRows,
            int testRows, Map<String, Integer> classCounts, int duplicatesAcrossSplits, String testFile) {

        public DataSummary(String source, String sha256, int rows, int trainRows, int validationRows,
                int testRows, Map<String, Integer> classCounts, int duplicatesAcrossSplits) {
            this(source, sha256, rows, trainRows, validationRows, testRows, classCounts, duplicatesAcrossSplits, null);
        }
    }

    /**
     * @param epochsPlanned epochs declared (after overrides)
     * @param epochsRun epochs actually run by the final model
     * @param bestEpoch epoch with the best monitored validation value (0 without validation: for k-fold,
     *     whose final model trains without validation, see each fold's in {@link CrossValidation#folds})
     * @param stoppedEarly whether early stopping ended the monitored run (the final model's, or with
     *     retraining the first run's; false for k-fold's final model)
     * @param restoredBest whether the best epoch's weights were restored (as {@code stoppedEarly})
     * @param monitor the monitored validation value (metric key or "loss"), or null
     * @param learningRate the schedule, described
     * @param seconds wall-clock time of the whole run (all folds and retraining)
     * @param retrained whether the final model was retrained on training + validation rows
     * @param deadReluFraction per ReLU layer, the fraction of its units that output zero for every one
     *     of up to 1000 training rows ("dead" units)
     */
    public record TrainingSummary(int epochsPlanned, int epochsRun, int bestEpoch, boolean stoppedEarly,
            boolean restoredBest, String monitor, String learningRate, double seconds, boolean retrained,
            Map<String, Double> deadReluFraction) {}

    /**
     * One epoch of a learning curve.
     *
     * @param epoch 1-based epoch
     * @param trainLoss mean training loss over the epoch
     * @param validationLoss validation loss (NaN without validation)
     * @param trainMetric primary metric on a fixed sample of up to 256 training rows, in evaluation mode
     * @param validationMetric primary metric on the validation rows (NaN without validation)
     * @param learningRate learning rate at the start of the epoch
     * @param seconds wall-clock time of the epoch
     */
    public record Epoch(int epoch, double trainLoss, double validationLoss, double trainMetric,
            double validationMetric, double learningRate, double seconds) {}

    /**
     * A binary decision's outcomes: counts on the evaluated rows, rates, and counts per
     * {@code perCases} cases.
     */
    public record Outcomes(double threshold, int perCases, int truePositives, int falsePositives, int trueNegatives,
            int falseNegatives, double falsePositiveRate, double falseNegativeRate, double falsePositivesPerCases,
            double falseNegativesPerCases, String positiveClass) {}

    /** A curve as matching x and y arrays, with its area. */
    public record Curve(double[] x, double[] y, double area) {}

    /** Predicted and actual values (a sample of at most 2000 points). */
    public record Residuals(String target, double[] predicted, double[] actual) {}

    /**
     * @param folds one row per fold
     * @param mean mean of each metric over the folds
     * @param std standard deviation of each metric over the folds
     * @param baselineMean mean of the baseline's metrics over the folds
     * @param finalEpochs epochs the final model was trained for
     */
    public record CrossValidation(List<Fold> folds, Map<String, Double> mean, Map<String, Double> std,
            Map<String, Double> baselineMean, int finalEpochs) {}

    /**
     * One fold: its repeat (1-based), fold number (1-based), sizes, best epoch, epochs run and metrics;
     * whether early stopping ended its run and restored its best epoch, and the fit diagnosis of its
     * own learning curve (null when not diagnosed, as in reports saved before it was recorded).
     */
    public record Fold(int repeat, int fold, int trainRows, int validationRows, int bestEpoch, int epochsRun,
            Map<String, Double> metrics, Map<String, Double> baseline, boolean stoppedEarly, boolean restoredBest,
            String verdict) {

        /** A fold without early-stopping details or verdict. */
        public Fold(int repeat, int fold, int trainRows, int validationRows, int bestEpoch, int epochsRun,
                Map<String, Double> metrics, Map<String, Double> baseline) {
            this(repeat, fold, trainRows, validationRows, bestEpoch, epochsRun, metrics, baseline, false, false,
                    null);
        }
    }

    /**
     * @param verdict one of {@code "good fit"}, {@code "overfitting"}, {@code "underfitting"},
     *     {@code "still improving"}, {@code "not learning"}
     * @param bestEpoch epoch of the lowest validation loss
     * @param bestValidationLoss that loss
     * @param finalTrainLoss training loss at the last epoch
     * @param finalValidationLoss validation loss at the last epoch
     * @param gap relative gap between validation and training loss at the best epoch
     * @param advice what to try next, from the seeds' checklists
     * @param epochs epochs in the diagnosed curve (0 in reports saved before it was recorded)
     * @param fold for k-fold, the fold (1-based, counted over all repeats) whose own curve the numbers
     *     come from; 0 otherwise
     */
    public record Diagnosis(String verdict, int bestEpoch, double bestValidationLoss, double finalTrainLoss,
            double finalValidationLoss, double gap, List<String> advice, int epochs, int fold) {

        /** A diagnosis without the curve's length or fold. */
        public Diagnosis(String verdict, int bestEpoch, double bestValidationLoss, double finalTrainLoss,
                double finalValidationLoss, double gap, List<String> advice) {
            this(verdict, bestEpoch, bestValidationLoss, finalTrainLoss, finalValidationLoss, gap, advice, 0, 0);
        }
    }

    /** A warning with a stable code (e.g. {@code class-imbalance}) and its message. */
    public record Warning(String code, String message) {}
}
