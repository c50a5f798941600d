package io.kiln.processor;

import io.kiln.dsl.Retrain;
import io.kiln.dsl.RetrainData;
import io.kiln.dsl.RetrainLevel;
import io.kiln.dsl.Task;
import java.util.List;

/**
 * Reads {@code @Retrain}, the retraining policy of continuous learning: its triggers, which rows the
 * challenger trains on, how much of the network trains, and the acceptance window. Contradictory or
 * impossible policies are errors on the attribute at fault; the runtime's {@code RetrainPolicy} checks
 * the same rules for policies built in Java.
 */
final class RetrainReader {
    static final Attr<Integer> EVERY_ROWS = Attr.of(Retrain.class, Retrain::everyRows);
    static final Attr<Double> DRIFT_PSI = Attr.of(Retrain.class, Retrain::driftPsi);
    static final Attr<Integer> DRIFT_ROWS = Attr.of(Retrain.class, Retrain::driftRows);
    static final Attr<Double> METRIC_DROP = Attr.of(Retrain.class, Retrain::metricDrop);
    static final Attr<RetrainData> DATA = Attr.of(Retrain.class, Retrain::data);
    static final Attr<Integer> WINDOW = Attr.of(Retrain.class, Retrain::window);
    static final Attr<String> SPAN = Attr.of(Retrain.class, Retrain::span);
    static final Attr<Double> HALF_LIFE = Attr.of(Retrain.class, Retrain::halfLife);
    static final Attr<Double> REPLAY = Attr.of(Retrain.class, Retrain::replay);
    static final Attr<RetrainLevel> LEVEL = Attr.of(Retrain.class, Retrain::level);
    static final Attr<Integer> TRAIN_TOP = Attr.of(Retrain.class, Retrain::trainTop);
    static final Attr<Double> L2SP = Attr.of(Retrain.class, Retrain::l2sp);
    static final Attr<Integer> EPOCHS = Attr.of(Retrain.class, Retrain::epochs);
    static final Attr<Integer> ACCEPT = Attr.of(Retrain.class, Retrain::accept);
    static final Attr<Double> MARGIN = Attr.of(Retrain.class, Retrain::margin);
    static final Attr<Integer> RETAIN = Attr.of(Retrain.class, Retrain::retain);
    static final Attr<Boolean> REFIT = Attr.of(Retrain.class, Retrain::refitPreprocessing);

    /** A span: a positive number, with a unit for a duration (the runtime's {@code RetrainPolicy.spanUnits}). */
    static final java.util.regex.Pattern SPAN_TEXT = java.util.regex.Pattern.compile(
            "(?=.*[1-9])[0-9]+(\\.[0-9]+)?\\s*[dhms]?");

    /** The fewest rows a drift trigger may measure its PSI on (the runtime's drift monitor's minimum). */
    static final int MIN_DRIFT_ROWS = 100;

    private final ReadContext c;

    RetrainReader(ReadContext c) {
        this.c = c;
    }

