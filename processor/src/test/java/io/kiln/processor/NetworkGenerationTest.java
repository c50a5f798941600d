package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.processor.KilnTesting.assertAccepted;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generatedFiles;
import static io.kiln.processor.KilnTesting.generated;
import static io.kiln.processor.KilnTesting.spec;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.CompilationSubject;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Valid specs exercising every feature kind, optimizer and layer: the processor accepts them and
 * the generated configuration, trainer and predictor say what the spec declared.
 */
class NetworkGenerationTest {

    /** A binary spec with the given class annotation lines (before the class) and hidden layers. */
    private static JavaFileObject binary(String[] classAnnotations, String... hiddenLayers) {
        String[] lines = new String[classAnnotations.length + hiddenLayers.length + 7];
        int i = 0;
        lines[i++] = "@Model(task = Task.BINARY_CLASSIFICATION)";
        for (String a : classAnnotations) {
            lines[i++] = a;
        }
        lines[i++] = "class Spam {";
        lines[i++] = "    @Feature double length;";
        lines[i++] = "    @Label boolean spam;";
        for (String l : hiddenLayers) {
            lines[i++] = l;
        }
        lines[i++] = "    @Output Layer out;";
        lines[i++] = "}";
        lines[i] = "";
        return spec("Spam", lines);
    }

    private static String network(String... classAnnotations) {
        Compilation c = compile(binary(classAnnotations, "    @Dense(units = 8) Layer hidden;"));
        assertAccepted(c, "test.Spam");
        return generated(c, "test.SpamNetwork");
    }

    // ------------------------------------------------------------------ optimizers

    @Test
    void defaultOptimizerIsAdamAtOneThousandth() {
        String network = network();
        assertThat(network).contains(".updater(new Adam(0.001, 0.9, 0.999, 1.0E-8))");
        assertThat(network).contains("import org.nd4j.linalg.learning.config.Adam;");
        assertThat(network).doesNotContain("weightDecay");
    }

    @Test
    void plainSgdUsesSgdUpdater() {
        String network = network("@Sgd(learningRate = 0.1)");
        assertThat(network).contains(".updater(new Sgd(0.1))");
        assertThat(network).contains("import org.nd4j.linalg.learning.config.Sgd;");
    }

    @Test
    void sgdWithMomentumUsesRuntimeMomentumUpdater() {
        String network = network("@Sgd(learningRate = 0.05, momentum = 0.9)");
        assertThat(network).contains(".updater(new Momentum(0.05, 0.9))");
        assertThat(network).contains("import io.kiln.runtime.Momentum;");
        assertThat(network).doesNotContain("Nesterovs");
    }

    @Test
    void sgdWithNesterovUsesNesterovsUpdater() {
        String network = network("@Sgd(learningRate = 0.05, momentum = 0.8, nesterov = true)");
        assertThat(network).contains(".updater(new Nesterovs(0.05, 0.8))");
        assertThat(network).contains("import org.nd4j.linalg.learning.config.Nesterovs;");
    }

    @Test
    void adamPassesEveryHyperparameter() {
        String network = network("@Adam(learningRate = 0.01, beta1 = 0.8, beta2 = 0.99, epsilon = 1e-7)");
        assertThat(network).contains(".updater(new Adam(0.01, 0.8, 0.99, 1.0E-7))");
        assertThat(network).doesNotContain("weightDecay");
    }

    /** Per layer: DL4J 1.0.0-M2.1 applies a global weightDecay twice to layers without their own regularization. */
    @Test
    void adamWAddsDecoupledWeightDecayToEachWeightLayer() {
        String network = network("@AdamW(learningRate = 0.002, weightDecay = 0.05)");
        assertThat(network).contains(".updater(new Adam(0.002, 0.9, 0.999, 1.0E-8)) .weightInit(WeightInit.XAVIER)");
        assertThat(network).contains(".activation(Activation.RELU).weightInit(WeightInit.RELU).weightDecay(0.05, true)"
                + ".build()");
        assertThat(network).contains(".activation(Activation.SIGMOID).weightDecay(0.05, true).build()");
    }

    @Test
    void adamWDefaultWeightDecayIsOneHundredth() {
        String network = network("@AdamW");
        assertThat(network).contains(".weightDecay(0.01, true)");
    }

