package io.kiln.processor;

import com.palantir.javapoet.CodeBlock;
import io.kiln.dsl.Activation;
import io.kiln.dsl.Loss;
import io.kiln.dsl.Output;
import io.kiln.dsl.Task;
import io.kiln.processor.SpecModel.LabelModel;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code @Output}: the last layer, whose units, activation and loss follow from the task and the
 * label (the table of seed 001). Read as declared, then {@link #resolve resolved} once the label is
 * known.
 */
record OutputLayer(String name, int units, Activation activation, Loss loss, double l1, double l2,
        double labelSmoothing, double learningRate) implements LayerModel {
    static final Attr<Integer> UNITS = Attr.of(Output.class, Output::units);
    static final Attr<Double> LEARNING_RATE = Attr.of(Output.class, Output::learningRate);
    static final Attr<Activation> ACTIVATION = Attr.of(Output.class, Output::activation);
    static final Attr<Loss> LOSS = Attr.of(Output.class, Output::loss);
    static final Attr<Double> L1 = Attr.of(Output.class, Output::l1);
    static final Attr<Double> L2 = Attr.of(Output.class, Output::l2);
    static final Attr<Double> LABEL_SMOOTHING = Attr.of(Output.class, Output::labelSmoothing);

    static OutputLayer read(LayerReading r) {
        double smoothing = r.get(LABEL_SMOOTHING);
        if (!(smoothing >= 0 && smoothing < 1)) {
            r.error(LABEL_SMOOTHING, Message.FRACTION.format("labelSmoothing", "[0, 1)",
                    ReadContext.number(smoothing), "labelSmoothing = 0.1"));
        }
        return new OutputLayer(r.name, r.get(UNITS), r.get(ACTIVATION), r.get(LOSS), r.penalty(L1), r.penalty(L2),
                smoothing, r.rate(LEARNING_RATE));
    }

    /** Units, activation and loss of the output layer {@code a} against the task and the label. */
    static void check(ReadContext context, Annotation a, Task task, LabelModel label) {
        int units = a.get(UNITS);
        int needed = label.outputUnits(task);
        if (units < 0) {
            context.reporter.error(a, UNITS, Message.UNITS_POSITIVE.format(units));
        } else if (units != 0 && units != needed) {
            String why = switch (task) {
                // The label may declare fewer than two classes here (already reported as classes-count).
                case BINARY_CLASSIFICATION -> label.classes().size() == 2
                        ? "one sigmoid unit gives the probability of class \"" + label.classes().get(1) + "\""
                        : "one sigmoid unit gives the probability of the second class";
                case MULTICLASS_CLASSIFICATION, MULTILABEL_CLASSIFICATION -> "one unit per class of label '"
                        + label.name() + "'";
                default -> "one unit per target of label '" + label.name() + "'";
            };
            context.reporter.error(a, UNITS, Message.OUTPUT_UNITS.format(units, task, needed, why, needed));
        }
        Activation activation = a.get(ACTIVATION);
        Activation defaultActivation = defaultActivation(task);
        String activationProblem = activationProblem(task, activation);
        if (activationProblem != null) {
            context.reporter.error(a, ACTIVATION, Message.ACTIVATION_TASK.format(task, activation,
                    activationProblem, defaultActivation));
        }
        double smoothing = a.get(LABEL_SMOOTHING);
        if (smoothing > 0 && smoothing < 1 && !task.isClassification()) {
            context.reporter.error(a, LABEL_SMOOTHING, Message.LABEL_SMOOTHING_TASK.format(task));
        }
        Loss loss = a.get(LOSS);
        String lossProblem = lossProblem(task, loss, activation == Activation.DEFAULT ? defaultActivation : activation);
        if (lossProblem != null) {
            context.reporter.error(a, LOSS, Message.LOSS_TASK.format(task, loss, lossProblem, defaultLoss(task)));
        }
    }

    /** This layer with the task's units, and its activation and loss where they were left to default. */
    OutputLayer resolve(Task task, LabelModel label) {
        return new OutputLayer(name, label.outputUnits(task),
                activation == Activation.DEFAULT ? defaultActivation(task) : activation,
                loss == Loss.DEFAULT ? defaultLoss(task) : loss, l1, l2, labelSmoothing, learningRate);
    }

    static Activation defaultActivation(Task task) {
        return switch (task) {
            case BINARY_CLASSIFICATION, MULTILABEL_CLASSIFICATION -> Activation.SIGMOID;
            case MULTICLASS_CLASSIFICATION -> Activation.SOFTMAX;
            case SCALAR_REGRESSION, VECTOR_REGRESSION -> Activation.IDENTITY;
        };
    }

    static Loss defaultLoss(Task task) {
        return switch (task) {
            case BINARY_CLASSIFICATION, MULTILABEL_CLASSIFICATION -> Loss.BINARY_CROSS_ENTROPY;
            case MULTICLASS_CLASSIFICATION -> Loss.CATEGORICAL_CROSS_ENTROPY;
            case SCALAR_REGRESSION, VECTOR_REGRESSION -> Loss.MEAN_SQUARED_ERROR;
        };
    }

    private static String activationProblem(Task task, Activation activation) {
        if (activation == Activation.DEFAULT) {
            return null;
        }
        return switch (task) {
            case BINARY_CLASSIFICATION -> activation == Activation.SIGMOID ? null : activation == Activation.SOFTMAX
                    ? "a softmax over one unit is always 1; two exclusive classes use one sigmoid unit "
                            + "(or declare MULTICLASS_CLASSIFICATION for a softmax)"
                    : "binary classification outputs a probability, which only SIGMOID gives";
            case MULTILABEL_CLASSIFICATION -> activation == Activation.SIGMOID ? null : activation == Activation.SOFTMAX
                    ? "softmax makes the labels compete for one unit of probability, but multilabel labels are "
                            + "independent; each needs its own sigmoid"
                    : "each label needs an independent probability, which only SIGMOID gives";
            case MULTICLASS_CLASSIFICATION -> activation == Activation.SOFTMAX ? null : activation == Activation.SIGMOID
                    ? "independent sigmoids do not sum to 1 over exclusive classes (that is MULTILABEL_CLASSIFICATION); "
                            + "single-label multiclass needs SOFTMAX"
                    : "exclusive classes need a probability distribution, which only SOFTMAX gives";
            case SCALAR_REGRESSION, VECTOR_REGRESSION -> activation == Activation.SOFTMAX
                    ? "softmax turns the outputs into class probabilities summing to 1, not values"
                    : null;
        };
    }

    private static final Set<Activation> NON_NEGATIVE = EnumSet.of(Activation.SOFTPLUS, Activation.RELU);

    private static String lossProblem(Task task, Loss loss, Activation activation) {
        if (loss == Loss.DEFAULT) {
            return null;
        }
        boolean regressionLoss = EnumSet.of(Loss.MEAN_SQUARED_ERROR, Loss.MEAN_ABSOLUTE_ERROR,
                Loss.MEAN_SQUARED_LOGARITHMIC_ERROR, Loss.POISSON).contains(loss);
        return switch (task) {
            case BINARY_CLASSIFICATION, MULTILABEL_CLASSIFICATION -> loss == Loss.BINARY_CROSS_ENTROPY ? null
                    : regressionLoss
                            ? "it is a regression loss; classification is trained on the log loss of its probabilities"
                            : "categorical losses assume one softmax distribution over exclusive classes; independent "
                                    + "sigmoid outputs use BINARY_CROSS_ENTROPY";
            case MULTICLASS_CLASSIFICATION -> loss == Loss.CATEGORICAL_CROSS_ENTROPY || loss == Loss.KL_DIVERGENCE
                    ? null
                    : regressionLoss
                            ? "it is a regression loss; classification is trained on the log loss of its probabilities"
                            : "binary cross-entropy treats each class as an independent yes/no label; exclusive "
                                    + "classes use CATEGORICAL_CROSS_ENTROPY";
            case SCALAR_REGRESSION, VECTOR_REGRESSION -> {
                if (!regressionLoss) {
                    yield "cross-entropy and divergence losses compare probabilities; regression compares values";
                }
                if ((loss == Loss.POISSON || loss == Loss.MEAN_SQUARED_LOGARITHMIC_ERROR)
                        && !NON_NEGATIVE.contains(activation)) {
                    yield "it needs non-negative predictions, which a " + activation
                            + " output does not guarantee; set activation = SOFTPLUS";
                }
                yield null;
            }
        };
    }

    @Override
    public String annotation() {
        return "Output";
    }

    @Override
    public boolean hasWeights() {
        return true;
    }

    @Override
    public Shapes.Shape afterTokens(Shapes.Tokens tokens, Shapes.Walk walk) {
        walk.flattener = this;
        return new Shapes.Flat(units);
    }

    @Override
    public Shapes.Step infer(Shapes.Walk walk) {
        return DenseLayer.fullyConnected(this, units, walk);
    }

    @Override
    public void write(NetworkWriter writer, NetworkWriter.Context c) {
        writer.layer(this, CodeBlock.of("new $T.Builder($T.$L).name($S).nOut($L).activation($T.$L)$L.build()",
                Names.OUTPUT_LAYER, Names.LOSS_FUNCTION, NetworkGenerator.dl4j(loss), name, units,
                Names.ND4J_ACTIVATION, NetworkGenerator.dl4j(activation), c.penalties().layerCalls(this)), false);
    }

    @Override
    public String detail() {
        return activation.name() + ", loss " + loss.name();
    }

    @Override
    public String specText() {
        return "Output(units = " + units + ", activation = " + activation + ", loss = " + loss
                + SpecText.penalties(this) + (labelSmoothing > 0 ? ", labelSmoothing = " + labelSmoothing : "") + ")";
    }
}
