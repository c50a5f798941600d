package io.kiln.runtime.internal.evaluate;

import io.kiln.runtime.DataException;
import io.kiln.runtime.EarlyStopping;
import io.kiln.runtime.FeatureKind;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Network;
import io.kiln.runtime.Report;
import io.kiln.runtime.internal.data.Rows;
import io.kiln.runtime.internal.data.LabeledData;

import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The seeds' checklists as code: warnings about the data (class imbalance, features on wildly
 * different scales without normalization, duplicate rows across a split), the fraction of dead
 * ReLU units, and a diagnosis of the fit from the learning curves with the next steps to try.
 */
public final class Diagnostics {
    /** The rarest class below this share of the rows (times the uniform share) is an imbalance. */
    static final double IMBALANCE = 0.25;
    /** Unscaled numeric features whose standard deviations differ by more than this factor. */
    static final double SCALE_RATIO = 100;
    /** A ReLU layer with more than this fraction of dead units gets a warning. */
    static final double DEAD_UNITS = 0.25;

    private Diagnostics() {}

    /** A feature missing in more than this share of the training rows gets a warning. */
    static final double MOSTLY_MISSING = 0.5;

    /**
     * Class imbalance (on all rows), mostly missing features and feature scales (on the training
     * rows). A feature missing in every training row is a {@link DataException}: there is nothing
     * to fill it from or learn from.
     */
    public static List<Report.Warning> dataWarnings(ModelDefinition def, LabeledData data, int[] train) {
        List<Report.Warning> warnings = new ArrayList<>();
        missingValues(def, data, train).ifPresent(warnings::add);
        absentClasses(def, data).ifPresent(warnings::add);
        classImbalance(def, data).ifPresent(warnings::add);
        featureScales(def, data, train).ifPresent(warnings::add);
        return warnings;
    }