    @Test
    void rmsPropPassesDecayAndEpsilon() {
        String network = network("@RmsProp(learningRate = 0.002, decay = 0.9)");
        assertThat(network).contains(".updater(new RmsProp(0.002, 0.9, 1.0E-8))");
        assertThat(network).contains("import org.nd4j.linalg.learning.config.RmsProp;");
    }

    @Test
    void adaGradPassesEpsilon() {
        String network = network("@AdaGrad(learningRate = 0.05)");
        assertThat(network).contains(".updater(new AdaGrad(0.05, 1.0E-6))");
        assertThat(network).contains("import org.nd4j.linalg.learning.config.AdaGrad;");
    }

    // ------------------------------------------------------------------ layers

    @Test
    void networkAlwaysDeclaresItsInputType() {
        String network = network();
        assertThat(network).contains("public static MultiLayerConfiguration configuration(int numInputs, long seed)");
        assertThat(network).contains(".seed(seed)");
        assertThat(network).contains(".setInputType(InputType.feedForward(numInputs)) .build();");
    }

    @Test
    void hiddenLayersAreGeneratedInSourceOrder() {
        Compilation c = compile(binary(new String[0],
                "    @Dense(units = 32) Layer first;",
                "    @BatchNorm Layer norm;",
                "    @Dropout(rate = 0.2) Layer drop;",
                "    @Dense(units = 16, activation = Activation.TANH) Layer second;"));
        assertAccepted(c, "test.Spam");
        assertThat(generated(c, "test.SpamNetwork")).contains(".list() "
                + ".layer(new DenseLayer.Builder().name(\"first\").nOut(32).activation(Activation.RELU)"
                + ".weightInit(WeightInit.RELU).build()) "
                + ".layer(new BatchNormalization.Builder().name(\"norm\").decay(0.9).eps(1.0E-5).build()) "
                + ".layer(new DropoutLayer.Builder(0.8).name(\"drop\").build()) "
                + ".layer(new DenseLayer.Builder().name(\"second\").nOut(16).activation(Activation.TANH).build()) "
                + ".layer(new OutputLayer.Builder(LossFunctions.LossFunction.XENT).name(\"out\").nOut(1)"
                + ".activation(Activation.SIGMOID).build()) "
                + ".setInputType(InputType.feedForward(numInputs))");
    }

    @Test
    void dropoutTakesTheKeepProbability() {
        Compilation c = compile(binary(new String[0],
                "    @Dropout(rate = 0.1) Layer a;",
                "    @Dense(units = 4) Layer d1;",
                "    @Dropout(rate = 0.35) Layer b;",
                "    @Dense(units = 4) Layer d2;",
                "    @Dropout(rate = 0) Layer c;"));
        assertAccepted(c, "test.Spam");
        String network = generated(c, "test.SpamNetwork");
        assertThat(network).contains("new DropoutLayer.Builder(0.9).name(\"a\")");
        assertThat(network).contains("new DropoutLayer.Builder(0.65).name(\"b\")");
        assertThat(network).contains("new DropoutLayer.Builder(1).name(\"c\")");
    }

    @Test
    void batchNormPassesDecayAndEpsilon() {
        Compilation c = compile(binary(new String[0], "    @BatchNorm(decay = 0.99, epsilon = 1e-3) Layer norm;"));
        assertAccepted(c, "test.Spam");
        assertThat(generated(c, "test.SpamNetwork"))
                .contains("new BatchNormalization.Builder().name(\"norm\").decay(0.99).eps(0.001).build()");
    }

    @Test
    void hiddenActivationsMapToDl4jNames() {
        Compilation c = compile(binary(new String[0],
                "    @Dense(units = 4, activation = Activation.LEAKY_RELU) Layer leaky;",
                "    @Dense(units = 4, activation = Activation.HARD_SIGMOID) Layer hard;",
                "    @Dense(units = 4, activation = Activation.GELU) Layer gelu;"));
        assertAccepted(c, "test.Spam");
        String network = generated(c, "test.SpamNetwork");
        assertThat(network).contains("name(\"leaky\").nOut(4).activation(Activation.LEAKYRELU)"
                + ".weightInit(WeightInit.RELU)");
        assertThat(network).contains("name(\"hard\").nOut(4).activation(Activation.HARDSIGMOID).build()");
        assertThat(network).contains("name(\"gelu\").nOut(4).activation(Activation.GELU).build()");
    }

