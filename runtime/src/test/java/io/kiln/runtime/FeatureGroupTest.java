package io.kiln.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.dsl.Missing;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Groups of columns ({@code @Features}): which columns a selection finds in a header, the errors
 * when it finds none, too many or a column twice, files without a header, and a model trained on
 * a group: its file records the columns, and a typed row is laid out onto them.
 */
class FeatureGroupTest {
    @TempDir Path dir;

    private static final LabelSchema LABEL = new LabelSchema("y", LabelCoding.BOOLEAN, List.of("y"),
            List.of("false", "true"));

    private static FeatureGroup group(String name, String matching, String from, String to, int every, int count) {
        return FeatureGroup.numeric(name, matching, from, to, every, count, Scaling.STANDARDIZE, Missing.MEAN, "");
    }

    private static ModelDefinition.Builder definition() {
        return ModelDefinition.builder("wide", Task.BINARY_CLASSIFICATION)
                .label(LABEL)
                .fit(new FitSettings(20, 16, 7))
                .outputActivationIsIdentity(false)
                .network((n, seed) -> TrainingFixtures.mlp(n, seed, new Adam(0.01), 8, 1, Activation.SIGMOID,
                        LossFunctions.LossFunction.XENT));
    }

    private static List<String> names(ModelDefinition d) {
        return d.features().stream().map(FeatureSchema::name).toList();
    }

    private static final List<String> HEADER = List.of("id", "px0", "px1", "px2", "px3", "y", "Age", "note");

    @Test
    void aGroupWithoutSelectionTakesEveryColumnNoOtherDeclarationReads() {
        ModelDefinition d = definition()
                .feature(FeatureSchema.numeric("age", "age", Scaling.NONE, Missing.MEAN, "")) // finds "Age"
                .features(group("rest", "", "", "", 1, 0))
                .feature(FeatureSchema.categorical("note", "note", List.of(), io.kiln.dsl.Encoding.ONE_HOT,
                        Scaling.NONE, Missing.MISSING_CATEGORY, ""))
                .build();
        assertThat(d.hasFeatureGroups()).isTrue();
        IllegalStateException unresolved = assertThrows(IllegalStateException.class, d::features);
        assertThat(unresolved).hasMessageThat().contains("declares @Features 'rest'");

        ModelDefinition r = d.resolveColumns("t.csv", HEADER, HEADER.size(), ',');
        // declaration order: age, the group's columns in file order, note; the label's column is not taken
        assertThat(names(r)).containsExactly("age", "id", "px0", "px1", "px2", "px3", "note").inOrder();
        assertThat(r.features().get(1).group()).isEqualTo("rest");
        assertThat(r.features().get(0).group()).isNull();
        assertThat(r.hasFeatureGroups()).isFalse();
    }

    @Test
    void patternRangeAndStepSelectInFileOrder() {
        assertThat(names(definition().features(group("px", "px\\d", "", "", 1, 0)).build()
                .resolveColumns("t.csv", HEADER, 8, ','))).containsExactly("px0", "px1", "px2", "px3").inOrder();
        assertThat(names(definition().features(group("px", "", "px1", "px3", 1, 0)).build()
                .resolveColumns("t.csv", HEADER, 8, ','))).containsExactly("px1", "px2", "px3").inOrder();
        assertThat(names(definition().features(group("px", "", "px0", "", 2, 0)).build()
                .resolveColumns("t.csv", HEADER, 8, ','))).containsExactly("px0", "px2", "Age").inOrder();
        // the range ends are found as a feature's column is: without case and punctuation when not exact
        assertThat(names(definition().features(group("px", "", "PX-1", "px_2", 1, 0)).build()
                .resolveColumns("t.csv", HEADER, 8, ','))).containsExactly("px1", "px2").inOrder();
        // two groups: one selecting, one taking what is left
        ModelDefinition two = definition().features(group("rest", "", "", "", 1, 0))
                .features(group("px", "px.*", "", "", 1, 4)).build().resolveColumns("t.csv", HEADER, 8, ',');
        assertThat(names(two)).containsExactly("id", "Age", "note", "px0", "px1", "px2", "px3").inOrder();
    }

