package io.kiln.runtime.internal.train;

import io.kiln.runtime.CsvSource;
import io.kiln.runtime.Distillation;
import io.kiln.runtime.EpochListener;
import io.kiln.runtime.FeatureKind;
import io.kiln.runtime.FeatureSchema;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.ModelMetadata;
import io.kiln.runtime.internal.data.CsvTable;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Rows;
import io.kiln.runtime.internal.data.Splits;
import io.kiln.runtime.internal.preprocess.FeatureTransform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds a distilled student's teacher: a spec teacher's definition and its view of the student's rows
 * (its own columns of them, so both are scored on the same rows), or a teacher model file, checked
 * against the student and against the rows the student is scored on.
 */
public final class Teachers {
    private Teachers() {}

    /**
     * What trains in each place of {@code def}'s protocol, its teacher included.
     *
     * @param data the rows as {@code def} reads them (its groups of columns resolved)
     * @param source where they were read from (a teacher's groups of columns are resolved against its header)
     * @param split the student's split: a file teacher must not have trained on the rows it is scored on
     * @param testFileRows the first row of an official test file among {@code data}'s rows (its size without one)
     * @param testFile that official test file, or null
     */
    public static Units units(ModelDefinition def, LabeledData data, CsvSource source, EpochListener listener,
            Splits.Holdout split, boolean crossValidated, int testFileRows, CsvSource testFile) {
        Distillation d = def.distillation();
        if (d == null) {
            return Units.of(def, data, listener);
        }
        if (d.teacher() != null) {
            ModelDefinition teacher = resolved(d.teacher(), source);
            List<String> columns = teacher.features().stream().map(FeatureSchema::column).toList();
            List<FeatureKind> kinds = teacher.features().stream().map(FeatureSchema::kind).toList();
            LabeledData view = data.project(positions(def, columns, kinds, teacher.name()));
            return Units.distilled(def, data, listener, units(teacher, view, source, listener, split, crossValidated,
                    testFileRows, testFile));
        }
        KilnModel model = load(d.file());
        ModelMetadata meta = model.metadata();
        Distillation.checkTeacher(def, meta.task(), meta.label(), d.file().toString());
        List<String> columns = meta.features().stream().map(FeatureTransform::column).toList();
        List<FeatureKind> kinds = meta.features().stream().map(FeatureTransform::kind).toList();
        LabeledData view = data.project(positions(def, columns, kinds, d.file().toString()));
        checkUnseen(def, meta, data, source, split, crossValidated, testFileRows, d.file());
        checkNotOnTestFile(def, meta, testFile, d.file());
        return Units.distilled(def, data, listener, new Companions.Teacher(model, view, d.file().toString()));
    }

    private static KilnModel load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("[kiln.distill-file] The teacher model file " + file + " does not "
                    + "exist. Train the teacher first, or name its file with --teacher FILE.");
        }
        try {
            return KilnModel.load(file);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("[kiln.distill-file] The teacher model file " + file + " cannot be "
                    + "read as a Kiln model (" + e.getMessage() + "). Give a .kiln file that train saved.", e);
        }
    }

    /** A teacher spec's definition with its groups of columns resolved against the data's header. */
    private static ModelDefinition resolved(ModelDefinition teacher, CsvSource source) {
        if (!teacher.hasFeatureGroups()) {
            return teacher;
        }
        try {
            CsvTable table = CsvTable.read(source);
            int width = table.rows().isEmpty() ? table.header().size() : table.rows().get(0).cells().length;
            return teacher.resolveColumns(source.name(), table.header(), width, source.delimiter());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where each of a teacher's columns is among the student's features; fails unless the student
     * reads each of them, as the same kind.
     */
    static int[] positions(ModelDefinition student, List<String> columns, List<FeatureKind> kinds, String teacher) {
        List<FeatureSchema> mine = student.features();
        int[] at = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            at[i] = -1;
            for (int f = 0; f < mine.size(); f++) {
                if (mine.get(f).column().equals(columns.get(i))) {
                    at[i] = f;
                    break;
                }
            }
            if (at[i] < 0 || mine.get(at[i]).kind() != kinds.get(i)) {
                throw new IllegalArgumentException("[kiln.distill-input] The teacher '" + teacher + "' reads column '"
                        + columns.get(i) + "' as " + kinds.get(i) + (at[i] < 0 ? ", which '" + student.name()
                        + "' does not read" : ", which '" + student.name() + "' reads as " + mine.get(at[i]).kind())
                        + ". Choose a teacher that reads the student's columns, as the student reads them.");
            }
        }
        return at;
    }

    /**
     * A teacher file trained on this very data must not have trained on the rows the student is scored
     * on: its test rows (rebuilt from its protocol and seed) must hold them all.
     */
    private static void checkUnseen(ModelDefinition def, ModelMetadata teacher, LabeledData data, CsvSource source,
            Splits.Holdout split, boolean crossValidated, int testFileRows, Path file) {
        ModelMetadata.Provenance p = teacher.provenance();
        if (p == null || p.dataSha256() == null || !p.dataSha256().equals(data.sha256())) {
            return; // trained on other data: nothing of these rows can have been seen
        }
        Set<Integer> unseen = new HashSet<>();
        if (p.testFile() == null) {
            // its test rows, split from these rows by its own protocol and seed
            LabeledData own = data.size() == testFileRows ? data : data.head(testFileRows);
            int[] test = testRows(def, p, source, own, testFileRows);
            for (int r : test) {
                unseen.add(r);
            }
        }
        List<Integer> seen = new ArrayList<>();
        int[] scored = crossValidated ? Rows.concat(split.train(), split.test()) : Rows.concat(split.validation(),
                split.test());
        for (int r : scored) {
            if (r < testFileRows && !unseen.contains(r)) {
                seen.add(r);
            }
        }
        if (!seen.isEmpty()) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "[kiln.distill-teacher-saw] The "
                    + "teacher %s was trained on this data (the same SHA-256), and %d of the %d rows '%s' is scored "
                    + "on were among its training rows (e.g. line %d), so the student's scores would be inflated. "
                    + "Use a teacher spec (trained inside this protocol), a teacher split as this spec splits (the "
                    + "same protocol and seed), or a teacher trained on other data.",
                    file, seen.size(), scored.length, def.name(), data.lines()[seen.get(0)]));
        }
    }

    /** A teacher file trained on the official test file would have seen every row the student is tested on. */
    private static void checkNotOnTestFile(ModelDefinition def, ModelMetadata teacher, CsvSource testFile, Path file) {
        ModelMetadata.Provenance p = teacher.provenance();
        if (testFile == null || p == null || p.dataSha256() == null) {
            return;
        }
        try {
            if (p.dataSha256().equals(def.readData(testFile, true).sha256())) {
                throw new IllegalArgumentException("[kiln.distill-teacher-saw] The teacher " + file + " was trained on "
                        + testFile.name() + " (the same SHA-256), the test set '" + def.name() + "' is scored on, "
                        + "so the student's scores would be inflated. Use a teacher spec (trained inside this "
                        + "protocol), or a teacher trained on other data.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] testRows(ModelDefinition def, ModelMetadata.Provenance p, CsvSource source, LabeledData data,
            int rows) {
        try {
            Function<int[], int[]> within = r -> java.util.Arrays.stream(r).filter(i -> i < rows).toArray();
            return within.apply(io.kiln.runtime.Trainer.testRows(def, p, source, data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
