package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generated;
import static io.kiln.processor.KilnTesting.generatedFiles;
import static io.kiln.processor.KilnTesting.kilnErrors;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.CompilationSubject;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code @Distillation} and {@code @Ensemble}: a teacher spec checked against its student (task,
 * label and classes, columns), the loss's temperature and blend, the teacher's kind; an ensemble's
 * members against the protocol. Each error on its value, and nothing generated for the spec at fault.
 */
class DistillationValidationTest {

    /** A teacher: three numeric features, two hidden layers, three classes. */
    static JavaFileObject teacher(String... extra) {
        return spec("Teacher", "MULTICLASS_CLASSIFICATION", List.of(extra), List.of("    @Feature double a;",
                "    @Feature double b;", "    @Feature double c;"),
                "    @Label(classes = {\"x\", \"y\", \"z\"}) String kind;", "    @Dense(units = 32) Layer h1;",
                "    @Dense(units = 32) Layer h2;");
    }

    /** A student of the same features and classes; {@code annotations} are its class annotations. */
    static JavaFileObject student(String... annotations) {
        return spec("Student", "MULTICLASS_CLASSIFICATION", List.of(annotations), List.of("    @Feature double a;",
                "    @Feature double b;", "    @Feature double c;"),
                "    @Label(classes = {\"x\", \"y\", \"z\"}) String kind;", "    @Dense(units = 4) Layer h;");
    }

    static JavaFileObject spec(String name, String task, List<String> annotations, List<String> features, String label,
            String... layers) {
        List<String> lines = new ArrayList<>(List.of("@Model(task = Task." + task + ")", "@CsvData(file = \"d.csv\")",
                "@Fit(epochs = 20, batchSize = 16, seed = 1)"));
        lines.addAll(annotations);
        lines.add("class " + name + " {");
        lines.addAll(features);
        lines.add(label);
        lines.addAll(List.of(layers));
        lines.add("    @Output Layer out;");
        lines.add("}");
        return KilnTesting.spec(name, lines.toArray(String[]::new));
    }

    /** Compiling {@code others} beside {@code spec} gives exactly {@code message}, on the line of {@code spec} containing {@code line}. */
    static void assertError(JavaFileObject spec, String message, String line, JavaFileObject... others) {
        List<JavaFileObject> all = new ArrayList<>(List.of(others));
        all.add(spec);
        Compilation c = compile(all.toArray(JavaFileObject[]::new));
        CompilationSubject.assertThat(c).hadErrorContaining(message).inFile(spec).onLineContaining(line);
        assertWithMessage("Kiln errors").that(kilnErrors(c)).containsExactly(message);
        String name = spec.getName().replaceAll(".*/", "").replace(".java", "");
        assertWithMessage("the spec with the error generates nothing").that(generatedFiles(c).keySet().stream()
                .anyMatch(n -> n.startsWith("test." + name))).isFalse();
    }

    @Test
    void aTeacherSpecIsTrainedFromItsDefinition() {
        Compilation c = compile(teacher(), student("@Distillation(teacher = Teacher.class, temperature = 3, "
                + "alpha = 0.7)"));
        assertThat(kilnErrors(c)).isEmpty();
        String trainer = generated(c, "test.StudentTrainer");
        assertThat(trainer).contains(".distillation(Distillation.of(TeacherTrainer.DEFINITION, 3.0, 0.7, true))");
        assertThat(trainer).contains("@Distillation(teacher = test.Teacher.class, temperature = 3.0, alpha = 0.7, "
                + "compare = true)");
    }

    @Test
    void aTeacherFileIsReadWhenTrainingStarts() {
        Compilation c = compile(student("@Distillation(file = \"models/big.kiln\", compare = false)"));
        assertThat(kilnErrors(c)).isEmpty();
        assertThat(generated(c, "test.StudentTrainer"))
                .contains(".distillation(Distillation.file(\"models/big.kiln\", 4.0, 0.5, false))");
    }

    @Test
    void aTeacherOfAnotherTaskIsRefused() {
        JavaFileObject binary = spec("Teacher", "BINARY_CLASSIFICATION", List.of(), List.of("    @Feature double a;",
                "    @Feature double b;", "    @Feature double c;"), "    @Label boolean kind;");
        assertError(student("@Distillation(teacher = Teacher.class)"), Message.DISTILL_TASK.format("Teacher",
                "BINARY_CLASSIFICATION", "Student", "MULTICLASS_CLASSIFICATION"), "@Distillation", binary);
    }

