package io.kiln.processor;

import com.palantir.javapoet.CodeBlock;
import java.util.List;

/**
 * The learning-rate schedule, starting at the optimizer's learning rate: one record per schedule
 * annotation (and {@link Constant} when only {@code @Warmup} is declared), each with its reading
 * and checks, the runtime schedule it becomes and its canonical spec text; {@link #KINDS} is the
 * one table of them. {@code warmupEpochs} is 0 without warm-up.
 */
sealed interface ScheduleModel {
    int warmupEpochs();

    /** The runtime's {@code LearningRate} from the optimizer's rate {@code lr}, before warm-up. */
    CodeBlock runtime(double lr);

    /** The canonical spec text of the schedule annotation (with its newline), or "" for none. */
    String specText();

    /** Reads one schedule annotation, given the warm-up epochs. */
    interface Reader {
        ScheduleModel read(TrainingReader r, Annotation a, int warmupEpochs);
    }

    record Kind(Class<? extends java.lang.annotation.Annotation> annotation, Reader reader) {}

    List<Kind> KINDS = List.of(
            new Kind(io.kiln.dsl.StepDecay.class, Step::read),
            new Kind(io.kiln.dsl.ExponentialDecay.class, Exponential::read),
            new Kind(io.kiln.dsl.CosineDecay.class, Cosine::read),
            new Kind(io.kiln.dsl.OneCycle.class, OneCycle::read));

    static List<Class<? extends java.lang.annotation.Annotation>> annotations() {
        return KINDS.stream().<Class<? extends java.lang.annotation.Annotation>>map(Kind::annotation).toList();
    }

    static Kind kindOf(Annotation a) {
        return KINDS.stream().filter(k -> k.annotation().getSimpleName().equals(a.simpleName)).findFirst()
                .orElseThrow();
    }

    /** The optimizer's rate throughout (only warm-up changes it). */
    record Constant(int warmupEpochs) implements ScheduleModel {
        @Override
        public CodeBlock runtime(double lr) {
            return CodeBlock.of("$T.constant($L)", Names.LEARNING_RATE, lr);
        }

        @Override
        public String specText() {
            return "";
        }
    }

    /** {@code @StepDecay}: times {@code factor} every {@code every} epochs. */
    record Step(int every, double factor, int warmupEpochs) implements ScheduleModel {
        static final Attr<Integer> EVERY = Attr.of(io.kiln.dsl.StepDecay.class, io.kiln.dsl.StepDecay::every);
        static final Attr<Double> FACTOR = Attr.of(io.kiln.dsl.StepDecay.class, io.kiln.dsl.StepDecay::factor);

        static Step read(TrainingReader r, Annotation a, int warmupEpochs) {
            int every = a.get(EVERY);
            if (every < 1) {
                r.bounds(a, EVERY, every, "the rate decays every 'every' epochs, at least 1; use e.g. every = 10");
            } else if (r.lr.epochsValid() && every >= r.lr.epochs()) {
                r.context.reporter.warning(a, EVERY, Message.STEP_NEVER_DECAYS.format(every, every, r.lr.epochsText()));
            }
            return new Step(every, r.decayFactor(a, FACTOR), warmupEpochs);
        }

        @Override
        public CodeBlock runtime(double lr) {
            return CodeBlock.of("$T.step($L, $L, $L)", Names.LEARNING_RATE, lr, every, factor);
        }

        @Override
        public String specText() {
            return "@StepDecay(every = " + every + ", factor = " + factor + ")\n";
        }
    }

    /** {@code @ExponentialDecay}: times {@code factor} every epoch. */
    record Exponential(double factor, int warmupEpochs) implements ScheduleModel {
        static final Attr<Double> FACTOR =
                Attr.of(io.kiln.dsl.ExponentialDecay.class, io.kiln.dsl.ExponentialDecay::factor);

        static Exponential read(TrainingReader r, Annotation a, int warmupEpochs) {
            return new Exponential(r.decayFactor(a, FACTOR), warmupEpochs);
        }

        @Override
        public CodeBlock runtime(double lr) {
            return CodeBlock.of("$T.exponential($L, $L)", Names.LEARNING_RATE, lr, factor);
        }

        @Override
        public String specText() {
            return "@ExponentialDecay(factor = " + factor + ")\n";
        }
    }

    /** {@code @CosineDecay}: a half cosine down to {@code minimum} over the run. */
    record Cosine(double minimum, int warmupEpochs) implements ScheduleModel {
        static final Attr<Double> MIN_LEARNING_RATE =
                Attr.of(io.kiln.dsl.CosineDecay.class, io.kiln.dsl.CosineDecay::minLearningRate);

        static Cosine read(TrainingReader r, Annotation a, int warmupEpochs) {
            double minimum = a.get(MIN_LEARNING_RATE);
            if (!(minimum >= 0) || r.lr.lrValid() && minimum >= r.lr.lr()) {
                r.bounds(a, MIN_LEARNING_RATE, minimum, "the rate anneals down to minLearningRate, which must be zero "
                        + "or positive" + r.lr.below() + "; use e.g. minLearningRate = "
                        + TrainingReader.shifted(r.lr.lr(), -2));
            }
            return new Cosine(minimum, warmupEpochs);
        }

        @Override
        public CodeBlock runtime(double lr) {
            return CodeBlock.of("$T.cosine($L, $L)", Names.LEARNING_RATE, lr, minimum);
        }

        @Override
        public String specText() {
            return "@CosineDecay(minLearningRate = " + minimum + ")\n";
        }
    }

    /** {@code @OneCycle}: up to {@code maximum} over the {@code rise} fraction of the run, then down. */
    record OneCycle(double maximum, double rise, int warmupEpochs) implements ScheduleModel {
        static final Attr<Double> MAX_LEARNING_RATE =
                Attr.of(io.kiln.dsl.OneCycle.class, io.kiln.dsl.OneCycle::maxLearningRate);
        static final Attr<Double> RISE = Attr.of(io.kiln.dsl.OneCycle.class, io.kiln.dsl.OneCycle::rise);

        static OneCycle read(TrainingReader r, Annotation a, int warmupEpochs) {
            double maximum = a.get(MAX_LEARNING_RATE);
            if (!(maximum > 0) || Double.isInfinite(maximum) || r.lr.lrValid() && maximum <= r.lr.lr()) {
                r.bounds(a, MAX_LEARNING_RATE, maximum, r.lr.lrValid()
                        ? "the cycle rises from " + r.lr.lrText() + " to maxLearningRate, which must be above it; "
                                + "use e.g. maxLearningRate = " + TrainingReader.shifted(r.lr.lr(), 1)
                        : "maxLearningRate is the peak of the cycle and must be positive");
            }
            double rise = a.get(RISE);
            if (!(rise > 0 && rise < 1)) {
                r.bounds(a, RISE, rise, "rise is the fraction of the run spent rising to the peak, in (0, 1); use e.g. "
                        + "rise = 0.3");
            }
            return new OneCycle(maximum, rise, warmupEpochs);
        }

        @Override
        public CodeBlock runtime(double lr) {
            return CodeBlock.of("$T.oneCycle($L, $L, $L)", Names.LEARNING_RATE, lr, maximum, rise);
        }

        @Override
        public String specText() {
            return "@OneCycle(maxLearningRate = " + maximum + ", rise = " + rise + ")\n";
        }
    }
}