    // ------------------------------------------------------------------ features and predictor input

    @Test
    void everyFeatureKindIsTypedInThePredictorInput() {
        JavaFileObject spec = spec("Shop",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Shop {",
                "    enum Size { SMALL, MEDIUM, LARGE }",
                "    @Feature double age;",
                "    @Feature float weight;",
                "    @Feature int visits;",
                "    @Feature long id;",
                "    @Feature boolean member;",
                "    @Feature(levels = {\"red\", \"green\"}) String color;",
                "    @Feature String city;",
                "    @Feature Size size;",
                "    @Feature Integer count;",
                "    @Feature Double score;",
                "    @Feature Boolean active;",
                "    @Label boolean buys;",
                "    @Dense(units = 8) Layer hidden;",
                "    @Output Layer out;",
                "}");
        Compilation c = compile(spec);
        assertAccepted(c, "test.Shop");
        String predictor = generated(c, "test.ShopPredictor");
        assertThat(predictor).contains("public record Input(double age, float weight, int visits, long id, "
                + "boolean member, String color, String city, Shop.Size size, Integer count, Double score, "
                + "Boolean active)");
        assertThat(predictor).contains("List.of(\"age\", \"weight\", \"visits\", \"id\", \"member\", \"color\", "
                + "\"city\", \"size\", \"count\", \"score\", \"active\")");
        assertThat(predictor).contains("rows[i] = new Object[] {in.age(), in.weight(), in.visits(), in.id(), "
                + "in.member(), in.color(), in.city(), in.size(), in.count(), in.score(), in.active()};");

        String trainer = generated(c, "test.ShopTrainer");
        assertThat(trainer).contains(
                ".feature(FeatureSchema.numeric(\"age\", \"age\", Scaling.STANDARDIZE, Missing.MEAN, \"\"))");
        assertThat(trainer).contains(
                ".feature(FeatureSchema.numeric(\"count\", \"count\", Scaling.STANDARDIZE, Missing.MEAN, \"\"))");
        assertThat(trainer).contains(
                ".feature(FeatureSchema.bool(\"member\", \"member\", Missing.MOST_FREQUENT, \"\"))");
        assertThat(trainer).contains(
                ".feature(FeatureSchema.bool(\"active\", \"active\", Missing.MOST_FREQUENT, \"\"))");
        assertThat(trainer).contains(".feature(FeatureSchema.categorical(\"color\", \"color\", "
                + "List.of(\"red\", \"green\"), Encoding.ONE_HOT, Scaling.NONE, Missing.MISSING_CATEGORY, \"\"))");
        assertThat(trainer).contains(".feature(FeatureSchema.categorical(\"city\", \"city\", List.of(), "
                + "Encoding.ONE_HOT, Scaling.NONE, Missing.MISSING_CATEGORY, \"\"))");
        assertThat(trainer).contains(".feature(FeatureSchema.categorical(\"size\", \"size\", "
                + "List.of(\"SMALL\", \"MEDIUM\", \"LARGE\"), Encoding.ONE_HOT, Scaling.NONE, "
                + "Missing.MISSING_CATEGORY, \"\"))");
    }

    @Test
    void featureSettingsOverrideThePreprocessingDefaults() {
        JavaFileObject spec = spec("Shop",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "@Preprocessing(scaling = Scaling.MIN_MAX, numericMissing = Missing.MEDIAN,",
                "    categoricalMissing = Missing.MOST_FREQUENT, booleanMissing = Missing.ERROR)",
                "class Shop {",
                "    @Feature double age;",
                "    @Feature(column = \"kg\", scaling = Scaling.NONE, missing = Missing.CONSTANT, constant = \"70\")",
                "    double weight;",
                "    @Feature boolean member;",
                "    @Feature(levels = {\"S\", \"M\", \"L\"}, encoding = Encoding.ORDINAL) String size;",
                "    @Feature(missing = Missing.CONSTANT, constant = \"unknown\") String city;",
                "    @Label boolean buys;",
                "    @Output Layer out;",
                "}");
        Compilation c = compile(spec);
        assertAccepted(c, "test.Shop");
        String trainer = generated(c, "test.ShopTrainer");
        assertThat(trainer).contains("FeatureSchema.numeric(\"age\", \"age\", Scaling.MIN_MAX, Missing.MEDIAN, \"\")");
        assertThat(trainer)
                .contains("FeatureSchema.numeric(\"weight\", \"kg\", Scaling.NONE, Missing.CONSTANT, \"70\")");
        assertThat(trainer).contains("FeatureSchema.bool(\"member\", \"member\", Missing.ERROR, \"\")");
        // An ordinal feature is scaled like a numeric one; MOST_FREQUENT is a valid ordinal default.
        assertThat(trainer).contains("FeatureSchema.categorical(\"size\", \"size\", List.of(\"S\", \"M\", \"L\"), "
                + "Encoding.ORDINAL, Scaling.MIN_MAX, Missing.MOST_FREQUENT, \"\")");
        assertThat(trainer).contains("FeatureSchema.categorical(\"city\", \"city\", List.of(), Encoding.ONE_HOT, "
                + "Scaling.NONE, Missing.CONSTANT, \"unknown\")");
    }

    @Test
    void ordinalFeatureFallsBackFromMissingCategoryToMostFrequent() {
        JavaFileObject spec = spec("Shop",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "class Shop {",
                "    @Feature(levels = {\"S\", \"M\", \"L\"}, encoding = Encoding.ORDINAL) String size;",
                "    @Label boolean buys;",
                "    @Output Layer out;",
                "}");
        Compilation c = compile(spec);
        assertAccepted(c, "test.Shop");
        assertThat(generated(c, "test.ShopTrainer")).contains("Encoding.ORDINAL, Scaling.STANDARDIZE, "
                + "Missing.MOST_FREQUENT, \"\")");
    }

    // ------------------------------------------------------------------ trainer settings

    @Test
    void trainerCarriesDataHoldoutFitAndName() {
        JavaFileObject spec = spec("Spam",
                "@Model(task = Task.BINARY_CLASSIFICATION, name = \"spam-filter\")",
                "@CsvData(resource = \"spam.csv\")",
                "@Holdout(validation = 0.1, test = 0.3, stratified = false)",
                "@Fit(epochs = 5, batchSize = 64, seed = 7)",
                "class Spam {",
                "    @Feature double length;",
                "    @Label boolean spam;",
                "    @Output Layer out;",
                "}");
        Compilation c = compile(spec);
        assertAccepted(c, "test.Spam");
        String trainer = generated(c, "test.SpamTrainer");
        assertThat(trainer).contains("ModelDefinition.builder(\"spam-filter\", Task.BINARY_CLASSIFICATION)");
        assertThat(trainer).contains(".data(CsvSource.resource(Spam.class, \"spam.csv\").header(true)"
                + ".delimiter(',').missingValues(List.of(\"?\", \"NA\", \"NaN\")))");
        assertThat(trainer).contains(".protocol(new HoldoutProtocol(0.1, 0.3, false, true, false))");
        assertThat(trainer).contains(".fit(new FitSettings(5, 64, 7L))");
        assertThat(trainer).contains(".network(SpamNetwork::configuration)");
        assertThat(generated(c, "test.SpamPredictor")).contains("Path.of(\"spam-filter.kiln\")");
    }

    @Test
    void trainerReadsAFileWithTabs() {
        JavaFileObject spec = spec("Spam",
                "@Model(task = Task.BINARY_CLASSIFICATION)",
                "@CsvData(file = \"data/spam.tsv\", header = false, delimiter = '\\t', missingValues = {})",
                "class Spam {",
                "    @Feature double length;",
                "    @Label boolean spam;",
                "    @Output Layer out;",
                "}");
        Compilation c = compile(spec);
        assertAccepted(c, "test.Spam");
        assertThat(generated(c, "test.SpamTrainer")).contains(".data(CsvSource.file(\"data/spam.tsv\")"
                + ".header(false).delimiter('\\t').missingValues(List.of()))");
    }

    @Test
    void specWithoutDataDeclaresNoSource() {
        Compilation c = compile(binary(new String[0]));
        assertAccepted(c, "test.Spam");
        String trainer = generated(c, "test.SpamTrainer");
        assertThat(trainer).doesNotContain(".data(");
        assertThat(trainer).contains(".protocol(new HoldoutProtocol(0.2, 0.2, true, true, false))");
        assertThat(trainer).contains(".fit(new FitSettings(100, 32, 42L))");
        assertThat(trainer).contains("ModelDefinition.builder(\"spam\", Task.BINARY_CLASSIFICATION)");
    }

    @Test
    void generatedTypesAreMarkedGenerated() {
        Compilation c = compile(binary(new String[0]));
        assertAccepted(c, "test.Spam");
        for (String kind : KilnTesting.GENERATED_KINDS) {
            assertThat(generated(c, "test.Spam" + kind)).contains("@Generated( value = \"io.kiln.processor."
                    + "KilnProcessor\", comments = \"Kiln generated code: see docs/generated-code.md\" )");
        }
        assertThat(generated(c, "test.SpamMain"))
                .contains("System.exit(KilnCli.run(SpamTrainer.DEFINITION, args));");
    }

    // ------------------------------------------------------------------ nested specs

    @Test
    void nestedStaticSpecGeneratesOuterInnerPrefixedTypes() {
        JavaFileObject spec = spec("Outer",
                "public class Outer {",
                "    @Model(task = Task.SCALAR_REGRESSION)",
                "    static class Inner {",
                "        @Feature double size;",
                "        @Label double price;",
                "        @Output Layer out;",
                "    }",
                "}");
        Compilation c = compile(spec);
        assertAccepted(c, "test.Outer_Inner");
        assertThat(generated(c, "test.Outer_InnerNetwork")).contains("public final class Outer_InnerNetwork");
        String trainer = generated(c, "test.Outer_InnerTrainer");
        assertThat(trainer).contains("ModelDefinition.builder(\"inner\", Task.SCALAR_REGRESSION)");
        assertThat(trainer).contains(".spec(Outer.Inner.class, ");
        assertThat(trainer).contains(".network(Outer_InnerNetwork::configuration)");
        assertThat(generated(c, "test.Outer_InnerMain")).contains("KilnCli.run(Outer_InnerTrainer.DEFINITION, args)");
        assertThat(generated(c, "test.Outer_InnerPredictor")).contains("public final class Outer_InnerPredictor");
    }

    @Test
    void deeplyNestedSpecsWithTheSameNameDoNotClash() {
        JavaFileObject spec = spec("Outer",
                "public class Outer {",
                "    static class A {",
                "        @Model(task = Task.SCALAR_REGRESSION, name = \"a\")",
                "        static class Spec {",
                "            @Feature double size;",
                "            @Label double price;",
                "            @Output Layer out;",
                "        }",
                "    }",
                "    static class B {",
                "        @Model(task = Task.SCALAR_REGRESSION, name = \"b\")",
                "        static class Spec {",
                "            @Feature double size;",
                "            @Label double price;",
                "            @Output Layer out;",
                "        }",
                "    }",
                "}");
        Compilation c = compile(spec);
        assertAccepted(c, "test.Outer_A_Spec", "test.Outer_B_Spec");
        assertThat(generatedFiles(c)).hasSize(8);
    }

    @Test
    void debugOptionPrintsTheCanonicalSpecAsANote() {
        JavaFileObject spec = binary(new String[0], "    @Dropout(rate = 0.5) Layer drop;");
        Compilation c = compile(List.of("-Akiln.debug=true"), spec);
        assertAccepted(c, "test.Spam");
        CompilationSubject.assertThat(c).hadNoteContaining("@Model(task = BINARY_CLASSIFICATION, name = \"spam\")")
                .inFile(spec).onLineContaining("class Spam");
        CompilationSubject.assertThat(c).hadNoteContaining("@Dropout(rate = 0.5) Layer drop;");
    }

    @Test
    void withoutDebugOptionThereIsNoNote() {
        Compilation c = compile(binary(new String[0]));
        assertAccepted(c, "test.Spam");
        assertThat(c.notes()).isEmpty();
    }
}
