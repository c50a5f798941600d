package io.kiln.runtime;

import io.kiln.runtime.internal.drift.DriftProfile;
import io.kiln.runtime.internal.preprocess.FeatureTransform;

import io.kiln.dsl.Task;
import java.util.List;
import java.util.Map;

/**
 * <b>Public API</b>. Everything a model file holds besides the network weights: the spec, the fitted preprocessing,
 * the label, metrics beside the baseline, the learning curve, the provenance and the training
 * distribution of each feature (for drift monitoring). Stored as
 * {@code kiln-model.json} inside the model file; the schema is documented in {@code docs/concepts/model-file.md}.
 *
 * @param format the file format, {@value #FORMAT}
 * @param name model name
 * @param task task
 * @param specClass the spec class's qualified name
 * @param spec the canonical spec text the processor generated from
 * @param features fitted preprocessing, in feature order
 * @param label the label schema
 * @param targetCenter regression: subtracted from targets for training (zeros when not standardized)
 * @param targetScale regression: divides targets for training (ones when not standardized)
 * @param numInputs width of the encoded input vector
 * @param provenance where the model came from
 * @param baselineOutput the common-sense baseline's constant output (training class frequencies or target means)
 * @param testMetrics the model's metrics on the test split
 * @param baselineMetrics the common-sense baseline's metrics on the same split
 * @param confusion the test confusion matrix (rows true, columns predicted), or null
 * @param history the final model's learning curve, one record per epoch
 * @param threshold binary classification's decision threshold (0.5 for other tasks)
 * @param drift the training distribution of each feature, for drift monitoring; null in a model
 *     saved before drift profiles (format {@code kiln-model/2})
 * @param training what the final model's training did (epochs run, early stopping, best epoch), as the
 *     report's {@code training}; null in a model saved before it was recorded
 * @param folds for k-fold, each fold's run (epochs, best epoch, early stopping, verdict, metrics); null
 *     otherwise and in a model saved before it was recorded
 */