    @Test
    void selectionErrorsNameTheFileTheGroupAndWhatToDo() {
        DataException none = assertThrows(DataException.class, () -> definition()
                .features(group("px", "pixel\\d+", "", "", 1, 0)).build().resolveColumns("t.csv", HEADER, 8, ','));
        assertThat(none).hasMessageThat().contains("t.csv");
        assertThat(none).hasMessageThat().contains("@Features 'px' selects columns matching 'pixel\\d+', and the "
                + "header has none of them: it has [id, px0, px1, px2, px3, y, Age, note]");

        DataException count = assertThrows(DataException.class, () -> definition()
                .features(group("px", "px\\d", "", "", 1, 784)).build().resolveColumns("t.csv", HEADER, 8, ','));
        assertThat(count).hasMessageThat().contains("@Features 'px' expects 784 columns (columns matching 'px\\d'; its count, "
                + "or under @Image the pixels the other features leave), and the header gives 4");

        DataException missing = assertThrows(DataException.class, () -> definition()
                .features(group("px", "", "pixel0", "", 1, 0)).build().resolveColumns("t.csv", HEADER, 8, ','));
        assertThat(missing).hasMessageThat().contains("missing column");
        assertThat(missing).hasMessageThat().contains("'pixel0'");

        DataException backwards = assertThrows(DataException.class, () -> definition()
                .features(group("px", "", "px3", "px1", 1, 0)).build().resolveColumns("t.csv", HEADER, 8, ','));
        assertThat(backwards).hasMessageThat().contains("Swap from and to");

        DataException twice = assertThrows(DataException.class, () -> definition()
                .features(group("a", "px[01]", "", "", 1, 0)).features(group("b", "px[12]", "", "", 1, 0)).build()
                .resolveColumns("t.csv", HEADER, 8, ','));
        assertThat(twice).hasMessageThat().contains("@Features 'a' and 'b' both select column 'px1'");

        // a group's column named as a declared feature
        DataException clash = assertThrows(DataException.class, () -> definition()
                .feature(FeatureSchema.numeric("px0", "id", Scaling.NONE, Missing.MEAN, ""))
                .features(group("px", "px.*", "", "", 1, 0)).build().resolveColumns("t.csv", HEADER, 8, ','));
        assertThat(clash).hasMessageThat().contains("is named 'px0'");
    }

    @Test
    void withoutAHeaderColumnsAreTakenByPositionAndNamedAfterTheGroup() {
        ModelDefinition d = definition().feature(FeatureSchema.numeric("bias", "bias", Scaling.NONE, Missing.MEAN, ""))
                .features(group("a", "", "", "", 1, 2)).build();
        assertThrows(DataException.class, () -> d.resolveColumns("t.csv", List.of(), 5, ','));
        ModelDefinition r = d.resolveColumns("t.csv", List.of(), 4, ',');
        assertThat(names(r)).containsExactly("bias", "a[0]", "a[1]").inOrder();
        ModelDefinition open = definition().features(group("a", "", "", "", 1, 0)).build()
                .resolveColumns("t.csv", List.of(), 11, ',');
        assertThat(names(open)).hasSize(10);
        // two groups by position: the one with a count takes that many, the other the rest
        ModelDefinition two = definition().features(group("a", "", "", "", 1, 2)).features(group("b", "", "", "", 1, 0))
                .build();
        assertThat(names(two.resolveColumns("t.csv", List.of(), 6, ','))).containsExactly("a[0]", "a[1]", "b[0]",
                "b[1]", "b[2]").inOrder();
        // with a header, two groups taking every column nothing else reads would compete for them
        DataException compete = assertThrows(DataException.class, () -> two.resolveColumns("t.csv", HEADER, 8, ','));
        assertThat(compete).hasMessageThat().contains("@Features 'a' and 'b' both take every column");
        DataException byName = assertThrows(DataException.class, () -> definition()
                .features(group("a", "x.*", "", "", 1, 0)).build().resolveColumns("t.csv", List.of(), 4, ','));
        assertThat(byName).hasMessageThat().contains("no header");
    }