    @Test
    void aTeacherOfOtherClassesIsRefused() {
        JavaFileObject other = spec("Teacher", "MULTICLASS_CLASSIFICATION", List.of(), List.of(
                "    @Feature double a;", "    @Feature double b;", "    @Feature double c;"),
                "    @Label(classes = {\"x\", \"z\", \"y\"}) String kind;");
        assertError(student("@Distillation(teacher = Teacher.class)"), Message.DISTILL_CLASSES.format("Teacher",
                "label 'kind' with classes [x, z, y]", "Student", "label 'kind' with classes [x, y, z]"),
                "@Distillation", other);
    }

    @Test
    void aTeacherReadingAColumnTheStudentDoesNotIsRefused() {
        JavaFileObject wider = spec("Teacher", "MULTICLASS_CLASSIFICATION", List.of(), List.of(
                "    @Feature double a;", "    @Feature double d;"),
                "    @Label(classes = {\"x\", \"y\", \"z\"}) String kind;");
        assertError(student("@Distillation(teacher = Teacher.class)"), Message.DISTILL_INPUT.format("Teacher",
                "column 'd' as numeric", "Student"), "@Distillation", wider);
    }

    @Test
    void aTeacherReadingAColumnAsAnotherKindIsRefused() {
        JavaFileObject categorical = spec("Teacher", "MULTICLASS_CLASSIFICATION", List.of(), List.of(
                "    @Feature double a;", "    @Feature String b;"),
                "    @Label(classes = {\"x\", \"y\", \"z\"}) String kind;");
        assertError(student("@Distillation(teacher = Teacher.class)"), Message.DISTILL_INPUT.format("Teacher",
                "column 'b' as categorical", "Student"), "@Distillation", categorical);
    }

    @Test
    void aTeacherReadingFewerColumnsIsAccepted() {
        JavaFileObject fewer = spec("Teacher", "MULTICLASS_CLASSIFICATION", List.of(), List.of(
                "    @Feature double c;", "    @Feature double a;"),
                "    @Label(classes = {\"x\", \"y\", \"z\"}) String kind;");
        assertThat(kilnErrors(compile(fewer, student("@Distillation(teacher = Teacher.class)")))).isEmpty();
    }

    @Test
    void theTemperatureMustBePositive() {
        assertError(student("@Distillation(teacher = Teacher.class,", "        temperature = 0)"),
                Message.DISTILL_TEMPERATURE.format("0"), "temperature = 0", teacher());
        assertError(student("@Distillation(teacher = Teacher.class,", "        temperature = -2)"),
                Message.DISTILL_TEMPERATURE.format("-2"), "temperature = -2", teacher());
    }

    @Test
    void alphaMustBeAShare() {
        assertError(student("@Distillation(teacher = Teacher.class,", "        alpha = 1.5)"),
                Message.DISTILL_ALPHA.format("1.5"), "alpha = 1.5", teacher());
        assertError(student("@Distillation(teacher = Teacher.class,", "        alpha = -0.1)"),
                Message.DISTILL_ALPHA.format("-0.1"), "alpha = -0.1", teacher());
    }

    @Test
    void aTemperatureDoesNotApplyToRegression() {
        List<String> features = List.of("    @Feature double a;", "    @Feature double b;");
        JavaFileObject regTeacher = spec("Teacher", "SCALAR_REGRESSION", List.of(), features, "    @Label double y;",
                "    @Dense(units = 16) Layer h1;");
        JavaFileObject regStudent = spec("Student", "SCALAR_REGRESSION", List.of("@Distillation(teacher = "
                + "Teacher.class,", "        temperature = 2)"), features, "    @Label double y;");
        assertError(regStudent, Message.DISTILL_NO_SOFT_OUTPUTS.format("SCALAR_REGRESSION"), "temperature = 2",
                regTeacher);
        // without a temperature, the teacher's values are the soft targets
        JavaFileObject plain = spec("Student", "SCALAR_REGRESSION", List.of("@Distillation(teacher = Teacher.class, "
                + "alpha = 0.3)"), features, "    @Label double y;");
        assertThat(kilnErrors(compile(regTeacher, plain))).isEmpty();
    }

