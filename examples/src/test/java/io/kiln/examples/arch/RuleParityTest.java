package io.kiln.examples.arch;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import io.kiln.dsl.Metric;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import io.kiln.processor.KilnProcessor;
import io.kiln.runtime.CsvSource;
import io.kiln.runtime.EarlyStopping;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.HoldoutProtocol;
import io.kiln.runtime.ImageAugmentation;
import io.kiln.runtime.KFoldProtocol;
import io.kiln.runtime.LabelCoding;
import io.kiln.runtime.LabelSchema;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.SeriesWindow;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One rule, one message id: every rule that both the processor (compile time) and the runtime
 * ({@link ModelDefinition#builder}, the protocol records, {@link SeriesWindow}) enforce is reported
 * with the same {@code [kiln.<id>]} by both. For each rule of {@link #RULES}, a spec that breaks
 * it is compiled with the processor, which must report the id, and the equivalent definition is
 * built by hand, which must throw with the same id. The base spec and the base definition are
 * accepted by both.
 *
 * <p>Adding a rule is one line of {@link #RULES}: its id, the spec's changes and the definition's.
 */
class RuleParityTest {

    /**
     * A shared rule: {@code id}, a spec that breaks it ({@link Spec}: the base spec with some
     * annotations changed) and the definition that breaks it (the base builder, changed).
     */
    record Rule(String id, Spec spec, UnaryOperator<ModelDefinition.Builder> definition) {
        @Override
        public String toString() {
            return id + " " + spec;
        }
    }

    /** The base spec's parts: task, class annotations, fields. */
    record Spec(String task, String classAnnotations, String features, String label, String output) {
        static Spec base() {
            return new Spec("BINARY_CLASSIFICATION", "@Holdout(validation = 0.2, test = 0.2)",
                    "@Feature double a;\n    @Feature double b;", "@Label boolean y;", "@Output Layer out;");
        }

        Spec task(String t) {
            return new Spec(t, classAnnotations, features, label, output);
        }

        Spec annotations(String a) {
            return new Spec(task, a, features, label, output);
        }

        Spec features(String f) {
            return new Spec(task, classAnnotations, f, label, output);
        }

        Spec label(String l) {
            return new Spec(task, classAnnotations, features, l, output);
        }

        Spec output(String o) {
            return new Spec(task, classAnnotations, features, label, o);
        }

        String source() {
            return "package parity;\n\nimport io.kiln.dsl.*;\n\n"
                    + "@Model(task = Task." + task + ")\n"
                    + (classAnnotations.contains("@CsvData") ? "" : "@CsvData(file = \"data.csv\")\n")
                    + classAnnotations + "\n"
                    + "@Adam(learningRate = 0.01)\n"
                    + "@Fit(epochs = 5, batchSize = 8, seed = 1)\n"
                    + "public class ParitySpec {\n"
                    + "    " + features + "\n"
                    + "    " + label + "\n"
                    + "    @Dense(units = 4) Layer hidden;\n"
                    + "    " + output + "\n"
                    + "}\n";
        }
    }

    static final List<Rule> RULES = List.of(
        new Rule("kfold-k", Spec.base().annotations("@KFold(k = 1)"),
                b -> b.protocol(new KFoldProtocol(1, 1, true, true, 0))),
        new Rule("positive", Spec.base().annotations("@KFold(k = 5, repeats = 0)"),
                b -> b.protocol(new KFoldProtocol(5, 0, true, true, 0))),
        new Rule("kfold-repeats-unshuffled", Spec.base().annotations("@KFold(k = 5, repeats = 2, shuffle = false)"),
                b -> b.protocol(new KFoldProtocol(5, 2, true, false, 0))),
        new Rule("needs-validation", Spec.base().annotations("@Holdout(validation = 0, test = 0.2)\n@EarlyStopping"),
                b -> b.protocol(new HoldoutProtocol(0, 0.2, true, true))
                        .earlyStopping(new EarlyStopping(Metric.LOSS, 10, 0, true))),
        new Rule("monitor-metric", Spec.base().annotations(
                        "@Holdout(validation = 0.2, test = 0.2)\n@EarlyStopping(monitor = Metric.MAE)"),
                b -> b.earlyStopping(new EarlyStopping(Metric.MAE, 10, 0, true))),
        new Rule("label-smoothing-task", Spec.base().task("SCALAR_REGRESSION").label("@Label double y;")
                        .output("@Output(labelSmoothing = 0.1) Layer out;"),
                b -> regression(b).labelSmoothing(0.1)),
        new Rule("fraction", Spec.base().output("@Output(labelSmoothing = 1.0) Layer out;"),
                b -> b.labelSmoothing(1.0)),
        new Rule("fraction", Spec.base().label("@Label(threshold = 1.5) boolean y;"),
                b -> b.threshold(1.5)),
        new Rule("test-file-protocol", Spec.base().annotations(
                        "@CsvData(file = \"data.csv\", testFile = \"test.csv\")\n@KFold(k = 5)"),
                b -> b.testData(CsvSource.file(Path.of("test.csv"))).protocol(new KFoldProtocol(5, 1, true, true, 0))),
        new Rule("image-size", Spec.base().annotations("@Holdout(validation = 0.2, test = 0.2)\n@Image(height = 2, width = 2)")
                        .task("MULTICLASS_CLASSIFICATION").label("@Label(classes = {\"x\", \"y\", \"z\"}) int y;"),
                b -> b.image(2, 2, 1)),
        new Rule("augment-needs-image", Spec.base().annotations(
                        "@Holdout(validation = 0.2, test = 0.2)\n@Augment(flipHorizontal = true)"),
                b -> b.augmentation(new ImageAugmentation(true, false, 0, 0, 0))),
        new Rule("series-needs-temporal", Spec.base().task("SCALAR_REGRESSION").label("@Label double y;")
                        .annotations("@Holdout(validation = 0.2, test = 0.2)\n@Series(window = 3)"),
                b -> regression(b).series(new SeriesWindow(3, 1))),
        new Rule("series-window", Spec.base().task("SCALAR_REGRESSION").label("@Label double y;")
                        .annotations("@TemporalSplit(orderBy = \"t\", validation = 0.2, test = 0.2)\n@Series(window = 0)"),
                b -> regression(b).series(new SeriesWindow(0, 1))),
        new Rule("no-features", Spec.base().features(""),
                b -> featureless())
    );

    /** The base definition: the base spec built by hand (a binary label, two numeric features, a holdout). */
    static ModelDefinition.Builder base() {
        return featureless()
                .feature(FeatureSchema.numeric("a", "a", Scaling.STANDARDIZE, Missing.MEAN, ""))
                .feature(FeatureSchema.numeric("b", "b", Scaling.STANDARDIZE, Missing.MEAN, ""));
    }

    /** The base definition without its features. */
    static ModelDefinition.Builder featureless() {
        return ModelDefinition.builder("parity", Task.BINARY_CLASSIFICATION)
                .data(CsvSource.file(Path.of("data.csv")))
                .label(new LabelSchema("y", LabelCoding.BOOLEAN, List.of("y"), List.of("false", "true")))
                .protocol(new HoldoutProtocol(0.2, 0.2, true, true))
                .fit(new FitSettings(5, 8, 1))
                .network((inputs, seed) -> {
                    throw new UnsupportedOperationException("never built");
                });
    }

    /** The base definition for a regression task (a builder's task is fixed, so this starts again). */
    private static ModelDefinition.Builder regression(ModelDefinition.Builder ignored) {
        return ModelDefinition.builder("parity", Task.SCALAR_REGRESSION)
                .data(CsvSource.file(Path.of("data.csv")))
                .feature(FeatureSchema.numeric("a", "a", Scaling.STANDARDIZE, Missing.MEAN, ""))
                .label(new LabelSchema("y", LabelCoding.VALUES, List.of("y"), List.of()))
                .protocol(new HoldoutProtocol(0.2, 0.2, true, true))
                .fit(new FitSettings(5, 8, 1))
                .outputActivationIsIdentity(true)
                .network((inputs, seed) -> {
                    throw new UnsupportedOperationException("never built");
                });
    }

    private static final Pattern ID = Pattern.compile("\\[kiln\\.([a-z0-9-]+)\\]");

    /** The ids of the Kiln errors the processor reports on a spec. */
    static List<String> processorIds(Spec spec) {
        Compilation c = Compiler.javac().withProcessors(new KilnProcessor())
                .compile(JavaFileObjects.forSourceString("parity.ParitySpec", spec.source()));
        return c.errors().stream().map(e -> e.getMessage(Locale.ROOT)).flatMap(m -> {
            Matcher matcher = ID.matcher(m);
            return matcher.find() ? Stream.of(matcher.group(1)) : Stream.empty();
        }).toList();
    }

    /** The id at the start of the runtime's message, or the whole message when it has none. */
    static String runtimeId(UnaryOperator<ModelDefinition.Builder> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> change.apply(base()).build());
        Matcher m = ID.matcher(e.getMessage());
        return m.find() && m.start() == 0 ? m.group(1) : e.getMessage();
    }

    static Stream<Rule> rules() {
        return RULES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void theProcessorAndTheRuntimeReportTheSameId(Rule rule) {
        assertWithMessage("processor on\n%s", rule.spec().source()).that(processorIds(rule.spec()))
                .contains(rule.id());
        assertWithMessage("runtime").that(runtimeId(rule.definition())).isEqualTo(rule.id());
    }

    @Test
    void theBaseSpecAndTheBaseDefinitionAreAccepted() {
        assertThat(processorIds(Spec.base())).isEmpty();
        base().build();
        regression(base()).build();
        assertThat(processorIds(Spec.base().task("SCALAR_REGRESSION").label("@Label double y;"))).isEmpty();
    }
}
