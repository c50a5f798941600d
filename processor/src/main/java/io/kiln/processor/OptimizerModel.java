package io.kiln.processor;

import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The optimizer: one record per optimizer annotation, each with its reading and checks, its DL4J
 * updater and its canonical spec text; {@link #KINDS} is the one table of them. Without an
 * optimizer annotation a spec trains with {@link #DEFAULT}.
 */
sealed interface OptimizerModel {
    double learningRate();

    /** The decoupled weight decay the optimizer applies itself (AdamW), else 0. */
    default double weightDecay() {
        return 0;
    }

    /** Whether the optimizer owns the decoupled weight decay (AdamW), so {@code @Regularization} may not add one. */
    default boolean decouplesDecay() {
        return false;
    }

    /** The DL4J updater. */
    CodeBlock updater();

    /** This optimizer at another learning rate (a layer's own). */
    OptimizerModel withLearningRate(double rate);

    /** The canonical spec text, after {@code @Optimizer(}: the kind and its values. */
    String specText();

    /** Adam with its usual defaults. */
    OptimizerModel DEFAULT = new Adam(0.001, 0.9, 0.999, 1e-8);

    /** An optimizer annotation, its learning-rate attribute and its reader. */
    record Kind(Class<? extends java.lang.annotation.Annotation> annotation, Attr<Double> learningRate,
            BiFunction<ReadContext, Annotation, OptimizerModel> reader) {}

    List<Kind> KINDS = List.of(
            new Kind(io.kiln.dsl.Sgd.class, Sgd.LEARNING_RATE, Sgd::read),
            new Kind(io.kiln.dsl.Adam.class, Adam.LEARNING_RATE, Adam::read),
            new Kind(io.kiln.dsl.AdamW.class, AdamW.LEARNING_RATE, AdamW::read),
            new Kind(io.kiln.dsl.RmsProp.class, RmsProp.LEARNING_RATE, RmsProp::read),
            new Kind(io.kiln.dsl.AdaGrad.class, AdaGrad.LEARNING_RATE, AdaGrad::read));

    static boolean isOptimizer(Class<?> annotation) {
        return KINDS.stream().anyMatch(k -> k.annotation() == annotation);
    }

    static boolean isOptimizer(String qualifiedName) {
        return KINDS.stream().anyMatch(k -> k.annotation().getName().equals(qualifiedName));
    }

    /** The optimizer annotation's simple name, or null when {@code simpleName} names none. */
    static Kind named(String simpleName) {
        return KINDS.stream().filter(k -> k.annotation().getSimpleName().equals(simpleName)).findFirst().orElse(null);
    }

    static Kind kindOf(Annotation a) {
        return KINDS.stream().filter(k -> k.annotation().getSimpleName().equals(a.simpleName)).findFirst()
                .orElseThrow();
    }

    /** {@code @Sgd}: plain, with classical momentum, or Nesterov's. */
    record Sgd(double learningRate, double momentum, boolean nesterov) implements OptimizerModel {
        static final Attr<Double> LEARNING_RATE = Attr.of(io.kiln.dsl.Sgd.class, io.kiln.dsl.Sgd::learningRate);
        static final Attr<Double> MOMENTUM = Attr.of(io.kiln.dsl.Sgd.class, io.kiln.dsl.Sgd::momentum);
        static final Attr<Boolean> NESTEROV = Attr.of(io.kiln.dsl.Sgd.class, io.kiln.dsl.Sgd::nesterov);

        static Sgd read(ReadContext c, Annotation a) {
            c.positive(a, LEARNING_RATE);
            double momentum = a.get(MOMENTUM);
            c.fraction(a, MOMENTUM);
            boolean nesterov = a.get(NESTEROV);
            if (nesterov && momentum == 0) {
                c.reporter.error(a, NESTEROV, Message.NESTEROV_NEEDS_MOMENTUM.format());
            }
            return new Sgd(a.get(LEARNING_RATE), momentum, nesterov && momentum != 0);
        }

        private String kind() {
            return momentum == 0 ? "SGD" : nesterov ? "NESTEROV" : "MOMENTUM";
        }

        @Override
        public Sgd withLearningRate(double rate) {
            return new Sgd(rate, momentum, nesterov);
        }

        @Override
        public CodeBlock updater() {
            if (momentum == 0) {
                return CodeBlock.of("new $T($L)", Names.updater("Sgd"), learningRate);
            }
            return CodeBlock.of("new $T($L, $L)", nesterov ? Names.updater("Nesterovs") : Names.MOMENTUM, learningRate,
                    momentum);
        }

        @Override
        public String specText() {
            return kind() + ", learningRate = " + learningRate + (momentum == 0 ? "" : ", momentum = " + momentum);
        }
    }

    /** {@code @Adam}. */
    record Adam(double learningRate, double beta1, double beta2, double epsilon) implements OptimizerModel {
        static final Attr<Double> LEARNING_RATE = Attr.of(io.kiln.dsl.Adam.class, io.kiln.dsl.Adam::learningRate);
        static final Attr<Double> BETA1 = Attr.of(io.kiln.dsl.Adam.class, io.kiln.dsl.Adam::beta1);
        static final Attr<Double> BETA2 = Attr.of(io.kiln.dsl.Adam.class, io.kiln.dsl.Adam::beta2);
        static final Attr<Double> EPSILON = Attr.of(io.kiln.dsl.Adam.class, io.kiln.dsl.Adam::epsilon);

        static Adam read(ReadContext c, Annotation a) {
            c.positive(a, LEARNING_RATE);
            c.fraction(a, BETA1);
            c.fraction(a, BETA2);
            c.positive(a, EPSILON);
            return new Adam(a.get(LEARNING_RATE), a.get(BETA1), a.get(BETA2), a.get(EPSILON));
        }

        @Override
        public Adam withLearningRate(double rate) {
            return new Adam(rate, beta1, beta2, epsilon);
        }

        @Override
        public CodeBlock updater() {
            return adam(learningRate, beta1, beta2, epsilon);
        }

        @Override
        public String specText() {
            return "ADAM, learningRate = " + learningRate + ", beta1 = " + beta1 + ", beta2 = " + beta2
                    + ", epsilon = " + epsilon;
        }
    }

    private static CodeBlock adam(double learningRate, double beta1, double beta2, double epsilon) {
        return CodeBlock.of("new $T($L, $L, $L, $L)", Names.updater("Adam"), learningRate, beta1, beta2, epsilon);
    }

    /** {@code @AdamW}: Adam with decoupled weight decay, written on each layer. */
    record AdamW(double learningRate, double beta1, double beta2, double epsilon, double weightDecay)
            implements OptimizerModel {
        static final Attr<Double> LEARNING_RATE = Attr.of(io.kiln.dsl.AdamW.class, io.kiln.dsl.AdamW::learningRate);
        static final Attr<Double> BETA1 = Attr.of(io.kiln.dsl.AdamW.class, io.kiln.dsl.AdamW::beta1);
        static final Attr<Double> BETA2 = Attr.of(io.kiln.dsl.AdamW.class, io.kiln.dsl.AdamW::beta2);
        static final Attr<Double> EPSILON = Attr.of(io.kiln.dsl.AdamW.class, io.kiln.dsl.AdamW::epsilon);
        static final Attr<Double> WEIGHT_DECAY = Attr.of(io.kiln.dsl.AdamW.class, io.kiln.dsl.AdamW::weightDecay);

        static AdamW read(ReadContext c, Annotation a) {
            c.positive(a, LEARNING_RATE);
            c.fraction(a, BETA1);
            c.fraction(a, BETA2);
            c.positive(a, EPSILON);
            double weightDecay = a.get(WEIGHT_DECAY);
            if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
                c.reporter.error(a, WEIGHT_DECAY, Message.NOT_NEGATIVE.format("weightDecay",
                        ReadContext.number(weightDecay), ReadContext.example(a, WEIGHT_DECAY, x -> x >= 0, "0.01")));
            }
            return new AdamW(a.get(LEARNING_RATE), a.get(BETA1), a.get(BETA2), a.get(EPSILON), weightDecay);
        }

        @Override
        public boolean decouplesDecay() {
            return true;
        }

        @Override
        public AdamW withLearningRate(double rate) {
            return new AdamW(rate, beta1, beta2, epsilon, weightDecay);
        }

        @Override
        public CodeBlock updater() {
            return adam(learningRate, beta1, beta2, epsilon);
        }

        @Override
        public String specText() {
            return "ADAMW, learningRate = " + learningRate + ", beta1 = " + beta1 + ", beta2 = " + beta2
                    + ", epsilon = " + epsilon + ", weightDecay = " + weightDecay;
        }
    }

    /** {@code @RmsProp}. */
    record RmsProp(double learningRate, double decay, double epsilon) implements OptimizerModel {
        static final Attr<Double> LEARNING_RATE = Attr.of(io.kiln.dsl.RmsProp.class, io.kiln.dsl.RmsProp::learningRate);
        static final Attr<Double> DECAY = Attr.of(io.kiln.dsl.RmsProp.class, io.kiln.dsl.RmsProp::decay);
        static final Attr<Double> EPSILON = Attr.of(io.kiln.dsl.RmsProp.class, io.kiln.dsl.RmsProp::epsilon);

        static RmsProp read(ReadContext c, Annotation a) {
            c.positive(a, LEARNING_RATE);
            c.fraction(a, DECAY);
            c.positive(a, EPSILON);
            return new RmsProp(a.get(LEARNING_RATE), a.get(DECAY), a.get(EPSILON));
        }

        @Override
        public RmsProp withLearningRate(double rate) {
            return new RmsProp(rate, decay, epsilon);
        }

        @Override
        public CodeBlock updater() {
            return CodeBlock.of("new $T($L, $L, $L)", Names.updater("RmsProp"), learningRate, decay, epsilon);
        }

        @Override
        public String specText() {
            return "RMSPROP, learningRate = " + learningRate + ", decay = " + decay + ", epsilon = " + epsilon;
        }
    }

    /** {@code @AdaGrad}. */
    record AdaGrad(double learningRate, double epsilon) implements OptimizerModel {
        static final Attr<Double> LEARNING_RATE = Attr.of(io.kiln.dsl.AdaGrad.class, io.kiln.dsl.AdaGrad::learningRate);
        static final Attr<Double> EPSILON = Attr.of(io.kiln.dsl.AdaGrad.class, io.kiln.dsl.AdaGrad::epsilon);

        static AdaGrad read(ReadContext c, Annotation a) {
            c.positive(a, LEARNING_RATE);
            c.positive(a, EPSILON);
            return new AdaGrad(a.get(LEARNING_RATE), a.get(EPSILON));
        }

        @Override
        public AdaGrad withLearningRate(double rate) {
            return new AdaGrad(rate, epsilon);
        }

        @Override
        public CodeBlock updater() {
            return CodeBlock.of("new $T($L, $L)", Names.updater("AdaGrad"), learningRate, epsilon);
        }

        @Override
        public String specText() {
            return "ADAGRAD, learningRate = " + learningRate + ", epsilon = " + epsilon;
        }
    }
}