    @Test
    void aModelTrainedOnAGroupRecordsItsColumnsAndLaysTypedRowsOntoThem() throws Exception {
        // 8 noise columns and 4 signal columns; the label is whether the signal columns sum above 0
        java.util.Random random = new java.util.Random(3);
        List<String> lines = new ArrayList<>();
        StringBuilder header = new StringBuilder("id");
        for (int i = 0; i < 8; i++) {
            header.append(",noise").append(i);
        }
        for (int i = 0; i < 4; i++) {
            header.append(",s").append(i);
        }
        lines.add(header.append(",y").toString());
        for (int r = 0; r < 300; r++) {
            StringBuilder line = new StringBuilder(Integer.toString(r));
            double sum = 0;
            for (int i = 0; i < 12; i++) {
                double v = random.nextGaussian();
                if (i >= 8) {
                    sum += v;
                }
                line.append(',').append(String.format(java.util.Locale.ROOT, "%.4f", v));
            }
            lines.add(line.append(',').append(sum > 0).toString());
        }
        Path csv = Files.write(dir.resolve("wide.csv"), lines);
        ModelDefinition d = definition().data(CsvSource.file(csv))
                .features(group("signal", "s\\d", "", "", 1, 4)).build();
        TrainingResult result = Trainer.train(d, TrainOptions.defaults().quiet().references(false));
        assertThat(result.metrics().get("accuracy")).isAtLeast(0.85);
        Path file = dir.resolve("wide.kiln");
        result.model().save(file);
        KilnModel model = KilnModel.load(file);
        assertThat(model.metadata().features().stream().map(f -> f.column()).toList())
                .containsExactly("s0", "s1", "s2", "s3").inOrder();
        assertThat(model.metadata().features().stream().map(f -> f.group()).distinct().toList())
                .containsExactly("signal");
        // the definition resolved by the model reads the same columns
        assertThat(names(d.resolvedFor(model))).containsExactly("s0", "s1", "s2", "s3").inOrder();

        int[][] layout = model.inputLayout(List.of("signal"));
        assertThat(layout[0]).asList().containsExactly(0, 1, 2, 3).inOrder();
        Predictions p = model.predict(List.of(model.inputRow(layout, (Object) new double[] {2, 2, 2, 2}),
                model.inputRow(layout, (Object) new double[] {-2, -2, -2, -2})));
        assertThat(p.className(0)).isEqualTo("true");
        assertThat(p.className(1)).isEqualTo("false");
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> model.inputRow(layout, (Object) new double[3]));
        assertThat(length).hasMessageThat().isEqualTo("'signal' has 3 values; model 'wide' was trained on 4 columns "
                + "of it (first s0, last s3)");
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> model.inputLayout(List.of("pixels")));
        assertThat(other).hasMessageThat().contains("was trained on features [signal[4 columns]], not [pixels]");

        // a spec that declared the same columns one by one trained a model whose file marks no group: a spec
        // that now declares them as a group still reads it (the run of columns its neighbours do not name)
        ModelDefinition.Builder oneByOne = definition().data(CsvSource.file(csv))
                .feature(FeatureSchema.numeric("noise0", "noise0", Scaling.STANDARDIZE, Missing.MEAN, ""));
        for (int i = 0; i < 4; i++) {
            oneByOne.feature(FeatureSchema.numeric("s" + i, "s" + i, Scaling.STANDARDIZE, Missing.MEAN, ""));
        }
        KilnModel legacy = Trainer.train(oneByOne.fit(new FitSettings(2, 16, 7)).build(),
                TrainOptions.defaults().quiet().references(false)).model();
        ModelDefinition regrouped = definition()
                .feature(FeatureSchema.numeric("noise0", "noise0", Scaling.STANDARDIZE, Missing.MEAN, ""))
                .features(group("signal", "s\\d", "", "", 1, 0)).build();
        assertThat(names(regrouped.resolvedFor(legacy))).containsExactly("noise0", "s0", "s1", "s2", "s3").inOrder();
        int[][] legacyLayout = legacy.inputLayout(List.of("noise0", "signal"));
        assertThat(legacyLayout[0]).asList().containsExactly(0);
        assertThat(legacyLayout[1]).asList().containsExactly(1, 2, 3, 4).inOrder();
    }
}
