package io.kiln.examples.compat;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.cli.KilnCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Models saved by an earlier Kiln build still load and predict exactly as they did.
 *
 * <p>Each fixture in {@code src/test/resources/compat} is a small model file ({@code <name>.kiln})
 * and {@code <name>.json}: input rows, the raw outputs {@link KilnModel#predict} gave for them, the
 * generated predictor's typed predictions, and the model's metadata (name, task, format, the
 * protocol record and its JSON form tagged by {@code type}). Together they cover classical SGD
 * momentum and a step-decay schedule ({@code io.kiln.runtime.Momentum} and
 * {@code io.kiln.runtime.KilnSchedule}, recorded by class name inside the DL4J configuration), a
 * warmup + cosine schedule, the k-fold, holdout-with-retrain and temporal protocols, binary and
 * multiclass classification and regression, a residual ComputationGraph, a CNN on images and an
 * LSTM over a series window ({@code io.kiln.runtime.SequenceInput} in the configuration).
 *
 * <p><b>How the fixtures were made.</b> With the build before the runtime was split into packages
 * (issue 18; commit {@code dd3ea86}, cloned to {@code /tmp/before} and built with
 * {@code mvn package -DskipTests}), {@link CompatMomentum} and {@link MakeCompatFixtures} were
 * compiled by that build's processor and run against its runtime:
 *
 * <pre>{@code
 * B=/tmp/before; (cd $B && mvn -B -o -q dependency:build-classpath -pl examples -Dmdep.outputFile=/tmp/before-cp.txt)
 * CP=$B/examples/target/classes:$B/examples/target/test-classes:$B/runtime/target/classes:$B/dsl-annotations/target/classes:$(cat /tmp/before-cp.txt)
 * javac -d classes -processorpath $B/processor/target/classes:$B/dsl-annotations/target/classes:<javapoet-0.22.0.jar> -cp $CP \
 *     examples/src/test/java/io/kiln/examples/compat/{CompatMomentum,MakeCompatFixtures}.java
 * OMP_NUM_THREADS=1 java -cp classes:$CP io.kiln.examples.compat.MakeCompatFixtures examples/src/test/resources/compat $B/examples
 * }</pre>
 *
 * The other specs are the examples' own ({@code Iris}, {@code Sunspots}, {@code SunspotsLstm},
 * {@code BreastCancer}, {@code DigitsCnn}) and a test spec ({@code DiabetesResidual}), compiled
 * from the same sources by that build. Rerunning the program against a newer build makes new
 * fixtures; the point of these is that they were written by the old one, so do not regenerate them
 * to make this test pass.
 */
class SavedModelCompatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double TOLERANCE = 1e-6;

    static Stream<String> fixtures() {
        return Stream.of("compat-momentum", "iris-kfold", "sunspots-temporal", "breast-cancer", "diabetes-residual",
                "digits-cnn", "sunspots-lstm");
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(SavedModelCompatTest.class.getResource("/compat/" + name).toURI());
    }

    private static JsonNode expected(String name) throws Exception {
        return JSON.readTree(resource(name + ".json").toFile());
    }

    private static Object[] row(JsonNode node) {
        Object[] row = new Object[node.size()];
        for (int i = 0; i < row.length; i++) {
            JsonNode cell = node.get(i);
            row[i] = cell.isNumber() ? (Object) cell.doubleValue() : cell.isNull() ? null : cell.asText();
        }
        return row;
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void loadsAndPredictsAsTheBuildThatSavedIt(String name) throws Exception {
        JsonNode expected = expected(name);
        KilnModel model = KilnModel.load(resource(expected.get("model").asText()));

        List<Object[]> rows = new ArrayList<>();
        expected.get("rows").forEach(r -> rows.add(row(r)));
        Predictions p = model.predict(rows);
        assertThat(p.size()).isEqualTo(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode out = expected.get("outputs").get(i);
            double[] actual = p.output(i);
            assertWithMessage("%s row %s outputs", name, i).that(actual.length).isEqualTo(out.size());
            for (int j = 0; j < actual.length; j++) {
                assertWithMessage("%s row %s output %s", name, i, j).that(actual[j])
                        .isWithin(TOLERANCE).of(out.get(j).doubleValue());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void theGeneratedPredictorLoadsItAndGivesTheSamePredictions(String name) throws Exception {
        JsonNode expected = expected(name);
        Class<?> predictorClass = Class.forName(expected.get("predictor").asText());
        Object predictor = predictorClass.getMethod("load", Path.class)
                .invoke(null, resource(expected.get("model").asText()));
        Class<?> inputClass = Class.forName(expected.get("predictor").asText() + "$Input");
        List<Object> inputs = new ArrayList<>();
        for (JsonNode args : expected.get("inputs")) {
            Object[] values = new Object[args.size()];
            for (int i = 0; i < values.length; i++) {
                JsonNode a = args.get(i);
                values[i] = a.isArray() ? JSON.treeToValue(a, double[].class) : a.doubleValue();
            }
            inputs.add(MakeCompatFixtures.newInput(inputClass, values));
        }
        Object predictions = predictorClass.getMethod("predict", List.class).invoke(predictor, inputs);
        assertSameJson(name, expected.get("predictions"), JSON.valueToTree(predictions));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void itsMetadataReadsAsSaved(String name) throws Exception {
        JsonNode expected = expected(name);
        Path file = resource(expected.get("model").asText());
        KilnModel model = KilnModel.load(file);
        assertThat(model.metadata().name()).isEqualTo(expected.get("name").asText());
        assertThat(model.metadata().task().name()).isEqualTo(expected.get("task").asText());
        assertThat(model.metadata().format()).isEqualTo(expected.get("format").asText());
        // the protocol record reads back as the same record, and writes back tagged by the same type
        assertThat(String.valueOf(model.metadata().provenance().protocol()))
                .isEqualTo(expected.get("protocol").asText());
        assertThat(JSON.readTree(model.metadataJson()).path("provenance").path("protocol"))
                .isEqualTo(expected.get("metadataProtocol"));

        // the CLI's info command reads it (any definition will do: info reads only the file)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ModelDefinition definition = (ModelDefinition) Class.forName(
                expected.get("predictor").asText().replaceFirst("Predictor$", "Trainer")).getField("DEFINITION").get(null);
        int exit = KilnCli.run(definition, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "info", "--model", file.toString());
        assertWithMessage("info stderr: %s", err.toString(StandardCharsets.UTF_8)).that(exit).isEqualTo(0);
        String info = out.toString(StandardCharsets.UTF_8);
        assertThat(info).contains(expected.get("name").asText());
        assertThat(info).contains("dl4j 1.0.0-M2.1");
    }

    /** Equal JSON trees, numbers within {@link #TOLERANCE}. */
    private static void assertSameJson(String where, JsonNode expected, JsonNode actual) {
        if (expected.isNumber()) {
            assertWithMessage(where).that(actual.isNumber()).isTrue();
            if (expected.isIntegralNumber()) {
                assertWithMessage(where).that(actual.longValue()).isEqualTo(expected.longValue());
            } else {
                assertWithMessage(where).that(actual.doubleValue()).isWithin(TOLERANCE).of(expected.doubleValue());
            }
        } else if (expected.isArray()) {
            assertWithMessage(where + " size").that(actual.size()).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertSameJson(where + "[" + i + "]", expected.get(i), actual.get(i));
            }
        } else if (expected.isObject()) {
            List<String> names = new ArrayList<>();
            expected.fieldNames().forEachRemaining(names::add);
            List<String> actualNames = new ArrayList<>();
            actual.fieldNames().forEachRemaining(actualNames::add);
            assertWithMessage(where + " fields").that(actualNames).containsExactlyElementsIn(names).inOrder();
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                assertSameJson(where + "." + e.getKey(), e.getValue(), actual.get(e.getKey()));
            }
        } else {
            assertWithMessage(where).that(actual).isEqualTo(expected);
        }
    }
}