    /**
     * {@code @Retrain}, or null without one (or with errors, reported).
     *
     * @param layers every layer of the network, reused ones first; null when a file transfer source's
     *     layers are known only at run time
     */
    SpecModel.RetrainModel read(Task task, List<LayerModel> layers, boolean series) {
        Annotation r = c.annotation(Retrain.class);
        if (r == null) {
            return null;
        }
        int errors = c.reporter.errorCount();
        for (Class<? extends java.lang.annotation.Annotation> with : List.of(io.kiln.dsl.Ensemble.class,
                io.kiln.dsl.Distillation.class)) {
            if (c.has(with)) {
                String name = with.getSimpleName();
                c.reporter.error(r, Message.RETRAIN_WITH.format(name, name.equals("Ensemble")
                        ? "an average of several networks" : "a student of a teacher", name));
            }
        }
        if (series) {
            c.reporter.error(r, Message.RETRAIN_SERIES.format());
        }
        int everyRows = r.get(EVERY_ROWS);
        double driftPsi = r.get(DRIFT_PSI);
        double metricDrop = r.get(METRIC_DROP);
        boolean badTrigger = false;
        if (everyRows < 0) {
            c.reporter.error(r, EVERY_ROWS, Message.RETRAIN_TRIGGER.format("everyRows", everyRows, "everyRows = 2000"));
            badTrigger = true;
        }
        badTrigger |= positiveOrOff(r, DRIFT_PSI, "driftPsi", driftPsi, "driftPsi = 0.25");
        badTrigger |= positiveOrOff(r, METRIC_DROP, "metricDrop", metricDrop, "metricDrop = 0.05");
        if (!badTrigger && everyRows == 0 && driftPsi == 0 && metricDrop == 0) {
            c.reporter.error(r, Message.RETRAIN_NO_TRIGGER.format());
        }
        if (metricDrop >= 1 && !Double.isInfinite(metricDrop) && task.isClassification()) {
            c.reporter.error(r, METRIC_DROP, Message.RETRAIN_METRIC_DROP.format(ReadContext.number(metricDrop),
                    task.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')));
        }
        int driftRows = r.get(DRIFT_ROWS);
        if (driftPsi > 0 && driftRows < MIN_DRIFT_ROWS) {
            c.reporter.error(r, DRIFT_ROWS, Message.RETRAIN_DRIFT_ROWS.format(driftRows, MIN_DRIFT_ROWS,
                    MIN_DRIFT_ROWS));
        } else if (driftPsi == 0 && r.isSet(DRIFT_ROWS)) {
            c.reporter.error(r, DRIFT_ROWS, Message.RETRAIN_DRIFT_ROWS_UNUSED.format());
        }

        RetrainData data = r.get(DATA);
        int window = r.get(WINDOW);
        int retain = r.get(RETAIN);
        int accept = r.get(ACCEPT);
        String span = r.get(SPAN).trim();
        if (data == RetrainData.WINDOW && window <= 0 && span.isEmpty()) {
            c.reporter.error(r, r.isSet(WINDOW) ? WINDOW : DATA, Message.RETRAIN_WINDOW.format(window));
        } else if (data != RetrainData.WINDOW && (r.isSet(WINDOW) || r.isSet(SPAN))) {
            String what = r.isSet(WINDOW) ? "window" : "span";
            c.reporter.error(r, r.isSet(WINDOW) ? WINDOW : SPAN, Message.RETRAIN_WINDOW_UNUSED.format(what, data, what));
        } else if (window > 0 && !span.isEmpty()) {
            c.reporter.error(r, SPAN, Message.RETRAIN_WINDOW_BOTH.format(window, span));
        } else if (!span.isEmpty() && !SPAN_TEXT.matcher(span).matches()) {
            c.reporter.error(r, SPAN, Message.RETRAIN_SPAN.format(span));
        } else if (!span.isEmpty() && !c.has(io.kiln.dsl.TemporalSplit.class)) {
            c.reporter.error(r, SPAN, Message.RETRAIN_SPAN_ORDER.format());
        }
        if (retain <= 0) {
            c.reporter.error(r, RETAIN, Message.RETRAIN_RETAIN.format(retain));
        }
        if (accept <= 0) {
            c.reporter.error(r, ACCEPT, Message.RETRAIN_ACCEPT.format(accept));
        } else if (retain > 0 && data == RetrainData.WINDOW && window > 0 && (long) window + accept > retain) {
            c.reporter.error(r, WINDOW, Message.RETRAIN_WINDOW_RETAIN.format(window, accept, window + accept, retain));
        } else if (retain > 0 && accept >= retain) {
            c.reporter.error(r, ACCEPT, Message.RETRAIN_ACCEPT_RETAIN.format(accept, retain));
        }
        double replay = r.get(REPLAY);
        if (!(replay >= 0 && replay < 1)) {
            c.reporter.error(r, REPLAY, Message.RETRAIN_REPLAY.format(ReadContext.number(replay)));
        } else if (replay > 0 && data == RetrainData.ALL) {
            c.reporter.error(r, REPLAY, Message.RETRAIN_REPLAY_ALL.format());
        }
        double halfLife = r.get(HALF_LIFE);
        if (!(halfLife >= 0) || Double.isInfinite(halfLife)) {
            c.reporter.error(r, HALF_LIFE, Message.RETRAIN_HALF_LIFE.format(ReadContext.number(halfLife)));
        }

        RetrainLevel level = r.get(LEVEL);
        int trainTop = r.get(TRAIN_TOP);
        if (level == RetrainLevel.TOP_LAYERS) {
            List<String> weighted = layers == null ? null : layers.stream().filter(RetrainReader::trains)
                    .map(LayerModel::name).toList();
            int n = weighted == null ? Integer.MAX_VALUE : weighted.size();
            if (trainTop <= 0 || trainTop >= n) {
                c.reporter.error(r, r.isSet(TRAIN_TOP) ? TRAIN_TOP : LEVEL, Message.RETRAIN_TOP.format(trainTop,
                        weighted == null ? 0 : n, weighted == null ? "known when training reads the source"
                                : String.join(", ", weighted), Math.max(1, n - 1), n));
            } else if (weighted != null && layers.stream().anyMatch(l -> l instanceof ResidualLayer)) {
                List<LayerModel> trained = layers.stream().filter(RetrainReader::trains).toList();
                for (int i = 0; i < n - trainTop; i++) { // the frozen ones, bottom first
                    if (trained.get(i) instanceof BatchNormLayer) {
                        c.reporter.error(r, TRAIN_TOP, Message.RETRAIN_TOP_BATCHNORM.format(trainTop,
                                trained.get(i).name(), n - i));
                        break;
                    }
                }
            }
        } else if (r.isSet(TRAIN_TOP)) {
            c.reporter.error(r, TRAIN_TOP, Message.RETRAIN_TOP_UNUSED.format(level));
        }
        double l2sp = r.get(L2SP);
        if (!(l2sp >= 0) || Double.isInfinite(l2sp)) {
            c.reporter.error(r, L2SP, Message.RETRAIN_L2SP.format(ReadContext.number(l2sp)));
        } else if (l2sp > 0 && level == RetrainLevel.SCRATCH) {
            c.reporter.error(r, L2SP, Message.RETRAIN_L2SP_SCRATCH.format());
        }
        boolean refit = r.get(REFIT);
        if (refit && level == RetrainLevel.SCRATCH) {
            c.reporter.error(r, REFIT, Message.RETRAIN_REFIT_SCRATCH.format());
        }
        int epochs = r.get(EPOCHS);
        if (epochs < 0) {
            c.reporter.error(r, EPOCHS, Message.RETRAIN_EPOCHS.format(epochs));
        }
        double margin = r.get(MARGIN);
        if (!(margin >= 0) || Double.isInfinite(margin)) {
            c.reporter.error(r, MARGIN, Message.RETRAIN_MARGIN.format(ReadContext.number(margin)));
        }
        if (c.reporter.errorCount() > errors) {
            return null;
        }
        return new SpecModel.RetrainModel(everyRows, driftPsi, driftRows, metricDrop, data, window, span, halfLife, replay,
                level, trainTop, l2sp, epochs, accept, margin, retain, refit);
    }

    /** Whether a layer has parameters that a retraining of the top layers trains or freezes. */
    static boolean trains(LayerModel l) {
        return l.hasWeights() || l instanceof BatchNormLayer || l instanceof SelfAttentionLayer;
    }

    /** Reports a trigger that is neither 0 nor positive and finite; returns whether it did. */
    private boolean positiveOrOff(Annotation r, Attr<Double> attr, String name, double v, String example) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            c.reporter.error(r, attr, Message.RETRAIN_TRIGGER.format(name, ReadContext.number(v), example));
            return true;
        }
        return false;
    }
}
