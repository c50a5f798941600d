package io.kiln.examples.compat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.SeriesWindow;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the saved-model compatibility fixtures that {@link SavedModelCompatTest} reads: for each
 * fixture, a small model trained with few epochs ({@code <name>.kiln}) and {@code <name>.json} with
 * input rows and the predictions the producing build made for them.
 *
 * <p>Not a test: run it with the build whose models must keep loading (the fixtures in
 * {@code src/test/resources/compat} came from the build before the runtime packages were split,
 * issue 18). Arguments: the output folder and the examples module folder (for the data files).
 * Everything it calls is public runtime API that exists in both builds, and it reaches the
 * generated classes by name, so the same source runs against old and new builds.
 */
public final class MakeCompatFixtures {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MakeCompatFixtures() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Path examples = Path.of(args[1]);
        Path data = examples.resolve("src/main/resources/io/kiln/examples");
        Files.createDirectories(out);
        // classical momentum + a step-decay schedule (Momentum and KilnSchedule in the DL4J configuration)
        tabular(out, "compat-momentum", "io.kiln.examples.compat.CompatMomentum", 12, data.resolve("iris/iris.csv"),
                new int[] {0, 60, 120, 149});
        // k-fold protocol (5 folds x 3 repeats, then the final model)
        tabular(out, "iris-kfold", "io.kiln.examples.iris.Iris", 2, data.resolve("iris/iris.csv"),
                new int[] {3, 55, 110});
        // temporal protocol with warmup + cosine decay (KilnSchedule)
        tabular(out, "sunspots-temporal", "io.kiln.examples.sunspots.Sunspots", 6,
                data.resolve("sunspots/sunspots.csv"), new int[] {0, 100, 250});
        // holdout with retrain, binary classification, dropout, L2
        tabular(out, "breast-cancer", "io.kiln.examples.breastcancer.BreastCancer", 3,
                data.resolve("breastcancer/breast_cancer.csv"), new int[] {0, 19, 300});
        // residual connection: a ComputationGraph
        tabular(out, "diabetes-residual", "io.kiln.examples.diabetes.DiabetesResidual", 3,
                data.resolve("diabetes/diabetes_regression.csv"), new int[] {0, 1, 200});
        // convolutional network on 8x8 images
        tabular(out, "digits-cnn", "io.kiln.examples.digits.DigitsCnn", 1, data.resolve("digits/digits.csv"),
                new int[] {0, 7, 1000});
        // LSTM over a series window
        series(out, "sunspots-lstm", "io.kiln.examples.sunspots.SunspotsLstm", 3,
                data.resolve("sunspots/sunspots_yearly.csv"), new int[] {0, 150, 280});
    }

    private static ModelDefinition definition(String spec) throws ReflectiveOperationException {
        return (ModelDefinition) Class.forName(spec + "Trainer").getField("DEFINITION").get(null);
    }

    private static KilnModel trainAndSave(Path out, String name, ModelDefinition def, int epochs, Path data)
            throws IOException {
        TrainingResult result = Trainer.train(def, TrainOptions.defaults().data(data).epochs(epochs).quiet());
        Path file = out.resolve(name + ".kiln");
        result.model().save(file);
        return KilnModel.load(file);
    }

    private static void tabular(Path out, String name, String spec, int epochs, Path data, int[] picks)
            throws Exception {
        ModelDefinition def = definition(spec);
        KilnModel model = trainAndSave(out, name, def, epochs, data);
        List<String> lines = Files.readAllLines(data);
        List<String> header = List.of(lines.get(0).split(","));
        List<Object[]> rows = new ArrayList<>();
        List<Object[]> inputs = new ArrayList<>();
        for (int pick : picks) {
            String[] cells = lines.get(pick + 1).split(",");
            List<FeatureSchema> features = def.declaredFeatures();
            Object[] row = new Object[features.size()];
            for (int f = 0; f < row.length; f++) {
                row[f] = Double.parseDouble(cells[header.indexOf(features.get(f).column())]);
            }
            rows.add(row);
            inputs.add(row);
        }
        write(out, name, spec, model, rows, inputs);
    }

    private static void series(Path out, String name, String spec, int epochs, Path data, int[] starts)
            throws Exception {
        ModelDefinition def = definition(spec);
        KilnModel model = trainAndSave(out, name, def, epochs, data);
        List<String> lines = Files.readAllLines(data);
        SeriesWindow window = def.series();
        List<Object[]> rows = new ArrayList<>();
        List<Object[]> inputs = new ArrayList<>();
        for (int start : starts) {
            double[] values = new double[window.window()];
            for (int t = 0; t < values.length; t++) {
                values[t] = Double.parseDouble(lines.get(start + t + 1).split(",")[1]);
            }
            rows.add(window.row(List.of("activity"), values));
            inputs.add(new Object[] {values});
        }
        write(out, name, spec, model, rows, inputs);
    }

    private static void write(Path out, String name, String spec, KilnModel model, List<Object[]> rows,
            List<Object[]> inputs) throws Exception {
        ObjectNode node = JSON.createObjectNode();
        node.put("model", name + ".kiln");
        node.put("predictor", spec + "Predictor");
        node.put("name", model.metadata().name());
        node.put("task", model.metadata().task().name());
        node.put("format", model.metadata().format());
        node.put("protocol", String.valueOf(model.metadata().provenance().protocol()));
        node.set("metadataProtocol", JSON.readTree(model.metadataJson()).path("provenance").path("protocol"));
        node.set("rows", JSON.valueToTree(rows));
        node.set("inputs", JSON.valueToTree(inputs));
        Predictions p = model.predict(rows);
        ArrayNode outputs = node.putArray("outputs");
        for (int i = 0; i < p.size(); i++) {
            outputs.add(JSON.valueToTree(p.output(i)));
        }
        // the generated predictor of the producing build, on the same inputs
        Class<?> predictorClass = Class.forName(spec + "Predictor");
        Object predictor = predictorClass.getConstructor(KilnModel.class).newInstance(model);
        Class<?> inputClass = Class.forName(spec + "Predictor$Input");
        List<Object> typed = new ArrayList<>();
        for (Object[] args : inputs) {
            typed.add(newInput(inputClass, args));
        }
        Object predictions = predictorClass.getMethod("predict", List.class).invoke(predictor, typed);
        node.set("predictions", JSON.valueToTree(predictions));
        Files.writeString(out.resolve(name + ".json"), JSON.writeValueAsString(node) + "\n");
        System.out.println(name + ": " + Files.size(out.resolve(name + ".kiln")) + " bytes");
    }

    /** A generated {@code Input} record from its component values (doubles or double arrays). */
    static Object newInput(Class<?> inputClass, Object[] args) throws ReflectiveOperationException {
        RecordComponent[] components = inputClass.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < types.length; i++) {
            types[i] = components[i].getType();
        }
        Constructor<?> constructor = inputClass.getDeclaredConstructor(types);
        if (types.length == 1 && types[0] == double[].class && args.length > 1) {
            // a spec that declared a feature per column then, and one @Features group now: the values in one array
            double[] values = new double[args.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = ((Number) args[i]).doubleValue();
            }
            return constructor.newInstance((Object) values);
        }
        return constructor.newInstance(args);
    }
}