    /**
     * Declared classes that no row of the data holds: the model cannot learn them, and when most
     * are absent the label is likely read from the wrong column (without a header it is the column
     * after the features).
     */
    static Optional<Report.Warning> absentClasses(ModelDefinition def, LabeledData data) {
        if (data.classes() == null || data.size() == 0) {
            return Optional.empty();
        }
        List<String> classes = def.label().classes();
        int[] counts = new int[classes.size()];
        for (int c : data.classes()) {
            counts[c]++;
        }
        List<String> absent = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) {
                absent.add("'" + classes.get(c) + "'");
            }
        }
        if (absent.isEmpty()) {
            return Optional.empty();
        }
        boolean headerless = def.data() != null && !def.data().isIdx() && !def.data().header();
        String where = headerless ? " Without a header, the label is read from column " + (def.features().size() + 1)
                + ", after the " + def.features().size() + " feature columns: check that the file puts it there."
                : " Check that the label reads the right column, or declare only the classes the data holds.";
        return Optional.of(new Report.Warning("absent-classes", String.format(Locale.ROOT,
                "%d of the %d declared classes have no rows in the %d rows read (%s), so the model cannot learn "
                        + "them.%s", absent.size(), classes.size(), data.size(),
                String.join(", ", absent.subList(0, Math.min(absent.size(), 10)))
                        + (absent.size() > 10 ? ", ..." : ""), where)));
    }

    /**
     * Throws for a feature missing (an empty cell or a missing-value token) in every training row;
     * warns about features missing in more than {@link #MOSTLY_MISSING} of them.
     */
    static Optional<Report.Warning> missingValues(ModelDefinition def, LabeledData data, int[] train) {
        if (train.length == 0 || def.image() != null) {
            return Optional.empty();
        }
        int[] columns = data.featureColumns();
        List<String> mostly = new ArrayList<>();
        for (int f = 0; f < def.features().size(); f++) {
            int missing = 0;
            for (int r : train) {
                missing += data.features().get(r)[f] == null ? 1 : 0;
            }
            FeatureSchema feature = def.features().get(f);
            if (missing == train.length) {
                String column = columns != null && columns.length == def.features().size()
                        ? LabeledData.columnName(feature.column(), columns[f]) : "'" + feature.column() + "'";
                throw new DataException(data.source(), 0, column, String.format(Locale.ROOT,
                        "the value of feature '%s' is missing (empty or a missing-value token) in all %d training "
                                + "rows, so there is nothing to learn from it. Check the column (and the file's "
                                + "delimiter), or remove the feature from the spec.",
                        feature.name(), train.length));
            }
            if (missing > MOSTLY_MISSING * train.length) {
                mostly.add(String.format(Locale.ROOT, "'%s' in %d of %d (%.0f%%)", feature.name(), missing,
                        train.length, 100.0 * missing / train.length));
            }
        }
        if (mostly.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Report.Warning("mostly-missing", "Features missing in most training rows, filled by "
                + "their missing-value strategy: " + String.join(", ", mostly) + ". What the model learns from them is "
                + "mostly the fill value; check the data."));
    }

    static Optional<Report.Warning> classImbalance(ModelDefinition def, LabeledData data) {
        if (data.classes() == null) {
            return Optional.empty();
        }
        List<String> classes = def.label().classes();
        int[] counts = new int[classes.size()];
        for (int c : data.classes()) {
            counts[c]++;
        }
        int rarest = 0;
        int commonest = 0;
        for (int c = 1; c < counts.length; c++) {
            rarest = counts[c] < counts[rarest] ? c : rarest;
            commonest = counts[c] > counts[commonest] ? c : commonest;
        }
        double share = counts[rarest] / (double) data.size();
        if (share >= IMBALANCE / counts.length) {
            return Optional.empty();
        }
        return Optional.of(new Report.Warning("class-imbalance", String.format(Locale.ROOT,
                "Class imbalance: '%s' has %d of %d rows (%.1f%%), '%s' has %d. Always predicting '%s' already scores "
                        + "accuracy %.3f, so judge the model by balanced_accuracy%s and the confusion matrix, and "
                        + "consider %scollecting more '%s' rows or resampling.", classes.get(rarest), counts[rarest],
                data.size(), 100 * share, classes.get(commonest), counts[commonest], classes.get(commonest),
                counts[commonest] / (double) data.size(),
                def.task() == Task.BINARY_CLASSIFICATION ? ", pr_auc, recall" : ", macro_f1",
                imbalanceRemedies(def), classes.get(rarest))));
    }

    /** The declarations that help with imbalanced classes and that the spec does not use yet. */
    private static String imbalanceRemedies(ModelDefinition def) {
        StringBuilder b = new StringBuilder();
        if (def.classWeights() == null) {
            b.append("weighing the classes (@ClassWeights), ");
        }
        if (def.task() == Task.BINARY_CLASSIFICATION && def.tuneThreshold() == null) {
            b.append("choosing the threshold on validation data (@TuneThreshold), ");
        }
        return b.toString();
    }

    static Optional<Report.Warning> featureScales(ModelDefinition def, LabeledData data, int[] train) {
        if (def.image() != null) {
            // pixels share one unit: an edge pixel that is nearly always dark is not a badly scaled feature
            return Optional.empty();
        }
        String small = null;
        String large = null;
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int f = 0; f < def.features().size(); f++) {
            FeatureSchema feature = def.features().get(f);
            if (feature.kind() != FeatureKind.NUMERIC || feature.scaling() != Scaling.NONE) {
                continue;
            }
            final int col = f;
            double[] v = Arrays.stream(train).mapToObj(r -> data.features().get(r)[col])
                    .filter(o -> o instanceof Number).mapToDouble(o -> ((Number) o).doubleValue()).toArray();
            double sd = Rows.std(v);
            if (sd <= 0) {
                continue;
            }
            if (sd < min) {
                min = sd;
                small = feature.name();
            }
            if (sd > max) {
                max = sd;
                large = feature.name();
            }
        }
        if (small == null || max / min <= SCALE_RATIO) {
            return Optional.empty();
        }
        return Optional.of(new Report.Warning("feature-scales", String.format(Locale.ROOT,
                "Unscaled numeric features differ wildly in scale: '%s' varies with standard deviation %.3g, '%s' "
                        + "with %.3g (%.0fx). Gradient descent then moves in steps fit for one and not the other; "
                        + "set scaling = Scaling.STANDARDIZE on them (or @Preprocessing(scaling = STANDARDIZE)).",
                large, max, small, min, max / min)));
    }

    /** Rows of {@code b} whose feature values equal those of some row of {@code a}. */
    public record Duplicates(int count, Optional<Report.Warning> warning) {}

    public static Duplicates duplicates(LabeledData data, int[] a, int[] b, String what) {
        return duplicates(data, r -> data.source(), a, b, what);
    }

    /**
     * Rows of {@code b} whose feature values equal those of some row of {@code a}; {@code fileOf}
     * names the file each row was read from (the data's or the official test set's).
     */
    public static Duplicates duplicates(LabeledData data, java.util.function.IntFunction<String> fileOf, int[] a, int[] b,
            String what) {
        if (a.length == 0 || b.length == 0) {
            return new Duplicates(0, Optional.empty());
        }
        Map<List<Object>, Integer> seen = new HashMap<>();
        for (int r : a) {
            seen.putIfAbsent(Arrays.asList(data.features().get(r)), r);
        }
        int count = 0;
        List<String> examples = new ArrayList<>();
        java.util.Set<String> files = new java.util.LinkedHashSet<>();
        for (int r : b) {
            Integer twin = seen.get(Arrays.asList(data.features().get(r)));
            if (twin != null) {
                count++;
                files.add(fileOf.apply(twin));
                files.add(fileOf.apply(r));
                if (examples.size() < 3) {
                    examples.add("line " + data.lines()[r] + " of " + fileOf.apply(r) + " = line " + data.lines()[twin]
                            + " of " + fileOf.apply(twin));
                }
            }
        }
        if (count == 0) {
            return new Duplicates(0, Optional.empty());
        }
        return new Duplicates(count, Optional.of(new Report.Warning("duplicates-across-split", String.format(
                Locale.ROOT, "%d of %d %s have the same feature values as a row they are evaluated "
                        + "against (%s%s), so training and evaluation data are not disjoint and the score is "
                        + "optimistic. Remove duplicate rows from %s.", count, b.length, what, String.join(", ", examples),
                count > examples.size() ? ", ..." : "", String.join(" and ", files)))));
    }

    /**
     * The fraction of each ReLU layer's units that output zero for every sampled row: they pass no
     * gradient and never recover.
     */
    public static Map<String, Double> deadRelu(Network net, INDArray x) {
        Map<String, Double> dead = new LinkedHashMap<>();
        if (x.rows() == 0) {
            return dead;
        }
        for (Network.Activations a : net.activations(x)) {
            if (a.layer() instanceof DenseLayer dense && ((BaseLayer) dense).getActivationFn() instanceof ActivationReLU) {
                INDArray maxPerUnit = a.values().max(0);
                long units = maxPerUnit.length();
                long zeros = 0;
                for (long u = 0; u < units; u++) {
                    if (maxPerUnit.getDouble(u) <= 0) {
                        zeros++;
                    }
                }
                dead.put(dense.getLayerName(), zeros / (double) units);
            }
        }
        return dead;
    }

    public static List<Report.Warning> deadUnitWarnings(Map<String, Double> dead) {
        List<Report.Warning> warnings = new ArrayList<>();
        dead.forEach((layer, fraction) -> {
            if (fraction > DEAD_UNITS) {
                warnings.add(new Report.Warning("dead-relu", String.format(Locale.ROOT,
                        "%.0f%% of layer '%s''s ReLU units are dead (zero for every sampled training row). Lower the "
                                + "learning rate, or use Activation.LEAKY_RELU.", 100 * fraction, layer)));
            }
        });
        return warnings;
    }

    /** The validation loss must end more than this share above its best for the curve to read as overfitting. */
    static final double RISE = 0.03;
    /** ... while the training loss fell by more than this share after the best epoch. */
    static final double TRAIN_FALL = 0.03;
    /** A relative gap (validation − training loss) / training loss above this at the best epoch is overfitting... */
    static final double GAP = 0.5;
    /** ... when the difference is also more than this share of the first epoch's training loss. */
    static final double GAP_OF_FIRST_LOSS = 0.1;

    /**
     * One run's learning curve, as the diagnosis reads it.
     *
     * @param history one record per epoch
     * @param firstLoss the first epoch's training loss
     * @param stoppedEarly whether early stopping ended the run
     */
    public record Curve(List<Report.Epoch> history, double firstLoss, boolean stoppedEarly) {}

    /** {@link #diagnose(Curve, boolean)} of a run that early stopping did not end. */
    public static Report.Diagnosis diagnose(List<Report.Epoch> history, double firstLoss, boolean earlyStopping) {
        return diagnose(new Curve(history, firstLoss, false), earlyStopping);
    }

    /**
     * Reads one run's learning curves: null without validation. Verdicts, in order of precedence: not
     * learning (the training loss barely moved), overfitting (validation loss rose above its best
     * while training loss kept falling), still improving (the best epoch is the last few, and early
     * stopping did not end the run), overfitting (a large gap between validation and training loss at
     * the best epoch), underfitting (training loss stayed high and close to validation loss), else a
     * good fit. With {@code earlyStopping} declared, the advice for overfitting says what early
     * stopping already did instead of suggesting it.
     */
    public static Report.Diagnosis diagnose(Curve curve, boolean earlyStopping) {
        List<Report.Epoch> history = curve.history();
        if (history.isEmpty() || history.stream().allMatch(e -> Double.isNaN(e.validationLoss()))) {
            return null;
        }
        Report.Epoch best = history.stream().filter(e -> !Double.isNaN(e.validationLoss()))
                .min((a, b) -> Double.compare(a.validationLoss(), b.validationLoss())).orElseThrow();
        Report.Epoch last = history.get(history.size() - 1);
        int epochs = history.size();
        double firstLoss = curve.firstLoss();
        double gap = (best.validationLoss() - best.trainLoss()) / Math.max(Math.abs(best.trainLoss()), 1e-12);
        double drop = firstLoss > 0 ? last.trainLoss() / firstLoss : 1;
        // the late losses: means over the last tenth of the epochs (at least one), so one noisy epoch
        // does not decide
        List<Report.Epoch> tail = history.subList(epochs - Math.max(1, epochs / 10), epochs);
        double lateValidation = tail.stream().mapToDouble(Report.Epoch::validationLoss).filter(v -> !Double.isNaN(v))
                .average().orElse(last.validationLoss());
        double lateTrain = tail.stream().mapToDouble(Report.Epoch::trainLoss).average().orElse(last.trainLoss());
        double rise = best.validationLoss() > 0 ? lateValidation / best.validationLoss() - 1 : 0;
        boolean atTheEnd = best.epoch() >= epochs - Math.max(1, epochs / 20);
        String verdict;
        List<String> advice = new ArrayList<>();
        if (drop > 0.97) {
            verdict = "not learning";
            advice.add("The training loss barely moved: run the sanity check (the 'sanity' command) to see whether "
                    + "the model can overfit a few samples.");
            advice.add("Try a larger learning rate, or a smaller one if the loss is noisy.");
            advice.add("Check that features are scaled and that labels line up with their rows.");
        } else if (best.epoch() < epochs * 0.8 && rise > RISE && lateTrain < best.trainLoss() * (1 - TRAIN_FALL)) {
            verdict = "overfitting";
            advice.add(earlyStopping
                    ? String.format(Locale.ROOT, "Validation loss was best at epoch %d of %d and then rose %.0f%% "
                            + "while the training loss kept falling; early stopping ended the run on it (with "
                            + "restoreBest, the model is that epoch's).", best.epoch(), epochs, 100 * rise)
                    : String.format(Locale.ROOT, "Validation loss was best at epoch %d of %d and then rose %.0f%% "
                            + "while the training loss kept falling: add @EarlyStopping (restoreBest) or train for "
                            + "about %d epochs.", best.epoch(), epochs, 100 * rise, best.epoch()));
            advice.add("Regularize: @Dropout between layers, @Regularization(l2 = 1e-4), or a smaller network "
                    + "(fewer units or layers).");
            advice.add("Get more training data if you can; it is the best cure for overfitting.");
        } else if (atTheEnd && !curve.stoppedEarly()) {
            verdict = "still improving";
            advice.add(String.format(Locale.ROOT, "Validation loss was still falling at the last epoch (%d): train "
                    + "for more epochs, or raise the learning rate.", epochs));
        } else if (gap > GAP && best.validationLoss() - best.trainLoss() > GAP_OF_FIRST_LOSS * Math.abs(firstLoss)) {
            verdict = "overfitting";
            advice.add(String.format(Locale.ROOT, "At its best epoch (%d of %d) the validation loss %.4f is %.1f "
                    + "times the training loss %.4f: the model fits its training rows much better than rows it has "
                    + "not seen.", best.epoch(), epochs, best.validationLoss(), 1 + gap, best.trainLoss()));
            advice.add("Regularize: @Dropout between layers, @Regularization(l2 = 1e-4), or a smaller network "
                    + "(fewer units or layers).");
            advice.add("Get more training data if you can; if validation rows differ from training rows (a later "
                    + "period, another source), the gap may be that difference rather than memorizing.");
        } else if (Math.abs(gap) < 0.1 && drop > 0.5) {
            verdict = "underfitting";
            advice.add("Training and validation loss are close and high: the model lacks capacity.");
            advice.add("Add units or layers, train longer, or lower the regularization.");
            advice.add("Engineer better features: the model can only learn what the inputs hold.");
        } else {
            verdict = "good fit";
            advice.add(String.format(Locale.ROOT, "Validation loss was best at epoch %d of %d (%.4f, against "
                    + "training loss %.4f) and did not rise much after it.", best.epoch(), epochs,
                    best.validationLoss(), best.trainLoss()));
        }
        return new Report.Diagnosis(verdict, best.epoch(), best.validationLoss(), last.trainLoss(),
                last.validationLoss(), gap, advice, epochs, 0);
    }

    /** Verdicts in order of precedence, to break ties between folds. */
    static final List<String> VERDICTS = List.of("not learning", "overfitting", "still improving", "underfitting",
            "good fit");

    /**
     * Diagnoses each fold on its own curve (folds that early stopping ended at different epochs are
     * not averaged). The verdict is the one most folds share (a tie goes to the verdict earlier in
     * {@link #VERDICTS}); the numbers and advice are those of the fold with that verdict whose best
     * epoch is the median among them, after a first line counting the folds' verdicts. Null when no
     * fold has validation loss.
     *
     * @return the diagnosis and each fold's own verdict (null for a fold without validation loss)
     */
    public static FoldDiagnosis diagnoseFolds(List<Curve> folds, boolean earlyStopping) {
        List<Report.Diagnosis> each = folds.stream().map(c -> diagnose(c, earlyStopping)).toList();
        Map<String, List<Integer>> byVerdict = new LinkedHashMap<>();
        for (String v : VERDICTS) {
            byVerdict.put(v, new ArrayList<>());
        }
        for (int f = 0; f < each.size(); f++) {
            if (each.get(f) != null) {
                byVerdict.get(each.get(f).verdict()).add(f);
            }
        }
        List<String> verdicts = each.stream().map(d -> d == null ? null : d.verdict()).toList();
        String verdict = null;
        for (String v : VERDICTS) {
            if (verdict == null || byVerdict.get(v).size() > byVerdict.get(verdict).size()) {
                verdict = v;
            }
        }
        List<Integer> sharing = new ArrayList<>(byVerdict.get(verdict));
        if (sharing.isEmpty()) {
            return new FoldDiagnosis(null, verdicts);
        }
        sharing.sort((a, b) -> Integer.compare(each.get(a).bestEpoch(), each.get(b).bestEpoch()));
        int fold = sharing.get((sharing.size() - 1) / 2);
        Report.Diagnosis d = each.get(fold);
        int diagnosed = (int) each.stream().filter(x -> x != null).count();
        List<String> counts = new ArrayList<>();
        byVerdict.forEach((v, fs) -> {
            if (!fs.isEmpty()) {
                counts.add(v + " in " + fs.size());
            }
        });
        List<String> advice = new ArrayList<>();
        advice.add(String.format(Locale.ROOT, "Read on each fold's own curve: %s of %d folds; the numbers below are "
                + "fold %d's.", String.join(", ", counts), diagnosed, fold + 1));
        advice.addAll(d.advice());
        return new FoldDiagnosis(new Report.Diagnosis(d.verdict(), d.bestEpoch(), d.bestValidationLoss(),
                d.finalTrainLoss(), d.finalValidationLoss(), d.gap(), advice, d.epochs(), fold + 1), verdicts);
    }

    /** The diagnosis of a cross-validation, and each fold's own verdict in fold order. */
    public record FoldDiagnosis(Report.Diagnosis diagnosis, List<String> verdicts) {}
}