    @Test
    void aTeacherIsASpecOrAFileButNotBothNorNeither() {
        assertError(student("@Distillation(temperature = 2)"), Message.DISTILL_TEACHER_NONE.format(),
                "@Distillation(temperature = 2)");
        assertError(student("@Distillation(teacher = Teacher.class,", "        file = \"t.kiln\")"),
                Message.DISTILL_TEACHER_BOTH.format("t.kiln"), "file = \"t.kiln\"", teacher());
        assertError(student("@Distillation(", "        file = \"t.h5\")"), Message.DISTILL_FILE_KIND.format("t.h5"),
                "file = \"t.h5\"");
    }

    @Test
    void aTeacherMustBeAnotherSpec() {
        assertError(student("@Distillation(teacher = Student.class)"), Message.DISTILL_SELF.format("Student"),
                "@Distillation");
        JavaFileObject plain = KilnTesting.spec("Plain", "class Plain {}");
        assertError(student("@Distillation(teacher = Plain.class)"), Message.DISTILL_NOT_SPEC.format("Plain"),
                "@Distillation", plain);
    }

    @Test
    void teachersMayNotLeadBackToTheStudent() {
        JavaFileObject loop = spec("Teacher", "MULTICLASS_CLASSIFICATION", List.of(
                "@Distillation(teacher = Student.class)"), List.of("    @Feature double a;", "    @Feature double b;",
                "    @Feature double c;"), "    @Label(classes = {\"x\", \"y\", \"z\"}) String kind;");
        Compilation c = compile(loop, student("@Distillation(teacher = Teacher.class)"));
        assertThat(kilnErrors(c)).containsExactly(
                Message.DISTILL_CYCLE.format("Teacher", "Teacher -> Student -> Teacher"),
                Message.DISTILL_CYCLE.format("Student", "Student -> Teacher -> Student"));
    }

    @Test
    void aTeacherWithErrorsIsNamed() {
        JavaFileObject broken = spec("Teacher", "MULTICLASS_CLASSIFICATION", List.of(), List.of(
                "    @Feature double a;"), "    @Label(classes = {\"x\", \"y\", \"z\"}) String kind;",
                "    @Dense(units = 0) Layer h;");
        JavaFileObject student = student("@Distillation(teacher = Teacher.class)");
        Compilation c = compile(broken, student);
        CompilationSubject.assertThat(c).hadErrorContaining(Message.DISTILL_TEACHER_ERRORS.format("Teacher"))
                .inFile(student).onLineContaining("@Distillation");
    }

    @Test
    void anEnsembleOfSeedsWorksWithEveryProtocol() {
        Compilation c = compile(student("@Ensemble(seeds = 3)", "@Holdout(validation = 0.2, test = 0.2)"));
        assertThat(kilnErrors(c)).isEmpty();
        assertThat(generated(c, "test.StudentTrainer")).contains(".ensemble(new Ensemble(Members.SEEDS, 3))");
        assertThat(kilnErrors(compile(student("@Ensemble(seeds = 2)", "@KFold(k = 3)")))).isEmpty();
    }

    @Test
    void anEnsembleAveragesAtLeastTwoNetworks() {
        assertError(student("@Ensemble(", "        seeds = 1)"), Message.ENSEMBLE_SEEDS.format(1), "seeds = 1");
    }

    @Test
    void anEnsembleOfFoldModelsNeedsKFoldAndATestSet() {
        assertError(student("@Ensemble(members = Members.FOLDS)", "@Holdout(test = 0.2)"),
                Message.ENSEMBLE_ONE_MODEL.format("@Holdout"), "@Ensemble");
        assertError(student("@Ensemble(members = Members.FOLDS)", "@KFold(k = 5)"),
                Message.ENSEMBLE_FOLDS_TEST.format(), "@KFold");
        assertError(student("@Ensemble(members = Members.FOLDS,", "        seeds = 3)", "@KFold(k = 5, test = 0.2)"),
                Message.ENSEMBLE_SEEDS_FOLDS.format(), "seeds = 3");
        Compilation c = compile(student("@Ensemble(members = Members.FOLDS)", "@KFold(k = 5, test = 0.2)"));
        assertThat(kilnErrors(c)).isEmpty();
        assertThat(generated(c, "test.StudentTrainer")).contains(".ensemble(new Ensemble(Members.FOLDS, 0))");
    }
}
