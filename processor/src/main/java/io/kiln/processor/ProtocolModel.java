package io.kiln.processor;

import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The evaluation protocol: one record per protocol annotation, each with its reading and checks,
 * the runtime protocol it becomes and its canonical spec text; {@link #KINDS} is the one table of
 * them. Without a protocol annotation a spec uses {@link #DEFAULT}.
 */
sealed interface ProtocolModel {
    /** Whether rows are set aside for validation during training. */
    boolean hasValidation();

    /** How the spec declares "no validation rows" (for messages), or null when it sets some aside. */
    default String noValidation() {
        return null;
    }

    /** The runtime's protocol record, as generated code builds it. */
    CodeBlock runtime();

    /** The canonical spec text, one line. */
    String specText();

    /** The shuffled, stratified 60/20/20 holdout. */
    ProtocolModel DEFAULT = new Holdout(0.2, 0.2, true, true, false);

    record Kind(Class<? extends java.lang.annotation.Annotation> annotation,
            BiFunction<ReadContext, Annotation, ProtocolModel> reader) {}

    List<Kind> KINDS = List.of(
            new Kind(io.kiln.dsl.Holdout.class, Holdout::read),
            new Kind(io.kiln.dsl.KFold.class, KFold::read),
            new Kind(io.kiln.dsl.TemporalSplit.class, Temporal::read));

    static List<Class<? extends java.lang.annotation.Annotation>> annotations() {
        return KINDS.stream().<Class<? extends java.lang.annotation.Annotation>>map(Kind::annotation).toList();
    }

    /** Reads the spec's protocol: the first protocol annotation, with an error on any further one. */
    static ProtocolModel read(ReadContext c) {
        Annotation chosen = c.chooseOne(annotations(), (first, second) -> Message.PROTOCOL_CONFLICT.format(
                c.type.getSimpleName(), first.display(), second.display(), conflict(first.simpleName, second.simpleName)));
        if (chosen == null) {
            return DEFAULT;
        }
        return KINDS.stream().filter(k -> k.annotation().getSimpleName().equals(chosen.simpleName)).findFirst()
                .orElseThrow().reader().apply(c, chosen);
    }

    private static String conflict(String first, String second) {
        Set<String> pair = Set.of(first, second);
        if (pair.equals(Set.of("Holdout", "TemporalSplit"))) {
            return "They contradict: a temporal split never shuffles and trains on the earliest rows, validates and "
                    + "tests on the latest. Keep @TemporalSplit and give it the validation and test fractions.";
        }
        if (pair.equals(Set.of("Holdout", "KFold"))) {
            return "@KFold validates on every fold in turn and holds out its own final test set (test = ...).";
        }
        return "k-fold validates on folds drawn from the whole time range, so the model would be validated on the "
                + "past after training on the future; for time-ordered data keep @TemporalSplit.";
    }

    /** Validation in [0, 1), test in (0, 1), and some rows left for training. */
    private static void checkSplit(ReadContext c, Annotation a, Attr<Double> validationAttr, Attr<Double> testAttr) {
        double validation = a.get(validationAttr);
        double test = a.get(testAttr);
        boolean ok = true;
        if (!(validation >= 0 && validation < 1)) {
            c.reporter.error(a, validationAttr, Message.FRACTION.format("validation", "[0, 1)", validation,
                    "validation = 0.2"));
            ok = false;
        }
        if (!(test > 0 && test < 1)) {
            c.reporter.error(a, testAttr, Message.FRACTION.format("test", "(0, 1)", test, "test = 0.2"));
            ok = false;
        }
        if (ok && validation + test >= 1) {
            c.reporter.error(a, a.isSet(testAttr) ? testAttr : validationAttr,
                    Message.SPLIT_NO_TRAINING.format(validation, test));
        }
    }

    /** {@code @Holdout}: one seeded split into training, validation and test rows. */
    record Holdout(double validation, double test, boolean stratified, boolean shuffle, boolean retrain)
            implements ProtocolModel {
        static final Attr<Double> VALIDATION = Attr.of(io.kiln.dsl.Holdout.class, io.kiln.dsl.Holdout::validation);
        static final Attr<Double> TEST = Attr.of(io.kiln.dsl.Holdout.class, io.kiln.dsl.Holdout::test);
        static final Attr<Boolean> STRATIFIED = Attr.of(io.kiln.dsl.Holdout.class, io.kiln.dsl.Holdout::stratified);
        static final Attr<Boolean> SHUFFLE = Attr.of(io.kiln.dsl.Holdout.class, io.kiln.dsl.Holdout::shuffle);
        static final Attr<Boolean> RETRAIN = Attr.of(io.kiln.dsl.Holdout.class, io.kiln.dsl.Holdout::retrain);

        static Holdout read(ReadContext c, Annotation a) {
            checkSplit(c, a, VALIDATION, TEST);
            double validation = a.get(VALIDATION);
            boolean retrain = a.get(RETRAIN);
            if (retrain && validation == 0) {
                c.reporter.error(a, RETRAIN, Message.RETRAIN_NO_VALIDATION.format());
            }
            return new Holdout(validation, a.get(TEST), a.get(STRATIFIED), a.get(SHUFFLE), retrain);
        }

        @Override
        public boolean hasValidation() {
            return validation > 0;
        }

        @Override
        public String noValidation() {
            return validation == 0 ? "@Holdout(validation = 0)" : null;
        }

        @Override
        public CodeBlock runtime() {
            return CodeBlock.of("new $T($L, $L, $L, $L, $L)", Names.HOLDOUT_PROTOCOL, validation, test, stratified,
                    shuffle, retrain);
        }

        @Override
        public String specText() {
            // retrain is written only when set, so specs from before 'retrain' keep their text
            return "@Holdout(validation = " + validation + ", test = " + test + ", stratified = " + stratified
                    + ", shuffle = " + shuffle + (retrain ? ", retrain = true" : "") + ")";
        }
    }

    /** {@code @KFold}: k folds, repeated, with an optional final test set. */
    record KFold(int k, int repeats, boolean stratified, boolean shuffle, double test) implements ProtocolModel {
        static final Attr<Integer> K = Attr.of(io.kiln.dsl.KFold.class, io.kiln.dsl.KFold::k);
        static final Attr<Integer> REPEATS = Attr.of(io.kiln.dsl.KFold.class, io.kiln.dsl.KFold::repeats);
        static final Attr<Boolean> STRATIFIED = Attr.of(io.kiln.dsl.KFold.class, io.kiln.dsl.KFold::stratified);
        static final Attr<Boolean> SHUFFLE = Attr.of(io.kiln.dsl.KFold.class, io.kiln.dsl.KFold::shuffle);
        static final Attr<Double> TEST = Attr.of(io.kiln.dsl.KFold.class, io.kiln.dsl.KFold::test);

        static KFold read(ReadContext c, Annotation a) {
            int k = a.get(K);
            if (k < 2) {
                c.reporter.error(a, K, Message.KFOLD_K.format(k));
            }
            int repeats = a.get(REPEATS);
            boolean shuffle = a.get(SHUFFLE);
            if (repeats < 1) {
                c.reporter.error(a, REPEATS, Message.POSITIVE.format("repeats", repeats, "repeats = 1"));
            } else if (repeats > 1 && !shuffle) {
                c.reporter.error(a, SHUFFLE, Message.KFOLD_REPEATS_UNSHUFFLED.format(repeats, repeats));
            }
            double test = a.get(TEST);
            if (!(test >= 0 && test < 1)) {
                c.reporter.error(a, TEST, Message.FRACTION.format("test", "[0, 1)", test, "test = 0.2"));
            }
            return new KFold(k, repeats, a.get(STRATIFIED), shuffle, test);
        }

        @Override
        public boolean hasValidation() {
            return true;
        }

        @Override
        public CodeBlock runtime() {
            return CodeBlock.of("new $T($L, $L, $L, $L, $L)", Names.KFOLD_PROTOCOL, k, repeats, stratified, shuffle,
                    test);
        }

        @Override
        public String specText() {
            return "@KFold(k = " + k + ", repeats = " + repeats + ", stratified = " + stratified + ", shuffle = "
                    + shuffle + ", test = " + test + ")";
        }
    }

    /** {@code @TemporalSplit}: the earliest rows train, the latest validate and test. */
    record Temporal(String orderBy, double validation, double test) implements ProtocolModel {
        static final Attr<String> ORDER_BY =
                Attr.of(io.kiln.dsl.TemporalSplit.class, io.kiln.dsl.TemporalSplit::orderBy);
        static final Attr<Double> VALIDATION =
                Attr.of(io.kiln.dsl.TemporalSplit.class, io.kiln.dsl.TemporalSplit::validation);
        static final Attr<Double> TEST = Attr.of(io.kiln.dsl.TemporalSplit.class, io.kiln.dsl.TemporalSplit::test);

        static Temporal read(ReadContext c, Annotation a) {
            String orderBy = a.get(ORDER_BY);
            if (orderBy.isBlank()) {
                c.reporter.error(a, ORDER_BY, Message.TEMPORAL_NO_ORDER.format());
            }
            Annotation csv = c.annotation(io.kiln.dsl.CsvData.class);
            if (csv != null && !csv.get(InputReader.HEADER) && !orderBy.isBlank()) {
                c.reporter.error(csv, InputReader.HEADER, Message.HEADER_REQUIRED.format(orderBy));
            }
            checkSplit(c, a, VALIDATION, TEST);
            return new Temporal(orderBy, a.get(VALIDATION), a.get(TEST));
        }

        @Override
        public boolean hasValidation() {
            return validation > 0;
        }

        @Override
        public String noValidation() {
            return validation == 0 ? "@TemporalSplit(validation = 0)" : null;
        }

        @Override
        public CodeBlock runtime() {
            return CodeBlock.of("new $T($S, $L, $L)", Names.TEMPORAL_PROTOCOL, orderBy, validation, test);
        }

        @Override
        public String specText() {
            return "@TemporalSplit(orderBy = \"" + orderBy + "\", validation = " + validation + ", test = " + test
                    + ")";
        }
    }
}
