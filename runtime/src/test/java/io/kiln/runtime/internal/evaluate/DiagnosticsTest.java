package io.kiln.runtime.internal.evaluate;

import io.kiln.runtime.TrainingFixtures;
import io.kiln.runtime.ServingFixtures;

import io.kiln.runtime.internal.data.Rows;
import io.kiln.runtime.CsvSource;
import io.kiln.runtime.EarlyStopping;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.FitSettings;
import io.kiln.runtime.HoldoutProtocol;
import io.kiln.runtime.LabelCoding;
import io.kiln.runtime.LabelSchema;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Network;
import io.kiln.runtime.Report;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.internal.data.LabeledData;

import static com.google.common.truth.Truth.assertThat;
import static io.kiln.runtime.TrainingFixtures.quiet;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntToDoubleFunction;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Data warnings, dead units and the diagnosis of the learning curves. */
class DiagnosticsTest {
    @TempDir Path dir;

    // ---- the diagnosis, on synthetic learning curves

    static List<Report.Epoch> curves(int epochs, IntToDoubleFunction train, IntToDoubleFunction validation) {
        List<Report.Epoch> h = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            h.add(new Report.Epoch(e, train.applyAsDouble(e), validation.applyAsDouble(e), Double.NaN, Double.NaN,
                    0.01, 0.1));
        }
        return h;
    }

    static Report.Diagnosis diagnose(List<Report.Epoch> h) {
        return Diagnostics.diagnose(h, h.get(0).trainLoss(), false);
    }

    @Test
    void overfitting() {
        // training loss keeps falling; validation loss is lowest at epoch 15 and then climbs
        Report.Diagnosis d = diagnose(curves(50, e -> 0.01 + Math.exp(-e / 10.0), e -> 0.3 + 0.001 * (e - 15) * (e - 15)));
        assertThat(d.verdict()).isEqualTo("overfitting");
        assertThat(d.bestEpoch()).isEqualTo(15);
        assertThat(d.bestValidationLoss()).isWithin(1e-12).of(0.3);
        assertThat(d.finalValidationLoss()).isWithin(1e-12).of(0.3 + 0.001 * 35 * 35);
        assertThat(d.advice().get(0)).contains("best at epoch 15 of 50");
        assertThat(String.join(" ", d.advice())).contains("@EarlyStopping");
    }

    @Test
    void overfittingWithEarlyStoppingSaysWhatEarlyStoppingDid() {
        List<Report.Epoch> h = curves(50, e -> 0.01 + Math.exp(-e / 10.0), e -> 0.3 + 0.001 * (e - 15) * (e - 15));
        Report.Diagnosis d = Diagnostics.diagnose(h, h.get(0).trainLoss(), true);
        assertThat(d.verdict()).isEqualTo("overfitting");
        assertThat(d.advice().get(0)).contains("early stopping ended the run on it");
        assertThat(String.join(" ", d.advice())).doesNotContain("add @EarlyStopping");
    }

    @Test
    void stillImproving() {
        Report.Diagnosis d = diagnose(curves(30, e -> 0.2 + Math.exp(-e / 10.0), e -> 0.25 + Math.exp(-e / 10.0)));
        assertThat(d.verdict()).isEqualTo("still improving");
        assertThat(d.bestEpoch()).isEqualTo(30);
        assertThat(d.advice().get(0)).contains("train for more epochs");
    }

    @Test
    void notLearning() {
        Report.Diagnosis d = diagnose(curves(30, e -> 1.1 - 0.001 * e, e -> 1.12 - 0.0005 * e));
        assertThat(d.verdict()).isEqualTo("not learning");
        assertThat(d.advice().get(0)).contains("sanity");
    }

    @Test
    void underfitting() {
        // training loss falls only to 0.7 of its start, and validation loss sits just above it from epoch 20 on
        Report.Diagnosis d = diagnose(curves(40, e -> 0.7 + 0.3 * Math.exp(-e / 3.0),
                e -> 0.72 + 0.3 * Math.exp(-e / 3.0) + (e > 20 ? 0.0005 * (e - 20) : 0)));
        assertThat(d.verdict()).isEqualTo("underfitting");
        assertThat(Math.abs(d.gap())).isLessThan(0.1);
        assertThat(String.join(" ", d.advice())).contains("capacity");
    }

    @Test
    void goodFit() {
        Report.Diagnosis d = diagnose(curves(40, e -> 0.12 + Math.exp(-e / 5.0),
                e -> 0.15 + Math.exp(-e / 5.0) + (e > 25 ? 0.0002 * (e - 25) : 0)));
        assertThat(d.verdict()).isEqualTo("good fit");
        assertThat(d.bestEpoch()).isLessThan(38);
        assertThat(d.gap()).isWithin(0.05).of((0.15 - 0.12) / 0.12);
    }

    @Test
    void noDiagnosisWithoutValidation() {
        assertThat(diagnose(curves(10, e -> 1.0 / e, e -> Double.NaN))).isNull();
        assertThat(Diagnostics.diagnose(List.of(), 1.0, false)).isNull();
        TrainingResult r = Trainer.train(TrainingFixtures.iris(new Adam(0.02))
                .protocol(new HoldoutProtocol(0, 0.2, true, true)).fit(new FitSettings(2, 16, 3)).build(), quiet());
        assertThat(r.report().diagnosis()).isNull();
        assertThat(r.report().training().bestEpoch()).isEqualTo(0);
    }

    @Test
    void aTrainingRunIsDiagnosedFromItsOwnCurves() {
        TrainingResult r = Trainer.train(TrainingFixtures.iris(new Adam(0.02)).fit(new FitSettings(8, 16, 3)).build(),
                quiet());
        Report.Diagnosis d = r.report().diagnosis();
        assertThat(d).isNotNull();
        List<Report.Epoch> h = r.report().history();
        assertThat(d.finalTrainLoss()).isEqualTo(h.get(h.size() - 1).trainLoss());
        assertThat(d.finalValidationLoss()).isEqualTo(h.get(h.size() - 1).validationLoss());
        assertThat(d.bestValidationLoss())
                .isEqualTo(h.stream().mapToDouble(Report.Epoch::validationLoss).min().getAsDouble());
        assertThat(d.advice()).isNotEmpty();
    }

    // ---- data warnings

    /** Iris with only the first {@code virginica} virginica rows. */
    Path irisWithVirginica(int virginica) throws Exception {
        List<String> lines = new ArrayList<>(List.of(String.join(",", TrainingFixtures.IRIS_FEATURES) + ",label"));
        int kept = 0;
        for (String[] row : TrainingFixtures.irisRows()) {
            if (!row[4].equals("2") || kept++ < virginica) {
                lines.add(String.join(",", row));
            }
        }
        return TrainingFixtures.write(dir.resolve("iris-" + virginica + ".csv"), lines);
    }

    static LabeledData read(ModelDefinition def, CsvSource source) throws Exception {
        return LabeledData.read(CsvTable.read(source), source, def.features(), def.label(), def.task());
    }

    @Test
    void declaredClassesWithNoRowsAreWarnedAboutWithTheLabelColumnOfAHeaderlessFile() throws Exception {
        // iris without its virginica rows: one of the three declared classes is absent
        List<String> lines = new ArrayList<>(java.nio.file.Files.readAllLines(irisWithVirginica(0)));
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02)).data(CsvSource.file(irisWithVirginica(0))).build();
        Optional<Report.Warning> w = Diagnostics.absentClasses(def, read(def, def.data()));
        assertThat(w.get().code()).isEqualTo("absent-classes");
        assertThat(w.get().message()).isEqualTo("1 of the 3 declared classes have no rows in the 100 rows read "
                + "('virginica'), so the model cannot learn them. Check that the label reads the right column, or "
                + "declare only the classes the data holds.");
        // the same file without its header: the label is the fifth column, after the four features
        Path headerless = TrainingFixtures.write(dir.resolve("iris-headerless.csv"), lines.subList(1, lines.size()));
        ModelDefinition noHeader = TrainingFixtures.iris(new Adam(0.02))
                .data(CsvSource.file(headerless).header(false)).build();
        assertThat(Diagnostics.absentClasses(noHeader, read(noHeader, noHeader.data())).get().message())
                .endsWith("Without a header, the label is read from column 5, after the 4 feature columns: check "
                        + "that the file puts it there.");
        // every class present: nothing to say
        ModelDefinition all = TrainingFixtures.iris(new Adam(0.02)).build();
        assertThat(Diagnostics.absentClasses(all, read(all, all.data()))).isEmpty();
    }

    @Test
    void aRareClassIsWarnedAbout() throws Exception {
        Path file = irisWithVirginica(3);
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02)).data(CsvSource.file(file))
                .fit(new FitSettings(1, 16, 3)).build();
        Optional<Report.Warning> w = Diagnostics.classImbalance(def, read(def, def.data()));
        assertThat(w).isPresent();
        assertThat(w.get().code()).isEqualTo("class-imbalance");
        assertThat(w.get().message()).contains("'virginica' has 3 of 103 rows");
        assertThat(w.get().message()).contains("balanced_accuracy");
        assertThat(w.get().message()).contains("consider weighing the classes (@ClassWeights), collecting more "
                + "'virginica' rows or resampling");
        // a spec that weighs its classes already is not told to
        ModelDefinition weighted = TrainingFixtures.iris(new Adam(0.02)).data(CsvSource.file(file))
                .classWeights(io.kiln.runtime.ClassWeights.balanced()).fit(new FitSettings(1, 16, 3)).build();
        assertThat(Diagnostics.classImbalance(weighted, read(weighted, weighted.data())).get().message())
                .contains("consider collecting more 'virginica' rows");
        TrainingResult r = Trainer.train(def, quiet());
        assertThat(r.report().warnings().stream().map(Report.Warning::code).toList()).contains("class-imbalance");
        assertThat(r.report().data().classCounts())
                .containsExactly("setosa", 50, "versicolor", 50, "virginica", 3).inOrder();
    }

    @Test
    void balancedIrisHasNoImbalanceWarning() throws Exception {
        ModelDefinition def = TrainingFixtures.iris(new Adam(0.02)).fit(new FitSettings(1, 16, 3)).build();
        assertThat(Diagnostics.classImbalance(def, read(def, def.data()))).isEmpty();
        // 20 of 120 is unequal but not rare enough to warn
        ModelDefinition mild = TrainingFixtures.iris(new Adam(0.02)).data(CsvSource.file(irisWithVirginica(20)))
                .build();
        assertThat(Diagnostics.classImbalance(mild, read(mild, mild.data()))).isEmpty();
        TrainingResult r = Trainer.train(def, quiet());
        assertThat(r.report().warnings().stream().map(Report.Warning::code).toList())
                .doesNotContain("class-imbalance");
    }

    /** Iris plus a column "big": petal length in micrometres (standard deviation about 1765). */
    Path irisWithBigColumn() throws Exception {
        List<String> lines = new ArrayList<>(List.of(String.join(",", TrainingFixtures.IRIS_FEATURES) + ",label,big"));
        for (String[] row : TrainingFixtures.irisRows()) {
            lines.add(String.join(",", row) + "," + Double.parseDouble(row[2]) * 1000);
        }
        return TrainingFixtures.write(dir.resolve("big.csv"), lines);
    }

    static ModelDefinition scales(Path file, Scaling bigScaling) {
        return ModelDefinition.builder("scales", Task.MULTICLASS_CLASSIFICATION).data(CsvSource.file(file))
                .feature(FeatureSchema.numeric("sepal_width_cm", "sepal_width_cm", Scaling.NONE, Missing.MEAN, ""))
                .feature(FeatureSchema.numeric("petal_width_cm", "petal_width_cm", Scaling.NONE, Missing.MEAN, ""))
                .feature(FeatureSchema.numeric("big", "big", bigScaling, Missing.MEAN, ""))
                .label(new LabelSchema("species", LabelCoding.INDEX, List.of("label"), TrainingFixtures.SPECIES))
                .fit(new FitSettings(1, 16, 3)).outputActivationIsIdentity(false)
                .network((n, seed) -> TrainingFixtures.mlp(n, seed, new Adam(0.01), 8, 3, Activation.SOFTMAX,
                        LossFunctions.LossFunction.MCXENT))
                .build();
    }

    @Test
    void unscaledFeaturesOnWildlyDifferentScalesAreWarnedAbout() throws Exception {
        ModelDefinition def = scales(irisWithBigColumn(), Scaling.NONE);
        LabeledData data = read(def, def.data());
        int[] all = IntStream.range(0, data.size()).toArray();
        Optional<Report.Warning> w = Diagnostics.featureScales(def, data, all);
        assertThat(w).isPresent();
        assertThat(w.get().code()).isEqualTo("feature-scales");
        // the largest against the smallest spread: big (~1765) against sepal width (~0.43)
        double big = Rows.std(Arrays.stream(TrainingFixtures.irisColumn(2)).map(v -> v * 1000).toArray());
        double small = Rows.std(TrainingFixtures.irisColumn(1));
        assertThat(big).isWithin(1).of(1765);
        assertThat(w.get().message()).contains(String.format(java.util.Locale.ROOT,
                "'big' varies with standard deviation %.3g, 'sepal_width_cm' with %.3g (%.0fx)", big, small,
                big / small));
        assertThat(w.get().message()).contains("Scaling.STANDARDIZE");
        TrainingResult r = Trainer.train(def, quiet());
        assertThat(r.report().warnings().stream().map(Report.Warning::code).toList()).contains("feature-scales");
    }

    @Test
    void scaledOrComparableFeaturesAreNotWarnedAbout() throws Exception {
        Path file = irisWithBigColumn();
        ModelDefinition scaled = scales(file, Scaling.STANDARDIZE);
        LabeledData data = read(scaled, scaled.data());
        int[] all = IntStream.range(0, data.size()).toArray();
        assertThat(Diagnostics.featureScales(scaled, data, all)).isEmpty();
        // iris's own measurements differ by less than 5x in spread
        ModelDefinition plain = TrainingFixtures.iris(new Adam(0.01), CsvSource.resource(TrainingFixtures.class,
                "iris.csv"), Scaling.NONE).build();
        assertThat(Diagnostics.featureScales(plain, read(plain, plain.data()), all)).isEmpty();
    }

    /** 50 rows of distinct features (x, y), except rows 45 and 47, copies of rows 3 and 8 (with other labels). */
    Path withDuplicates() throws Exception {
        List<String> lines = new ArrayList<>(List.of("x,y,label"));
        for (int i = 0; i < 50; i++) {
            int src = i == 45 ? 3 : i == 47 ? 8 : i;
            lines.add(src + "," + (src * 7 % 11) + "," + (i % 2 == 0));
        }
        return TrainingFixtures.write(dir.resolve("dups.csv"), lines);
    }

    static ModelDefinition binaryXy(Path file) {
        return ModelDefinition.builder("dups", Task.BINARY_CLASSIFICATION).data(CsvSource.file(file))
                .feature(FeatureSchema.numeric("x", "x", Scaling.STANDARDIZE, Missing.MEAN, ""))
                .feature(FeatureSchema.numeric("y", "y", Scaling.STANDARDIZE, Missing.MEAN, ""))
                .label(new LabelSchema("label", LabelCoding.BOOLEAN, List.of("label"), List.of("no", "yes")))
                .protocol(new HoldoutProtocol(0, 0.2, false, false))
                .fit(new FitSettings(1, 16, 3)).outputActivationIsIdentity(false)
                .network((n, seed) -> TrainingFixtures.mlp(n, seed, new Adam(0.01), 4, 1, Activation.SIGMOID,
                        LossFunctions.LossFunction.XENT))
                .build();
    }

    @Test
    void duplicatesAcrossTheSplitAreCountedWithTheirLines() throws Exception {
        ModelDefinition def = binaryXy(withDuplicates());
        // in file order, rows 0..39 train and 40..49 test; rows 45 and 47 (lines 47 and 49) copy rows 3 and 8
        TrainingResult r = Trainer.train(def, quiet());
        assertThat(r.report().data().duplicatesAcrossSplits()).isEqualTo(2);
        Report.Warning w = r.report().warnings().stream().filter(x -> x.code().equals("duplicates-across-split"))
                .findFirst().orElseThrow();
        assertThat(w.message()).startsWith("2 of 10 test rows (against training and validation rows) have the same feature values");
        assertThat(w.message()).containsMatch("line 47 of \\S*dups\\.csv = line 5 of \\S*dups\\.csv, "
                + "line 49 of \\S*dups\\.csv = line 10 of \\S*dups\\.csv");
        assertThat(w.message()).containsMatch("Remove duplicate rows from \\S*dups\\.csv\\.$");
    }

    @Test
    void duplicatesWithinOneSideDoNotCount() throws Exception {
        ModelDefinition def = binaryXy(withDuplicates());
        LabeledData data = read(def, def.data());
        int[] first = IntStream.range(0, 40).toArray();
        int[] second = IntStream.range(40, 50).toArray();
        assertThat(Diagnostics.duplicates(data, first, second, "test rows").count()).isEqualTo(2);
        int[] withTwins = {3, 8, 45, 47, 1};
        assertThat(Diagnostics.duplicates(data, new int[] {0, 1, 2}, withTwins, "test rows").count()).isEqualTo(1);
        assertThat(Diagnostics.duplicates(data, new int[] {0, 1}, new int[] {10, 20}, "test rows").count()).isEqualTo(0);
        assertThat(Diagnostics.duplicates(data, new int[] {0, 1}, new int[] {10, 20}, "test rows").warning()).isEmpty();
        assertThat(Diagnostics.duplicates(data, new int[0], second, "test rows").count()).isEqualTo(0);
    }

    // ---- dead ReLU units

    static MultiLayerNetwork twoReluLayers() {
        MultiLayerNetwork net = new MultiLayerNetwork(TrainingFixtures.mlp(4, 7, new Adam(0.01), 16, 3,
                Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT, 8));
        net.init();
        return net;
    }

    static INDArray inputs() {
        Nd4j.getRandom().setSeed(11);
        return Nd4j.randn(DataType.FLOAT, 200, 4);
    }

    @Test
    void deadReluFractionIsMeasuredPerReluLayer() {
        Map<String, Double> dead = Diagnostics.deadRelu(new Network.Layers(twoReluLayers()), inputs());
        assertThat(dead).hasSize(2);
        for (double f : dead.values()) {
            assertThat(f).isAtLeast(0.0);
            assertThat(f).isAtMost(1.0);
        }
        assertThat(dead.values().iterator().next()).isLessThan(0.25);
        assertThat(Diagnostics.deadUnitWarnings(dead)).isEmpty();
    }

    @Test
    void aLayerForcedDeadIsDetected() {
        MultiLayerNetwork net = twoReluLayers();
        INDArray x = inputs();
        String first = Diagnostics.deadRelu(new Network.Layers(net), x).keySet().iterator().next();
        // a hugely negative bias on 6 of the first layer's 16 units: they output zero for every input
        INDArray b = net.getLayer(0).getParam("b").dup();
        for (int u = 0; u < 6; u++) {
            b.putScalar(u, -1e6);
        }
        net.getLayer(0).setParam("b", b);
        double partly = Diagnostics.deadRelu(new Network.Layers(net), x).get(first);
        assertThat(partly).isAtLeast(6 / 16.0);
        assertThat(partly).isLessThan(1.0);
        // all of them: the whole layer is dead, and so is the next, which then sees only zeros
        net.getLayer(0).setParam("b", Nd4j.valueArrayOf(b.shape(), -1e6, b.dataType()));
        Map<String, Double> dead = Diagnostics.deadRelu(new Network.Layers(net), x);
        assertThat(dead.get(first)).isEqualTo(1.0);
        List<Report.Warning> warnings = Diagnostics.deadUnitWarnings(dead);
        assertThat(warnings).isNotEmpty();
        assertThat(warnings.get(0).code()).isEqualTo("dead-relu");
        assertThat(warnings.get(0).message()).startsWith("100% of layer '" + first + "''s ReLU units are dead");
    }

    @Test
    void theReportCarriesTheDeadFractionOfEachReluLayer() {
        TrainingResult r = Trainer.train(TrainingFixtures.iris(new Adam(0.02)).fit(new FitSettings(3, 16, 3)).build(),
                quiet());
        Map<String, Double> dead = r.report().training().deadReluFraction();
        assertThat(dead).hasSize(1);
        double f = dead.values().iterator().next();
        assertThat(f).isAtLeast(0.0);
        assertThat(f).isAtMost(1.0);
        // recomputed on the training rows with the final network
        Trainer.Prepared p = Trainer.prepare(TrainingFixtures.iris(new Adam(0.02)).build(), quiet());
        INDArray x = r.model().preprocessor().matrix(p.data(), p.split().train());
        assertThat(Diagnostics.deadRelu(r.model().network(), x)).isEqualTo(dead);
        assertThat(r.report().warnings().stream().map(Report.Warning::code).toList()).doesNotContain("dead-relu");
    }
}