public record ModelMetadata(String format, String name, Task task, String specClass, String spec,
        List<FeatureTransform> features, LabelSchema label, double[] targetCenter, double[] targetScale,
        int numInputs, Provenance provenance, double[] baselineOutput, Map<String, Double> testMetrics, Map<String, Double> baselineMetrics,
        int[][] confusion, List<Report.Epoch> history, double threshold, DriftProfile drift,
        Report.TrainingSummary training, List<Report.Fold> folds) {

    /** This metadata with another provenance. */
    public ModelMetadata withProvenance(Provenance other) {
        return new ModelMetadata(format, name, task, specClass, spec, features, label, targetCenter, targetScale,
                numInputs, other, baselineOutput, testMetrics, baselineMetrics, confusion, history, threshold, drift,
                training, folds);
    }

    /** Metadata without the training summary and folds (as in files saved before they were recorded). */
    public ModelMetadata(String format, String name, Task task, String specClass, String spec,
            List<FeatureTransform> features, LabelSchema label, double[] targetCenter, double[] targetScale,
            int numInputs, Provenance provenance, double[] baselineOutput, Map<String, Double> testMetrics,
            Map<String, Double> baselineMetrics, int[][] confusion, List<Report.Epoch> history, double threshold,
            DriftProfile drift) {
        this(format, name, task, specClass, spec, features, label, targetCenter, targetScale, numInputs, provenance,
                baselineOutput, testMetrics, baselineMetrics, confusion, history, threshold, drift, null, null);
    }

    /** The format this runtime writes. */
    public static final String FORMAT = "kiln-model/3";
    /** The formats this runtime reads: its own and {@code kiln-model/2}, which has no drift profile. */
    public static final List<String> READABLE_FORMATS = List.of(FORMAT, "kiln-model/2");

    /**
     * The drift profile, or an {@link IllegalArgumentException} saying to retrain when the model
     * was saved before drift profiles existed.
     */
    public DriftProfile requireDrift() {
        if (drift == null) {
            throw new IllegalArgumentException("Model '" + name + "' (format " + format + ") was saved before drift "
                    + "profiles, so there is no training distribution to compare with; retrain it with this runtime "
                    + "(the 'train' command) to monitor drift.");
        }
        return drift;
    }

    /**
     * @param data the data source name
     * @param dataSha256 SHA-256 of the data bytes
     * @param rows rows read
     * @param trainRows rows trained on
     * @param validationRows rows monitored each epoch
     * @param testRows rows evaluated once at the end
     * @param protocol the evaluation protocol
     * @param fit training settings (after run-time overrides)
     * @param kilnVersion Kiln runtime version
     * @param dl4jVersion Deeplearning4j version
     * @param javaVersion Java runtime version
     * @param backend the ND4J backend class
     * @param createdAt ISO-8601 instant the model was saved
     * @param trainingSeconds wall-clock training time
     * @param testFile the official test file that was the test set ({@code @CsvData(testFile)}), or null
     *     when the test rows were split from the data
     * @param transfer what a transfer reused, or null for a network trained from random weights
     * @param wordVectors the pretrained word vectors an embedding started from, or null
     * @param ensemble the networks the model averages, or null for one network
     * @param distillation the teacher the model was distilled from, or null
     * @param lineage the models a continued training descends from, or null
     * @param dataParallel how the network's epochs were trained data-parallel (threads of this machine, a
     *     Spark cluster), or null for one thread
     * @param streamed true when the model trained streaming from disk (its split is drawn row by row), null
     *     when it read its data into memory
     */
    public record Provenance(String data, String dataSha256, int rows, int trainRows, int validationRows,
            int testRows, EvaluationProtocol protocol, FitSettings fit, String kilnVersion, String dl4jVersion,
            String javaVersion, String backend, String createdAt, double trainingSeconds,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            String testFile,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            TransferProvenance transfer,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            WordVectorsProvenance wordVectors,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            EnsembleProvenance ensemble,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            DistillationProvenance distillation,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            LineageProvenance lineage,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            String dataParallel,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            Boolean streamed) {

        public Provenance(String data, String dataSha256, int rows, int trainRows, int validationRows,
                int testRows, EvaluationProtocol protocol, FitSettings fit, String kilnVersion, String dl4jVersion,
                String javaVersion, String backend, String createdAt, double trainingSeconds, String testFile,
                TransferProvenance transfer, WordVectorsProvenance wordVectors, EnsembleProvenance ensemble,
                DistillationProvenance distillation, LineageProvenance lineage, String dataParallel) {
            this(data, dataSha256, rows, trainRows, validationRows, testRows, protocol, fit, kilnVersion, dl4jVersion,
                    javaVersion, backend, createdAt, trainingSeconds, testFile, transfer, wordVectors, ensemble,
                    distillation, lineage, dataParallel, null);
        }

        /** This provenance of a training streamed from disk, whose split is {@code Streaming.Split}'s. */
        public Provenance asStreamed() {
            return new Provenance(data, dataSha256, rows, trainRows, validationRows, testRows, protocol, fit,
                    kilnVersion, dl4jVersion, javaVersion, backend, createdAt, trainingSeconds, testFile, transfer,
                    wordVectors, ensemble, distillation, lineage, dataParallel, true);
        }

        /** Whether the model trained streaming from disk (its split is then not the in-memory one). */
        public boolean wasStreamed() {
            return Boolean.TRUE.equals(streamed);
        }

        public Provenance(String data, String dataSha256, int rows, int trainRows, int validationRows,
                int testRows, EvaluationProtocol protocol, FitSettings fit, String kilnVersion, String dl4jVersion,
                String javaVersion, String backend, String createdAt, double trainingSeconds, String testFile,
                TransferProvenance transfer, WordVectorsProvenance wordVectors, EnsembleProvenance ensemble,
                DistillationProvenance distillation, LineageProvenance lineage) {
            this(data, dataSha256, rows, trainRows, validationRows, testRows, protocol, fit, kilnVersion, dl4jVersion,
                    javaVersion, backend, createdAt, trainingSeconds, testFile, transfer, wordVectors, ensemble,
                    distillation, lineage, null, null);
        }

        /** This provenance with how its network's epochs were trained data-parallel ({@code DataParallel.describe}). */
        public Provenance withDataParallel(String how) {
            return new Provenance(data, dataSha256, rows, trainRows, validationRows, testRows, protocol, fit,
                    kilnVersion, dl4jVersion, javaVersion, backend, createdAt, trainingSeconds, testFile, transfer,
                    wordVectors, ensemble, distillation, lineage, how, streamed);
        }

        public Provenance(String data, String dataSha256, int rows, int trainRows, int validationRows,
                int testRows, EvaluationProtocol protocol, FitSettings fit, String kilnVersion, String dl4jVersion,
                String javaVersion, String backend, String createdAt, double trainingSeconds, String testFile,
                TransferProvenance transfer, WordVectorsProvenance wordVectors, EnsembleProvenance ensemble,
                DistillationProvenance distillation) {
            this(data, dataSha256, rows, trainRows, validationRows, testRows, protocol, fit, kilnVersion, dl4jVersion,
                    javaVersion, backend, createdAt, trainingSeconds, testFile, transfer, wordVectors, ensemble,
                    distillation, null);
        }

        /** This provenance with the model's lineage. */
        public Provenance withLineage(LineageProvenance l) {
            return new Provenance(data, dataSha256, rows, trainRows, validationRows, testRows, protocol, fit,
                    kilnVersion, dl4jVersion, javaVersion, backend, createdAt, trainingSeconds, testFile, transfer,
                    wordVectors, ensemble, distillation, l, dataParallel, streamed);
        }

        public Provenance(String data, String dataSha256, int rows, int trainRows, int validationRows,
                int testRows, EvaluationProtocol protocol, FitSettings fit, String kilnVersion, String dl4jVersion,
                String javaVersion, String backend, String createdAt, double trainingSeconds) {
            this(data, dataSha256, rows, trainRows, validationRows, testRows, protocol, fit, kilnVersion, dl4jVersion,
                    javaVersion, backend, createdAt, trainingSeconds, null, null, null, null, null, null);
        }

        /** The protocol in words, with the official test file when one was the test set. */
        public String describeProtocol(io.kiln.dsl.Task task) {
            return testFile != null ? protocol.describe(task, testFile) : protocol.describe(task);
        }
    }

    /**
     * What a transfer reused (seed 004).
     *
     * @param source the source model file
     * @param sourceSha256 its SHA-256
     * @param sourceSpec the source spec's class, or null for a file source
     * @param sourceModel the source model's name, or null for a Keras source
     * @param format {@code kiln} or {@code keras}
     * @param reused the reused layers, bottom first
     * @param reuse {@code FREEZE}, {@code FINE_TUNE} or {@code GRADUAL}
     * @param frozen the reused layers frozen when training started
     * @param unfrozen each layer gradual unfreezing unfroze, with the epoch after which it started training
     * @param preprocessing {@code source} (the source model's fitted preprocessing) or {@code fitted} (on this
     *     model's training rows)
     * @param learningRates each layer with weights and its learning rate when training ended
     * @param l2sp the L2-SP coefficient, 0 for none
     */
    public record TransferProvenance(String source, String sourceSha256, String sourceSpec, String sourceModel,
            String format, List<String> reused, String reuse, List<String> frozen, Map<String, Integer> unfrozen,
            String preprocessing, Map<String, Double> learningRates, double l2sp) {

        /** One line: the source, what was reused and how it trained. */
        public String describe() {
            StringBuilder s = new StringBuilder();
            s.append(sourceSpec != null ? sourceSpec.substring(sourceSpec.lastIndexOf('.') + 1) + " " : "")
                    .append(source).append(" (").append(format).append(", sha256 ")
                    .append(sourceSha256, 0, Math.min(12, sourceSha256.length())).append("): reused ")
                    .append(String.join(", ", reused));
            s.append(switch (reuse) {
                case "FREEZE" -> ", frozen";
                case "FINE_TUNE" -> ", fine-tuned";
                default -> ", frozen at first";
            });
            if (!unfrozen.isEmpty()) {
                s.append("; unfrozen ").append(String.join(", ", unfrozen.entrySet().stream()
                        .map(e -> e.getKey() + " after epoch " + e.getValue()).toList()));
            }
            s.append("; preprocessing ").append("source".equals(preprocessing) ? "of the source" : "fitted here");
            if (l2sp > 0) {
                s.append("; L2-SP ").append(l2sp);
            }
            return s.toString();
        }
    }

    /**
     * Where a model continued from (a warm start, or a retraining of continuous learning).
     *
     * @param parent the parent model file
     * @param parentSha256 its SHA-256
     * @param parentData the data the parent trained on
     * @param parentDataSha256 that data's SHA-256
     * @param generation 1 for a model continued from one trained from scratch, then one more per step
     * @param level {@code FINE_TUNE} or {@code TOP_LAYERS}
     * @param trainTop with {@code TOP_LAYERS}, the layers with weights that trained
     * @param l2sp the L2-SP pull toward the parent's weights (0: none)
     * @param preprocessing {@code parent} (kept) or {@code fitted} (refitted on the new rows)
     * @param learnedThrough continuous learning: the last batch learnt from; else null
     */
    public record LineageProvenance(String parent, String parentSha256, String parentData, String parentDataSha256,
            int generation, String level, int trainTop, double l2sp, String preprocessing,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            String learnedThrough) {
        /** The lineage in words. */
        public String describe() {
            StringBuilder s = new StringBuilder("generation ").append(generation).append(", from ")
                    .append(parent).append(" (sha256 ").append(parentSha256, 0, Math.min(12, parentSha256.length()))
                    .append(", trained on ").append(parentData).append("): ")
                    .append(switch (level) {
                        case "TOP_LAYERS" -> "top " + trainTop + " layers trained";
                        case "SCRATCH" -> "retrained from scratch";
                        default -> "fine-tuned";
                    })
                    .append(", preprocessing ").append(preprocessing.equals("parent") ? "kept" : "refitted");
            if (l2sp > 0) {
                s.append(", L2-SP ").append(number(l2sp));
            }
            if (learnedThrough != null) {
                s.append(", learnt through ").append(learnedThrough);
            }
            return s.toString();
        }
    }

    /**
     * The networks an ensemble averages.
     *
     * @param members {@code SEEDS} or {@code FOLDS}
     * @param count how many networks
     * @param seeds each network's seed ({@code SEEDS}), else empty
     */
    public record EnsembleProvenance(String members, int count, List<Long> seeds) {
        /** One line: what is averaged. */
        public String describe() {
            return "SEEDS".equals(members) ? "average of " + count + " networks, seeds " + seeds
                    : "average of the " + count + " fold models";
        }
    }

    /**
     * The teacher a model was distilled from.
     *
     * @param teacher the teacher spec's model name, or its model file
     * @param teacherSpec the teacher spec's class, or null for a file teacher
     * @param teacherSha256 the teacher file's SHA-256, or null for a spec teacher (trained with the student)
     * @param temperature T
     * @param alpha the soft loss's share
     */
    public record DistillationProvenance(String teacher, String teacherSpec, String teacherSha256, double temperature,
            double alpha) {
        /** One line: the teacher and the blend. */
        public String describe() {
            return String.format(java.util.Locale.ROOT, "from %s%s, T = %s, alpha = %s", teacher,
                    teacherSpec != null ? " (trained on the same rows)" : teacherSha256 == null ? ""
                            : " (sha256 " + teacherSha256.substring(0, Math.min(12, teacherSha256.length())) + ")",
                    ModelMetadata.number(temperature), ModelMetadata.number(alpha));
        }
    }

    /** A number without trailing zeros. */
    public static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * Pretrained word vectors an embedding layer started from.
     *
     * @param layer the embedding layer
     * @param file the vectors file
     * @param sha256 its SHA-256
     * @param length numbers per vector
     * @param vocabulary tokens in the vocabulary fitted on the training rows
     * @param found of those, how many the file has (the others started random)
     * @param missing up to ten of the tokens the file lacks
     * @param frozen whether the vectors stayed fixed
     */
    public record WordVectorsProvenance(String layer, String file, String sha256, int length, int vocabulary,
            int found, List<String> missing, boolean frozen) {

        /** One line: the file, the coverage, and whether the vectors trained. */
        public String describe() {
            return String.format(java.util.Locale.ROOT, "%s: %s (sha256 %s), %d of %d tokens found%s, %s", layer,
                    file, sha256.substring(0, Math.min(12, sha256.length())), found, vocabulary,
                    missing.isEmpty() ? "" : " (missing e.g. " + String.join(", ", missing) + ")",
                    frozen ? "frozen" : "fine-tuned");
        }
    }
}
