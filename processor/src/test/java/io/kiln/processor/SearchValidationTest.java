package io.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static io.kiln.processor.DistillationValidationTest.assertError;
import static io.kiln.processor.KilnTesting.compile;
import static io.kiln.processor.KilnTesting.generated;
import static io.kiln.processor.KilnTesting.kilnErrors;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.CompilationSubject;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code @Search} and {@code @Tune}: every candidate checked by the rules of a written value and
 * reported on that candidate; an empty, impossible or unbounded space reported where it is declared;
 * and the configurations a sound search generates.
 */
class SearchValidationTest {

    /**
     * A classifier with a hidden layer {@code h1} and a dropout, under a holdout with validation and test rows;
     * {@code classLines} on the class, {@code h1Tune} and {@code dropTune} on those fields.
     */
    static JavaFileObject spec(List<String> classLines, String h1Tune, String dropTune) {
        List<String> lines = new ArrayList<>(List.of("@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "@CsvData(file = \"d.csv\")", "@Fit(epochs = 20, batchSize = 16, seed = 1)",
                "@Holdout(validation = 0.2, test = 0.2)", "@Adam(learningRate = 0.001)"));
        lines.addAll(classLines);
        lines.add("class Tuned {");
        lines.add("    @Feature double a;");
        lines.add("    @Feature double b;");
        lines.add("    @Label(classes = {\"x\", \"y\", \"z\"}) String kind;");
        lines.add("    @Dense(units = 16) " + h1Tune + " Layer h1;");
        lines.add("    @Dropout(rate = 0.2) " + dropTune + " Layer drop;");
        lines.add("    @Output Layer out;");
        lines.add("}");
        return KilnTesting.spec("Tuned", lines.toArray(String[]::new));
    }

    static JavaFileObject search(String search, String h1Tune, String dropTune) {
        return spec(List.of(search), h1Tune, dropTune);
    }

    /** The error is exactly {@code message}, on the line containing {@code line}, at the column of {@code at} in it. */
    static void assertErrorAt(JavaFileObject spec, String message, String line, String at) {
        assertError(spec, message, line);
        Compilation c = compile(spec);
        String source;
        try {
            source = spec.getCharContent(true).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<String> lines = source.lines().toList();
        int number = 0;
        while (!lines.get(number).contains(line)) {
            number++;
        }
        String text = lines.get(number);
        int column = text.indexOf(at) + 1;
        CompilationSubject.assertThat(c).hadErrorContaining(message).inFile(spec).onLine(number + 1).atColumn(column);
    }

    @Test
    void aSoundRandomSearchGeneratesEveryTrialAndItsOneValueChanges() {
        Compilation c = compile(spec(List.of("@Search(strategy = SearchStrategy.RANDOM, trials = 6, seed = 7)",
                "@Tune(value = \"Adam.learningRate\", min = 0.0001, max = 0.01, log = true)"),
                "@Tune(value = \"units\", values = {8, 32, 64})", "@Tune(optional = true)"));
        assertThat(kilnErrors(c)).isEmpty();
        assertThat(generated(c, "test.TunedTrainer")).contains(".search(TunedSearch::space)");
        String search = generated(c, "test.TunedSearch");
        assertThat(search).contains(".parameter(\"Adam.learningRate\", true, true)");
        assertThat(search).contains(".parameter(\"h1.units\", true, false)");
        assertThat(search).contains(".parameter(\"drop (present)\", false, false)");
        // the declared configuration is configuration 0 and the first trial; 6 trials in all
        assertThat(search).contains(".configuration(0, List.of(\"0.001\", \"16\", \"present\"), \"\"");
        assertThat(search).containsMatch("\\.trials\\(0(, \\d+){5}\\)");
        // a configuration without the dropout has no dropout layer in its network
        assertThat(search).contains("h1: @Dense(units = ");
        assertThat(search).contains("drop: (remove the layer)");
        assertThat(search).contains(".ablation(0, 0, ");
    }

    @Test
    void theSameSeedDrawsTheSameTrials() {
        JavaFileObject s = spec(List.of("@Search(trials = 5, seed = 3, ablationSeeds = 0)",
                "@Tune(value = \"Adam.learningRate\", min = 0.0001, max = 0.01, log = true)"), "", "");
        String first = generated(compile(s), "test.TunedSearch");
        String second = generated(compile(s), "test.TunedSearch");
        assertThat(first).isEqualTo(second);
        JavaFileObject other = spec(List.of("@Search(trials = 5, seed = 4, ablationSeeds = 0)",
                "@Tune(value = \"Adam.learningRate\", min = 0.0001, max = 0.01, log = true)"), "", "");
        // another seed draws other values (not only another seed in the builder call)
        assertThat(drawn(generated(compile(other), "test.TunedSearch"))).isNotEqualTo(drawn(first));
        assertThat(drawn(first)).hasSize(5);
    }

    @Test
    void aRandomSearchDrawsItsWholeBudgetFromAContinuousRange() {
        // a lone continuous range, and one followed by an even number of candidates: the space has no end of
        // configurations, so the budget is drawn in full
        for (String h1 : List.of("", "@Tune(value = \"units\", values = {8, 32, 64, 128})")) {
            Compilation c = compile(spec(List.of("@Search(trials = 7, ablationSeeds = 0)",
                    "@Tune(value = \"Adam.learningRate\", min = 0.0001, max = 0.01, log = true)"), h1, ""));
            assertThat(kilnErrors(c)).isEmpty();
            assertThat(generated(c, "test.TunedSearch")).containsMatch("\\.trials\\(0(, \\d+){6}\\)");
        }
        // a finite space smaller than the budget: each configuration once
        Compilation c = compile(spec(List.of("@Search(trials = 20, ablationSeeds = 0)"),
                "@Tune(value = \"units\", values = {8, 32})", ""));
        assertThat(generated(c, "test.TunedSearch")).containsMatch("\\.trials\\(0, \\d+, \\d+\\)");
    }

    /** The values of a generated search's configurations, as its {@code .configuration(...)} lines list them. */
    private static List<String> drawn(String search) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\.configuration\\(\\d+, List\\.of\\(([^)]*)\\)")
                .matcher(search);
        List<String> values = new ArrayList<>();
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    @Test
    void aGridTriesEveryCombination() {
        Compilation c = compile(search("@Search(strategy = SearchStrategy.GRID, ablationSeeds = 0)",
                "@Tune(value = \"units\", values = {8, 32})",
                "@Tune(value = \"rate\", min = 0.1, max = 0.5, steps = 3)"));
        assertThat(kilnErrors(c)).isEmpty();
        String search = generated(c, "test.TunedSearch");
        // the declared (16, 0.2) and the 2 x 3 grid
        assertThat(search).containsMatch("\\.trials\\(0, 1, 2, 3, 4, 5, 6\\)");
        assertThat(search).contains("List.of(\"32\", \"0.3\")");
        assertThat(search).doesNotContain(".ablation(");
    }

    @Test
    void anOptimizerChoiceUsesThatOptimizersDefaults() {
        Compilation c = compile(spec(List.of("@Search(strategy = SearchStrategy.GRID)",
                "@Tune(value = \"optimizer\", choices = {\"Adam\", \"Sgd\"})"), "", ""));
        assertThat(kilnErrors(c)).isEmpty();
        String search = generated(c, "test.TunedSearch");
        assertThat(search).contains("class: @Sgd (instead of @Adam)");
        assertThat(search).contains("new Sgd(0.01)");
        // the declared optimizer keeps its written values
        Compilation written = compile(KilnTesting.spec("Tuned", "@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "@CsvData(file = \"d.csv\")", "@Holdout(validation = 0.2, test = 0.2)",
                "@Adam(learningRate = 0.02, beta1 = 0.8)", "@Search(strategy = SearchStrategy.GRID)",
                "@Tune(value = \"optimizer\", choices = {\"Adam\", \"RmsProp\"})", "class Tuned {",
                "    @Feature double a;", "    @Label(classes = {\"x\", \"y\"}) String kind;", "    @Output Layer out;", "}"));
        assertThat(kilnErrors(written)).isEmpty();
        String configurations = generated(written, "test.TunedSearch");
        assertThat(configurations).contains("new Adam(0.02, 0.8, 0.999, 1.0E-8)");
        assertThat(configurations).doesNotContain("new Adam(0.001");
    }

    @Test
    void anInvalidCandidateIsTheErrorOfThatValueReportedOnIt() {
        assertErrorAt(search("@Search", "", "@Tune(value = \"rate\", values = {0.1, 1.5})"),
                Message.TUNE_CANDIDATE.format("1.5", "drop.rate", Message.DROPOUT_RATE.format(1.5)), "Layer drop", "1.5");
        assertErrorAt(search("@Search", "@Tune(value = \"units\", values = {8, -4})", ""),
                Message.TUNE_CANDIDATE.format("-4", "h1.units", Message.UNITS_POSITIVE.format(-4)), "Layer h1", "-4");
        assertErrorAt(search("@Search", "", "@Tune(value = \"rate\", min = 0.1, max = 1.2)"),
                Message.TUNE_CANDIDATE.format("1.2", "drop.rate", Message.DROPOUT_RATE.format(1.2)), "Layer drop", "1.2");
    }

    @Test
    void anEmptySpaceIsAnError() {
        assertError(search("@Search", "", ""), Message.SEARCH_EMPTY.format("no value of the spec has @Tune"),
                "@Search");
        assertError(search("@Search", "@Tune(value = \"units\", values = {})", ""),
                Message.TUNE_NO_CANDIDATES.format("units"), "Layer h1");
        assertError(search("@Search", "@Tune(\"units\")", ""), Message.TUNE_NO_CANDIDATES.format("units"), "Layer h1");
    }

    @Test
    void aRangeIsOrderedAndALogRangePositive() {
        assertError(search("@Search", "", "@Tune(value = \"rate\", min = 0.5, max = 0.5)"),
                Message.TUNE_RANGE_ORDER.format("rate", "0.5", "0.5"), "Layer drop");
        assertError(search("@Search", "", "@Tune(value = \"rate\", min = 0.5, max = 0.1)"),
                Message.TUNE_RANGE_ORDER.format("rate", "0.5", "0.1"), "Layer drop");
        assertError(search("@Search", "", "@Tune(value = \"rate\", min = 0, max = 0.5, log = true)"),
                Message.TUNE_LOG_BOUND.format("rate", "0"), "Layer drop");
        assertError(search("@Search", "", "@Tune(value = \"rate\", min = 0.1)"),
                Message.TUNE_RANGE_HALF.format("rate", "min", "max"), "Layer drop");
        assertError(search("@Search", "", "@Tune(value = \"rate\", min = 0.1, max = 0.5, steps = 1)"),
                Message.TUNE_STEPS.format(1, "rate"), "Layer drop");
        assertError(search("@Search", "", "@Tune(value = \"rate\", values = {0.1}, steps = 3)"),
                Message.TUNE_STEPS_NO_RANGE.format("rate", "steps"), "Layer drop");
    }

    @Test
    void aValueTheSpecDoesNotHaveIsAnError() {
        assertError(search("@Search", "@Tune(value = \"rate\", values = {0.1})", ""),
                Message.TUNE_UNKNOWN.format("rate", "no annotation here has 'rate'", "field",
                        "\"units\" or \"Dense.units\""), "Layer h1");
        assertError(spec(List.of("@Search", "@Tune(value = \"Sgd.learningRate\", values = {0.1})"), "", ""),
                Message.TUNE_UNKNOWN.format("Sgd.learningRate", "@Sgd is not written on this class", "class",
                        "\"Adam.learningRate\" or \"Fit.batchSize\""), "@Tune(");
        assertError(spec(List.of("@Search", "@Tune(value = \"Fit.momentum\", values = {0.1})"), "", ""),
                Message.TUNE_UNKNOWN.format("Fit.momentum", "@Fit has no 'momentum'", "class",
                        "\"Adam.learningRate\" or \"Fit.batchSize\""), "@Tune(");
    }

    @Test
    void aGridOverAContinuousRangeNeedsSteps() {
        assertError(search("@Search(strategy = SearchStrategy.GRID)", "",
                "@Tune(value = \"rate\", min = 0.1, max = 0.5)"),
                Message.TUNE_GRID_CONTINUOUS.format("rate", "0.1", "0.5"), "Layer drop");
    }

    @Test
    void candidatesHaveTheValuesType() {
        assertErrorAt(search("@Search", "@Tune(value = \"units\", values = {8, 12.5})", ""),
                Message.TUNE_CANDIDATE_TYPE.format("units", "h1.units is a whole number, so candidate 12.5 cannot be "
                        + "one", "Give whole numbers."), "Layer h1", "12.5");
        assertErrorAt(search("@Search", "@Tune(value = \"activation\", choices = {\"RELU\", \"SWISH2\"})", ""),
                Message.TUNE_CANDIDATE_TYPE.format("activation", "\"SWISH2\" is not one of h1.activation's values",
                        "Use one of: " + String.join(", ", java.util.Arrays.stream(io.kiln.dsl.Activation.values())
                                .map(Enum::name).toList()) + "."), "Layer h1", "\"SWISH2\"");
        assertError(search("@Search", "@Tune(value = \"activation\", values = {1, 2})", ""),
                Message.TUNE_CANDIDATE_TYPE.format("activation", "h1.activation is a constant of Activation, not a "
                        + "number", "Give its candidates with choices = {...}."), "Layer h1");
        assertError(search("@Search", "@Tune(value = \"units\", values = {8}, choices = {\"x\"})", ""),
                Message.TUNE_TWO_KINDS.format("units", "values", "choices"), "Layer h1");
    }

    @Test
    void optionalIsForHiddenLayers() {
        assertError(KilnTesting.spec("Tuned", "@Model(task = Task.MULTICLASS_CLASSIFICATION)", "@CsvData(file = \"d.csv\")",
                        "@Holdout(validation = 0.2, test = 0.2)", "@Search", "class Tuned {",
                        "    @Feature @Tune(optional = true) double a;",
                        "    @Label(classes = {\"x\", \"y\"}) String kind;", "    @Output Layer out;", "}"),
                Message.TUNE_OPTIONAL.format("a", "'a' is not a layer"), "double a");
    }

    @Test
    void aTuneWithoutSearchAndATuneTwiceAreErrors() {
        assertError(spec(List.of(), "@Tune(value = \"units\", values = {8})", ""),
                Message.TUNE_WITHOUT_SEARCH.format("units"), "Layer h1");
        assertError(search("@Search", "@Tune(value = \"units\", values = {8}) @Tune(value = \"Dense.units\", "
                + "values = {4})", ""), Message.TUNE_TWICE.format("h1.units"), "Layer h1");
    }

    @Test
    void theSearchNeedsValidationAndTestRows() {
        JavaFileObject kfold = KilnTesting.spec("Tuned", "@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "@CsvData(file = \"d.csv\")", "@KFold(k = 5)", "@Search", "class Tuned {", "    @Feature double a;",
                "    @Label(classes = {\"x\", \"y\"}) String kind;",
                "    @Dense(units = 8) @Tune(value = \"units\", values = {4, 8}) Layer h;", "    @Output Layer out;", "}");
        assertError(kfold, Message.SEARCH_VALIDATION.format("@KFold sets no test split (test = 0), so the "
                + "cross-validated estimate would be measured on the folds that chose the winner",
                "Set @KFold(test = 0.2): trials are then cross-validated on the other rows."), "@Search");
        JavaFileObject holdout = KilnTesting.spec("Tuned", "@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "@CsvData(file = \"d.csv\")", "@Holdout(validation = 0, test = 0.2)", "@Search", "class Tuned {",
                "    @Feature double a;", "    @Label(classes = {\"x\", \"y\"}) String kind;",
                "    @Dense(units = 8) @Tune(value = \"units\", values = {4, 8}) Layer h;", "    @Output Layer out;", "}");
        assertError(holdout, Message.SEARCH_VALIDATION.format("@Holdout sets no validation split (validation = 0)",
                "Set @Holdout(validation = 0.2), or cross-validate with @KFold(test = 0.2)."), "@Search");
    }

    @Test
    void trialsAreScoredByOneMetricOfTheTask() {
        Compilation c = compile(search("@Search(metric = Metric.LOG_LOSS)", "@Tune(value = \"units\", values = {8})", ""));
        assertThat(kilnErrors(c)).isEmpty();
        assertThat(generated(c, "test.TunedSearch")).contains(".metric(\"log_loss\")");
        String allowed = String.join(", ", io.kiln.dsl.Metric.of(io.kiln.dsl.Task.MULTICLASS_CLASSIFICATION).stream()
                .map(Enum::name).toList());
        assertError(search("@Search(metric = Metric.R2)", "@Tune(value = \"units\", values = {8})", ""),
                Message.SEARCH_METRIC.format("R2", "does not apply to MULTICLASS_CLASSIFICATION", allowed), "@Search");
        assertError(search("@Search(metric = Metric.LOSS)", "@Tune(value = \"units\", values = {8})", ""),
                Message.SEARCH_METRIC.format("LOSS", "is the training loss, not a metric of the validation rows",
                        allowed), "@Search");
        assertError(search("@Search(metric = {Metric.ACCURACY, Metric.LOG_LOSS})", "@Tune(value = \"units\", "
                + "values = {8})", ""), Message.SEARCH_METRIC.format("[ACCURACY, LOG_LOSS]", "names 2 metrics",
                allowed), "@Search");
    }

    @Test
    void aSearchTrainsSingleNetworks() {
        JavaFileObject s = KilnTesting.spec("Tuned", "@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "@CsvData(file = \"d.csv\")", "@Holdout(validation = 0.2, test = 0.2)", "@Ensemble",
                "@Search", "class Tuned {", "    @Feature double a;", "    @Label(classes = {\"x\", \"y\"}) String kind;",
                "    @Dense(units = 8) @Tune(value = \"units\", values = {4, 8}) Layer h;", "    @Output Layer out;", "}");
        assertError(s, Message.SEARCH_UNSUPPORTED.format("Ensemble", "Ensemble"), "@Search");
    }

    @Test
    void whatEveryTrialSharesCannotBeTuned() {
        assertError(spec(List.of("@Search", "@Tune(value = \"Holdout.validation\", values = {0.1, 0.3})"), "", ""),
                Message.TUNE_FIXED.format("Holdout.validation", "@Holdout.validation (the split)"), "@Tune(");
        assertError(spec(List.of("@Search", "@Tune(value = \"Fit.seed\", values = {1, 2})"), "", ""),
                Message.TUNE_FIXED.format("Fit.seed", "@Fit.seed (the split's seed)"), "@Tune(");
        assertError(spec(List.of("@Search", "@Tune(value = \"CsvData.header\", choices = {\"true\", \"false\"})"),
                "", ""), Message.TUNE_FIXED.format("CsvData.header", "@CsvData.header (the data)"), "@Tune(");
        assertError(KilnTesting.spec("Tuned", "@Model(task = Task.MULTICLASS_CLASSIFICATION)",
                "@CsvData(file = \"d.csv\")", "@Holdout(validation = 0.2, test = 0.2)", "@Search", "class Tuned {",
                "    @Feature @Tune(value = \"scaling\", choices = {\"NONE\", \"STANDARDIZE\"}) double a;",
                "    @Label(classes = {\"x\", \"y\"}) String kind;", "    @Output Layer out;", "}"),
                Message.TUNE_FIXED.format("scaling", "@Feature.scaling (the schema)"), "double a");
    }

    @Test
    void aSpaceGeneratesAtMost600Configurations() {
        // 200 trials of 4 parameters, each with its one-value changes: about 1000 configurations
        assertError(spec(List.of("@Search(trials = 200)",
                "@Tune(value = \"Adam.learningRate\", min = 0.0001, max = 0.01, log = true)",
                "@Tune(value = \"Fit.batchSize\", min = 8, max = 256)"), "@Tune(value = \"units\", min = 2, max = 512)",
                "@Tune(value = \"rate\", min = 0.0, max = 0.6)"),
                Message.SEARCH_CONFIGURATIONS.format(1000, 200, 600), "@Search");
    }

    @Test
    void searchSettingsAreChecked() {
        assertError(search("@Search(trials = 0)", "@Tune(value = \"units\", values = {8})", ""),
                Message.SEARCH_SETTING.format("trials", 0, "is outside 1 to 200", "Set trials between 1 and 200."),
                "@Search");
        assertError(search("@Search(strategy = SearchStrategy.HALVING, minEpochs = 20)",
                "@Tune(value = \"units\", values = {8})", ""), Message.SEARCH_SETTING.format("minEpochs", 20,
                "must be at least 1 and below the declared 20 epochs",
                "Set minEpochs to a few epochs (the first rung), or raise @Fit(epochs)."), "@Search");
        assertError(search("@Search(strategy = SearchStrategy.HALVING, factor = 1)",
                "@Tune(value = \"units\", values = {8})", ""), Message.SEARCH_SETTING.format("factor", 1,
                "would keep every configuration at each rung", "Set factor = 3 (or at least 2)."), "@Search");
        assertError(search("@Search(ablationSeeds = 11)", "@Tune(value = \"units\", values = {8})", ""),
                Message.SEARCH_SETTING.format("ablationSeeds", 11, "is outside 0 to 10",
                        "Set ablationSeeds = 3, or 0 for no ablation."), "@Search");
        assertError(spec(List.of("@Search(strategy = SearchStrategy.HALVING)",
                "@Tune(value = \"Fit.epochs\", values = {10, 20})"), "", ""),
                Message.SEARCH_HALVING_EPOCHS.format(20, "Fit.epochs"), "@Tune(");
        assertError(search("@Search(strategy = SearchStrategy.GRID)", "@Tune(value = \"units\", min = 1, max = 300, "
                + "steps = 300)", "@Tune(value = \"rate\", values = {0.1, 0.2})"),
                Message.SEARCH_TOO_LARGE.format(600, 200), "@Search");
    }

    @Test
    void valuesThatDoNotFitTogetherAreReportedOnTheSearch() {
        // alone, each candidate is valid; together the schedule's floor is above the optimizer's rate
        JavaFileObject s = spec(List.of("@Search(strategy = SearchStrategy.GRID, ablationSeeds = 0)",
                "@CosineDecay(minLearningRate = 0.0001)",
                "@Tune(value = \"Adam.learningRate\", values = {0.001, 0.0002})",
                "@Tune(value = \"CosineDecay.minLearningRate\", values = {0.0001, 0.0005})"), "", "");
        Compilation c = compile(s);
        List<String> errors = kilnErrors(c);
        assertThat(errors).containsExactly(Message.SEARCH_CONFIGURATION.format(
                "{Adam.learningRate = 2.0E-4, CosineDecay.minLearningRate = 5.0E-4}", Message.SCHEDULE_BOUNDS.format(
                        "CosineDecay", "minLearningRate", "5.0E-4", "the rate anneals down to minLearningRate, which "
                                + "must be zero or positive and below the optimizer's learning rate 2.0E-4 (@Adam); use "
                                + "e.g. minLearningRate = 2.0E-6")));
        CompilationSubject.assertThat(c).hadErrorContaining("[kiln.search-configuration]").inFile(s)
                .onLineContaining("@Search(");
    }
}
