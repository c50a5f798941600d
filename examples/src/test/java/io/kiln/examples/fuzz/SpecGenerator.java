package io.kiln.examples.fuzz;

import io.kiln.dsl.Activation;
import io.kiln.dsl.Encoding;
import io.kiln.dsl.Loss;
import io.kiln.dsl.Metric;
import io.kiln.dsl.Missing;
import io.kiln.dsl.Pooling;
import io.kiln.dsl.Scaling;
import io.kiln.dsl.Task;
import io.kiln.dsl.TextEncoding;
import io.kiln.examples.fuzz.FuzzSpec.Coding;
import io.kiln.examples.fuzz.FuzzSpec.Column;
import io.kiln.examples.fuzz.FuzzSpec.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Draws Kiln spec classes that use every annotation of {@code io.kiln.dsl} ({@link #ANNOTATIONS}).
 *
 * <p>A spec is built from its input: a table of mixed features, a wide table (130 to 140 doubles), a
 * CSV {@code @Image}, IDX images, a {@code @Series}, a TOKENS {@code @Text} or a bag of words. Its layers
 * are stacked to fit that input (convolutions and pooling on images, recurrent, 1-D and attention layers on
 * sequences, an embedding first on tokens, dense layers on tables), with kernels chosen to fit the shapes
 * so far, and small (a few units or filters) so that one training epoch is fast. Then, on purpose, some
 * specs are wrong: about one in seven has its layer stack mutated (a random layer inserted, one removed,
 * two swapped, one after the output, two annotations on one field), and every attribute set takes, with
 * probability {@link #EDGE}, an edge value (0, -1, {@code Integer.MIN_VALUE}, a very large value where that
 * is cheap to run, NaN, infinities, {@code Double.MAX_VALUE}, empty strings and arrays). Field names are
 * now and then ones the generated code may trip over ({@code hashCode}, {@code toString},
 * {@code probability}, ...), class names now and then ones a table cannot hold ({@code "NA"}, a default
 * missing-value token; {@code ""}), and the label is not always declared right after the features.
 *
 * <p>A spec is a function of {@code (seed, index)}: {@link #generate} draws everything from one
 * {@link Random} seeded from both, so a failing try can be regenerated alone.
 */
public final class SpecGenerator {
    /** Every annotation of the DSL, for the summary's coverage line. */
    static final List<String> ANNOTATIONS = List.of("Model", "CsvData", "IdxData", "Feature", "Features", "Text", "Label",
            "Image", "Series", "Dense", "Dropout", "BatchNorm", "Conv2D", "SeparableConv2D", "Pool2D", "GlobalPool",
            "Conv1D", "Pool1D", "Lstm", "SimpleRnn", "LastTimeStep", "Embedding", "SelfAttention", "Residual",
            "Output", "Sgd", "Adam", "AdamW", "RmsProp", "AdaGrad", "Fit", "Holdout", "KFold", "TemporalSplit",
            "EarlyStopping", "ReduceOnPlateau", "Regularization", "GradientClipping", "StepDecay",
            "ExponentialDecay", "CosineDecay", "OneCycle", "Warmup", "Report", "Preprocessing", "Augment",
            "ClassWeights", "TuneThreshold", "Transfer", "LayerRate", "Ensemble", "Distillation", "Retrain", "Search",
            "Tune");

    /** The probability that an attribute takes an edge value rather than a plausible one. */
    static final double EDGE = 0.025;
    private static final double[] EDGE_DOUBLES = {0, -1, 1, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.MAX_VALUE, Double.MIN_VALUE, 1e6};
    private static final List<String> TRICKY_NAMES = List.of("hashCode", "toString", "probability", "probabilities",
            "wait", "getClass", "model", "rows", "result", "inputs", "in", "p", "i", "FEATURES", "pixels", "value",
            "INPUTS", "layout",
            "größe", "$x");
    private static final List<String> CLASS_NAMES = List.of("no", "yes", "cat", "dog", "bird", "fish", "a b", "x,y",
            "0", "1");
    private static final List<String> LEVELS = List.of("low", "mid", "high", "n/a?", "Ü", "x;y", "q\"t");
    private static final List<String> CONSTANTS = List.of("RED", "GREEN", "BLUE", "CYAN", "MAGENTA");
    /** The words of generated texts. */
    static final List<String> WORDS = List.of("grain", "wheat", "price", "corn", "ship", "rain", "crop", "trade",
            "oil", "rose", "fell", "the");
    /** The values of a String feature without declared levels. */
    static final List<String> UNDECLARED_LEVELS = List.of("a", "b", "c");

    private enum Kind { TABLE, WIDE, IMAGE, IDX, SERIES, TOKENS, BAG_OF_WORDS }

    private Random r;
    /** The seed of the search's own draws (see {@link #search}). */
    private final long searchSeed;
    private final long index;
    private final String name;
    private final Map<String, Ann> classAnnotations = new LinkedHashMap<>();
    private final List<String> enums = new ArrayList<>();
    private final List<String> fields = new ArrayList<>();
    /** Each layer field: {annotations, type, name}. */
    private final List<String[]> layers = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final List<Column> columns = new ArrayList<>();
    private Kind kind;
    private Task task;
    private FuzzSpec.Label label;
    private String labelField;
    private int window;
    private int horizon;
    private int maxTokens = 200;
    private int[] image;
    private String orderBy;
    private boolean orderByDates;
    private boolean header = true;
    private char delimiter = ',';
    private double learningRate = 0.001;
    private boolean officialTestSet;
    /** The fields of {@code @Features} groups (and "unread", the columns a step skips). */
    private final Set<String> groupFields = new HashSet<>();

    private SpecGenerator(Random random, long index, long searchSeed) {
        this.r = random;
        this.searchSeed = searchSeed;
        this.index = index;
        this.name = "Spec" + index;
    }

    /** The specs of tries {@code first .. first + tries - 1} under {@code seed}, each drawn once (exhaustively). */
    public static Arbitrary<FuzzSpec> specs(long seed, long first, int tries) {
        return Arbitraries.longs().between(first, first + tries - 1).map(i -> generate(seed, i));
    }

    /** Try {@code index} of the run with {@code seed}. */
    public static FuzzSpec generate(long seed, long index) {
        SplittableRandom split = new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L));
        long mixed = split.nextLong();
        return new SpecGenerator(new Random(mixed), index, split.nextLong()).build();
    }

    private FuzzSpec build() {
        int k = r.nextInt(100);
        kind = k < 30 ? Kind.TABLE : k < 34 ? Kind.WIDE : k < 48 ? Kind.IMAGE : k < 58 ? Kind.IDX
                : k < 76 ? Kind.SERIES : k < 90 ? Kind.TOKENS : Kind.BAG_OF_WORDS;
        task = switch (kind) {
            case IMAGE, IDX -> p(0.95) ? pick(Task.BINARY_CLASSIFICATION, Task.MULTICLASS_CLASSIFICATION)
                    : pick(Task.values());
            case SERIES -> pick(Task.SCALAR_REGRESSION, Task.SCALAR_REGRESSION, Task.SCALAR_REGRESSION,
                    Task.BINARY_CLASSIFICATION, Task.MULTICLASS_CLASSIFICATION, Task.VECTOR_REGRESSION);
            case TOKENS -> pick(Task.BINARY_CLASSIFICATION, Task.BINARY_CLASSIFICATION,
                    Task.MULTICLASS_CLASSIFICATION, Task.MULTILABEL_CLASSIFICATION, Task.SCALAR_REGRESSION);
            default -> pick(Task.values());
        };
        Ann model = new Ann("Model").set("task", task);
        model.setIf(p(0.15), "name", p(0.7) ? "fuzz-model_" + index + ".v1" : pick("", "has space", "../up", "naïve"));
        data();
        features();
        label();
        switch (kind) {
            case IMAGE, IDX -> imageStack();
            case SERIES -> sequenceStack(window, columns.size(), false);
            case TOKENS -> sequenceStack(maxTokens, 0, true);
            default -> flatStack();
        }
        stack(output(), "out");
        if (p(0.15)) {
            mutate();
        }
        training();
        transfer(model);
        knowledge();
        retrain();
        search();
        return new FuzzSpec(index, name, render(model), task, List.copyOf(columns), label, kind == Kind.IDX, window,
                horizon, image, orderBy, orderByDates, header, delimiter, sourceLayers == null ? null
                        : teacher ? "Teacher" : "Source");
    }

    // ---------------------------------------------------------------- data and schema

    private void data() {
        if (kind == Kind.IDX) {
            Ann a = new Ann("IdxData").set("images", p(EDGE) ? "" : "train-images-idx3-ubyte.gz")
                    .set("labels", "train-labels-idx1-ubyte.gz");
            if (p(0.1)) {
                officialTestSet = true;
                a.set("testImages", "t10k-images-idx3-ubyte.gz");
                a.setIf(!p(4 * EDGE), "testLabels", "t10k-labels-idx1-ubyte.gz");
            }
            add(a);
        }
        if (kind == Kind.IDX ? p(EDGE) : p(0.85)) {
            Ann a = new Ann("CsvData");
            switch (p(EDGE) ? 2 + r.nextInt(2) : r.nextInt(2)) {
                case 0 -> a.set("resource", "data.csv");
                case 1 -> a.set("file", "data.csv");
                case 2 -> a.set("resource", "data.csv").set("file", "data.csv");
                default -> { } // neither
            }
            header = !p(0.04);
            a.setIf(!header || p(0.1), "header", header);
            if (p(0.12)) {
                delimiter = p(0.08) ? '"' : pick(';', '\t', '|');
                a.set("delimiter", delimiter);
            }
            a.setIf(p(0.08), "missingValues", p(0.5) ? List.of("?") : List.<String>of());
            if (p(0.05)) {
                officialTestSet = true;
                a.set("testFile", "test.csv");
            }
            add(a);
        }
        if (kind == Kind.IMAGE || kind == Kind.IDX) {
            int channels = p(0.85) ? 1 : between(2, 3);
            int side = channels > 1 ? 8 : 10;
            image = channels == 1 && p(0.12) ? new int[] {12, 12, 1}
                    : new int[] {between(6, side), between(6, side), channels};
            int height = n(image[0], Integer.MAX_VALUE);
            int width = n(image[1], 100);
            boolean setChannels = channels > 1 || p(0.2);
            int declaredChannels = setChannels ? n(channels, Integer.MAX_VALUE) : 1;
            add(new Ann("Image").set("height", height).set("width", width)
                    .setIf(setChannels, "channels", declaredChannels));
            if (kind == Kind.IDX) { // IDX images have the declared size; CSV pixels stay as intended, so it must agree
                image = new int[] {height, width, declaredChannels};
            }
        } else if (kind == Kind.SERIES) {
            window = p(0.1) ? between(60, 120) : between(2, 8);
            horizon = p(0.5) ? 1 : between(1, 3);
            Ann a = new Ann("Series").set("window", n(window, window));
            a.setIf(horizon != 1 || p(0.3), "horizon", n(horizon, horizon));
            add(a);
        } else if (p(EDGE)) { // an image or a series that is not there
            add(p(0.5) ? new Ann("Image").set("height", 2).set("width", 2) : new Ann("Series").set("window", 3));
        }
    }

    private void features() {
        switch (kind) {
            case TABLE -> repeat(between(1, 6), this::tableFeature);
            case WIDE -> {
                int n = between(130, 140);
                if (p(0.5)) {
                    group("x", n, true, false);
                } else {
                    repeat(n, () -> numeric("x" + columns.size(), "double"));
                }
            }
            case IMAGE -> {
                int n = image[0] * image[1] * image[2] + (p(EDGE) ? pick(-1, 1) : 0);
                if (p(0.5)) {
                    // a column more or less than the image's pixels is declared, so that the processor sees it
                    group("pixel", n, false, n != image[0] * image[1] * image[2]);
                } else {
                    repeat(n, () -> numeric("pixel" + columns.size(), "double"));
                }
            }
            case IDX -> repeat(p(EDGE) ? 1 : 0, this::tableFeature);
            case SERIES -> {
                repeat(between(1, 3), () -> numeric("s" + columns.size(), pick("double", "float", "Double", "int")));
                repeat(p(EDGE) ? 1 : 0, this::tableFeature);
            }
            case TOKENS -> {
                text(TextEncoding.TOKENS);
                repeat(p(2 * EDGE) ? 1 : 0, this::tableFeature);
            }
            case BAG_OF_WORDS -> {
                text(TextEncoding.BAG_OF_WORDS);
                repeat(between(0, 3), this::tableFeature);
            }
        }
    }

    /**
     * One {@code @Features} field over {@code n} numeric columns {@code prefix0 ..}: found by a pattern, a
     * range or (in a file without a header) by count; now and then every other one of them ({@code
     * stepped}), with shared settings, or with a selection the processor must reject. {@code declareCount}:
     * the count is declared (a wrong number of pixels must be a compile error, not one at run time).
     */
    private void group(String prefix, int n, boolean stepped, boolean declareCount) {
        String field = fieldName(prefix + "s", 0.04);
        groupFields.add(field);
        groupFields.add("unread");
        Ann a = new Ann("Features");
        int every = stepped && header && p(0.15) ? 2 : 1;
        if (!header) { // columns by position: the count says how many
            a.set("count", n);
        } else {
            switch (r.nextInt(4)) {
                case 0 -> a.set("matching", prefix + "\\d+");
                case 1 -> a.set("from", prefix + "0").set("to", prefix + (n - 1));
                case 2 -> a.set("from", prefix + "0"); // to the last column: the label's is left out
                default -> a.set("matching", prefix + ".*").set("to", prefix + (n - 1));
            }
            a.setIf(every > 1, "every", every);
            a.setIf(declareCount || p(0.3), "count", every > 1 ? (n + 1) / 2 : n);
        }
        a.setIf(p(EDGE), "every", pick(0, -1));
        a.setIf(p(EDGE), "count", -1);
        a.setIf(p(EDGE), "matching", prefix + "[");
        a.setIf(p(EDGE), "levels", List.of("a", "b"));
        a.setIf(p(0.15), "scaling", pick(Scaling.STANDARDIZE, Scaling.MIN_MAX, Scaling.NONE));
        a.setIf(p(0.1), "missing", pick(Missing.MEAN, Missing.MEDIAN, Missing.MOST_FREQUENT));
        fields.add(a + " " + (p(EDGE) ? pick("double", "Object[]") : pick("double[]", "double[]", "float[]"))
                + " " + field + ";");
        for (int i = 0; i < n; i++) { // the columns a step skips belong to no field
            columns.add(new Column(i % every == 0 ? field : "unread", prefix + i, Type.REAL, List.of()));
        }
    }

    private void numeric(String preferred, String javaType) {
        String field = fieldName(preferred, 0);
        fields.add("@Feature " + javaType + " " + field + ";");
        columns.add(new Column(field, field, javaType.equals("int") ? Type.INTEGER : Type.REAL, List.of()));
    }

    private void tableFeature() {
        Ann a = new Ann("Feature");
        String field = fieldName("f" + columns.size(), 0.04);
        int t = r.nextInt(12);
        Type type = t < 4 ? Type.REAL : t < 6 ? Type.INTEGER : t < 8 ? Type.BOOLEAN : t < 10 ? Type.STRING : Type.ENUM;
        List<String> levels = List.of();
        String javaType = switch (type) {
            case REAL -> pick("double", "double", "float", "Double");
            case INTEGER -> pick("int", "long", "Integer", "Long");
            case BOOLEAN -> pick("boolean", "Boolean");
            case ENUM -> newEnum(levels = sample(CONSTANTS, between(2, 4)));
            default -> "String";
        };
        boolean categorical = type == Type.STRING || type == Type.ENUM;
        if (type == Type.STRING && p(0.6)) {
            levels = sample(LEVELS, between(2, 4));
            a.set("levels", p(EDGE) ? Stream.concat(levels.stream(), Stream.of(levels.get(0))).toList() : levels);
        } else if (type != Type.STRING) {
            a.setIf(p(EDGE), "levels", List.of("low", "high")); // levels on a field that is no String
        }
        a.setIf(categorical ? p(0.2) : p(EDGE), "encoding", pick(Encoding.values()));
        a.setIf(categorical || type == Type.BOOLEAN ? p(EDGE) : p(0.15), "scaling", pick(Scaling.values()));
        if (p(0.12)) {
            Missing missing = p(EDGE * 4) ? pick(Missing.values()) : switch (type) {
                case REAL, INTEGER -> pick(Missing.MEAN, Missing.MEDIAN, Missing.MOST_FREQUENT, Missing.ERROR,
                        Missing.CONSTANT);
                case BOOLEAN -> pick(Missing.MOST_FREQUENT, Missing.ERROR, Missing.CONSTANT);
                default -> pick(Missing.MOST_FREQUENT, Missing.MISSING_CATEGORY, Missing.ERROR, Missing.CONSTANT);
            };
            a.set("missing", missing);
            if (missing == Missing.CONSTANT && !p(0.1)) {
                a.set("constant", p(EDGE * 4) ? pick("", "abc", "NaN") : switch (type) {
                    case REAL, INTEGER -> "0";
                    case BOOLEAN -> "true";
                    default -> levels.isEmpty() ? "a" : levels.get(0);
                });
            }
        } else {
            a.setIf(p(EDGE), "constant", "0"); // a constant without Missing.CONSTANT
        }
        String column = field;
        if (p(EDGE) && !columns.isEmpty()) {
            column = columns.get(0).column();
        } else if (p(0.25)) {
            column = "col " + field;
        }
        a.setIf(!column.equals(field) || p(0.05), "column", column);
        fields.add(a + " " + (p(EDGE) ? pick("char", "java.time.LocalDate", "Object") : javaType) + " " + field + ";");
        columns.add(new Column(field, column, type, levels));
    }

    private void text(TextEncoding encoding) {
        Ann a = new Ann("Text");
        String field = fieldName(pick("story", "text", "body"), 0.04);
        a.setIf(encoding == TextEncoding.BAG_OF_WORDS || p(0.5), "encoding", encoding);
        if (encoding == TextEncoding.TOKENS ? p(0.85) : p(0.2)) {
            maxTokens = n(between(3, 12), 100);
            a.set("maxTokens", maxTokens);
        }
        a.setIf(p(0.7), "vocabulary", n(between(5, 50), 100_000));
        a.setIf(p(0.2), "lowercase", false);
        String column = p(0.2) ? "text body" : field;
        a.setIf(!column.equals(field), "column", column);
        fields.add(a + " " + (p(EDGE) ? "int" : "String") + " " + field + ";");
        columns.add(new Column(field, column, Type.TEXT, List.of()));
    }

    private void label() {
        String field = fieldName(pick("label", "target", "y", "outcome"), 0.05);
        Ann a = new Ann("Label");
        String column = field;
        if (kind == Kind.SERIES && task == Task.SCALAR_REGRESSION && !columns.isEmpty() && p(0.5)) {
            column = columns.get(0).column(); // forecasting a series from its own past
        } else if (p(0.2)) {
            column = "label col";
        }
        List<String> labelColumns = List.of(column);
        List<String> classes = List.of();
        Coding coding;
        String javaType;
        switch (task) {
            case BINARY_CLASSIFICATION, MULTICLASS_CLASSIFICATION -> {
                boolean binary = task == Task.BINARY_CLASSIFICATION;
                int count = p(EDGE) ? pick(0, 1, 5) : binary || p(0.05) ? 2 : between(3, 4);
                int t = r.nextInt(binary ? 4 : 3);
                if (t == 3) {
                    javaType = pick("boolean", "Boolean");
                    coding = Coding.BOOLEAN;
                    classes = List.of("false", "true");
                    a.setIf(p(EDGE), "classes", List.of("no", "yes"));
                } else if (t == 2) {
                    classes = sample(CONSTANTS, Math.max(count, 1));
                    javaType = newEnum(classes);
                    coding = Coding.NAME;
                } else {
                    javaType = t == 0 ? pick("int", "int", "long", "Integer") : "String";
                    coding = t == 0 ? Coding.INDEX : Coding.NAME;
                    classes = classNames(count);
                    a.setIf(!p(EDGE), "classes", classes);
                }
                a.setIf(binary ? p(0.15) : p(EDGE), "threshold", d(0.3, 0.5, 0.7));
            }
            case MULTILABEL_CLASSIFICATION -> {
                javaType = "boolean[]";
                coding = Coding.MULTI_HOT;
                classes = classNames(between(2, 3));
                a.set("classes", classes);
                labelColumns = classes;
                if (p(0.3)) {
                    labelColumns = classes.stream().map(c -> "has " + c).toList();
                    a.set("columns", p(EDGE) ? labelColumns.subList(0, 1) : labelColumns);
                }
            }
            case SCALAR_REGRESSION -> {
                javaType = pick("double", "float", "Double");
                coding = Coding.VALUES;
            }
            default -> {
                javaType = "double[]";
                coding = Coding.VALUES;
                labelColumns = Stream.iterate(0, j -> j + 1).limit(p(EDGE) ? 1 : between(2, 3))
                        .map(j -> "target_" + j).toList();
                a.set("columns", labelColumns);
            }
        }
        boolean single = task != Task.MULTILABEL_CLASSIFICATION && task != Task.VECTOR_REGRESSION;
        a.setIf(single && !column.equals(field) || p(EDGE), "column", column);
        label = new FuzzSpec.Label(field, coding, labelColumns, classes);
        String wrongType = pick("int[]", task.isClassification() ? "double" : "String");
        labelField = a + " " + (p(EDGE) ? wrongType : javaType) + " " + field + ";";
    }

    // ---------------------------------------------------------------- layers

    private void flatStack() {
        repeat(between(0, 3), () -> {
            int c = r.nextInt(6);
            stack(c < 4 ? dense(between(1, 8)) : c == 4 ? dropout() : batchNorm(), "layer");
        });
        if (p(0.12)) {
            int units = between(2, 6);
            String from = stack(dense(units), "dense");
            stack(dense(units), "dense");
            stack(dense(units), "dense");
            stack(residual(from), "res");
        }
    }

    /** Convolutions and pooling that fit the image (tracked in {@code hwc}), then a flattening layer. */
    private void imageStack() {
        long[] hwc = {Math.max(1, image[0]), Math.max(1, image[1]), Math.max(1, image[2])};
        repeat(between(1, 3), () -> {
            int c = r.nextInt(10);
            if (c < 5) {
                stack(conv(false, hwc), "conv");
            } else if (c < 7 && hwc[2] > 1) {
                stack(conv(true, hwc), "sep");
            } else if (c < 9 && Math.min(hwc[0], hwc[1]) >= 2) {
                stack(pool2d(hwc), "pool");
            } else {
                stack(p(0.5) ? batchNorm() : dropout(), "layer");
            }
        });
        if (p(0.15)) {
            int filters = between(2, 4);
            String from = stack(new Ann("Conv2D").set("filters", filters).set("same", true), "conv");
            stack(new Ann("Conv2D").set("filters", filters).set("same", true), "conv");
            stack(new Ann("Conv2D").set("filters", filters).set("same", true)
                    .setIf(p(0.5), "activation", Activation.IDENTITY), "conv");
            stack(residual(from), "res");
        }
        stackIf(p(0.5), globalPool(), "gpool");
        stackIf(p(0.5), dense(between(2, 8)), "dense");
        stackIf(p(0.2), dropout(), "drop");
    }

    /** Sequence layers that fit {@code steps} (tracked in {@code sc} with the channels), then a collapse. */
    private void sequenceStack(int steps, int channels, boolean tokens) {
        long[] sc = {Math.max(1, steps), channels};
        if (tokens) {
            sc[1] = between(2, 6);
            Ann embedding = new Ann("Embedding").set("units", n((int) sc[1], 64));
            // pretrained vectors: a file the harness writes, of the length the path names; now and then frozen
            // without a file
            if (p(0.25)) {
                embedding.set("vectors", FuzzHarness.VECTORS_PREFIX + sc[1] + ".txt");
                embedding.setIf(p(0.5), "freeze", true);
            } else {
                embedding.setIf(p(EDGE), "freeze", true);
            }
            stack(embedding, "embed");
        }
        boolean[] recurrentLast = {false};
        repeat(between(1, 2), () -> {
            int c = r.nextInt(10);
            recurrentLast[0] = c < 4;
            if (c < 4) {
                stack(recurrent(sc), "rnn");
            } else if (c < 6) {
                stack(conv1d(sc), "conv");
            } else if (c < 7 && sc[0] >= 2) {
                stack(pool1d(sc), "pool");
            } else if (c < 9) {
                stack(attention(sc), "attn");
            } else {
                stack(dropout(), "drop");
            }
        });
        if (p(0.1)) {
            int filters = between(2, 4);
            String from = stack(new Ann("Conv1D").set("filters", filters).set("causal", true), "conv");
            stack(new Ann("Conv1D").set("filters", filters).set("same", true), "conv");
            stack(residual(from), "res");
            recurrentLast[0] = false;
        }
        stack(recurrentLast[0] && p(0.6) ? new Ann("LastTimeStep") : globalPool(), "collapse");
        stackIf(p(0.4), dense(between(2, 8)), "dense");
    }

    private Ann dense(int units) {
        Ann a = new Ann("Dense").set("units", n(units, 64));
        a.setIf(p(0.3), "activation", pick(Activation.values()));
        a.setIf(p(0.1), "l1", d(0, 1e-4, -1));
        a.setIf(p(0.1), "l2", d(0, 1e-4, -1));
        a.setIf(p(0.05), "learningRate", d(1e-4, 1e-3, -1));
        return a;
    }

    private Ann dropout() {
        return new Ann("Dropout").set("rate", d(0, 0.1, 0.25, 0.5));
    }

    private Ann batchNorm() {
        Ann a = new Ann("BatchNorm");
        a.setIf(p(0.3), "decay", d(0.9, 0.99));
        a.setIf(p(0.2), "epsilon", d(1e-5, 1e-3));
        return a;
    }

    private Ann conv(boolean separable, long[] hwc) {
        Ann a = new Ann(separable ? "SeparableConv2D" : "Conv2D");
        int filters = between(1, 4);
        boolean same = p(0.4);
        int k = between(1, (int) Math.min(3, Math.min(hwc[0], hwc[1])));
        int stride = p(0.8) ? 1 : 2;
        int padding = same || p(0.8) ? 0 : 1;
        int dilation = !same && p(0.1) && 2 * k - 1 <= Math.min(hwc[0], hwc[1]) ? 2 : 1;
        int large = same ? 100 : Integer.MAX_VALUE; // a huge kernel with same = true would be accepted, and huge
        a.set("filters", n(filters, 100));
        if (k != 3 || p(0.3)) {
            a.set("kernel", p(EDGE) ? pick(new int[0], new int[] {k, k, k}) : p(0.2) ? new int[] {n(k, large), k}
                    : n(k, large));
        }
        a.setIf(stride != 1 || p(0.2), "stride", n(stride, Integer.MAX_VALUE));
        a.setIf(padding != 0 || p(0.1), "padding", n(padding, 50));
        a.setIf(dilation != 1 || p(0.1), "dilation", n(dilation, large));
        a.setIf(same, "same", true);
        a.setIf(separable && p(0.3), "depthMultiplier", n(between(1, 2), 4));
        a.setIf(p(0.2), "activation", pick(Activation.values()));
        hwc[0] = out(hwc[0], k, stride, padding, dilation, same);
        hwc[1] = out(hwc[1], k, stride, padding, dilation, same);
        hwc[2] = filters;
        return a;
    }

    private Ann pool2d(long[] hwc) {
        Ann a = new Ann("Pool2D");
        boolean same = p(0.2);
        int stride = p(0.2) ? 1 : 2;
        a.setIf(p(0.3), "kernel", n(2, same ? 100 : Integer.MAX_VALUE));
        a.setIf(stride == 1, "stride", n(1, Integer.MAX_VALUE));
        a.setIf(same, "same", true);
        a.setIf(p(EDGE), "padding", 1);
        a.setIf(p(0.3), "type", pick(Pooling.values()));
        hwc[0] = out(hwc[0], 2, stride, 0, 1, same);
        hwc[1] = out(hwc[1], 2, stride, 0, 1, same);
        return a;
    }

    private Ann globalPool() {
        return p(0.4) ? new Ann("GlobalPool").set("type", pick(Pooling.values())) : new Ann("GlobalPool");
    }

    private Ann recurrent(long[] sc) {
        int units = between(1, 4);
        boolean bidirectional = p(0.3);
        Ann a = new Ann(p(0.6) ? "Lstm" : "SimpleRnn").set("units", n(units, 64));
        a.setIf(bidirectional || p(0.1), "bidirectional", bidirectional);
        a.setIf(p(0.2), "activation", pick(Activation.values()));
        sc[1] = bidirectional ? 2L * units : units;
        return a;
    }

    private Ann conv1d(long[] sc) {
        int filters = between(1, 4);
        int k = between(1, (int) Math.min(3, sc[0]));
        int mode = r.nextInt(3); // 0: valid, 1: same, 2: causal
        int stride = p(0.85) ? 1 : 2;
        int padding = mode == 0 && p(0.2) ? 1 : 0;
        int dilation = mode == 0 && p(0.1) && 2 * k - 1 <= sc[0] ? 2 : 1;
        int large = mode == 0 ? Integer.MAX_VALUE : 100;
        Ann a = new Ann("Conv1D").set("filters", n(filters, 100));
        a.setIf(k != 3 || p(0.3), "kernel", n(k, large));
        a.setIf(stride != 1 || p(0.2), "stride", n(stride, Integer.MAX_VALUE));
        a.setIf(padding != 0 || p(0.1), "padding", n(padding, 50));
        a.setIf(dilation != 1 || p(0.1), "dilation", n(dilation, large));
        a.setIf(mode == 1 || p(EDGE), "same", true);
        a.setIf(mode == 2, "causal", true);
        a.setIf(p(0.2), "activation", pick(Activation.values()));
        sc[0] = mode != 0 ? (sc[0] + stride - 1) / stride : out(sc[0], k, stride, padding, dilation, false);
        sc[1] = filters;
        return a;
    }

    private Ann pool1d(long[] sc) {
        Ann a = new Ann("Pool1D");
        boolean same = p(0.2);
        int stride = p(0.2) ? 1 : 2;
        a.setIf(p(0.3), "kernel", n(2, same ? 100 : Integer.MAX_VALUE));
        a.setIf(stride == 1 || p(0.1), "stride", n(stride, Integer.MAX_VALUE));
        a.setIf(same, "same", true);
        a.setIf(p(0.3), "type", pick(Pooling.values()));
        sc[0] = same ? (sc[0] + stride - 1) / stride : out(sc[0], 2, stride, 0, 1, false);
        return a;
    }

    private Ann attention(long[] sc) {
        Ann a = new Ann("SelfAttention");
        int heads = p(0.4) && sc[1] % 2 == 0 ? 2 : 1;
        int headSize = p(0.3) ? between(1, 3) : 0;
        if (p(0.3)) {
            sc[1] = heads * between(1, 3);
            a.set("units", n((int) sc[1], 100));
        }
        a.setIf(heads != 1 || p(0.2), "heads", n(heads, headSize == 0 ? Integer.MAX_VALUE : 8));
        a.setIf(headSize != 0 || p(EDGE), "headSize", n(headSize, 8));
        return a;
    }

    private Ann residual(String from) {
        Ann a = new Ann("Residual").set("from", p(EDGE) ? pick("", "nowhere", "input") : from);
        a.setIf(p(0.3), "activation", pick(Activation.values()));
        return a;
    }

    private Ann output() {
        Ann a = new Ann("Output");
        int needed = switch (task) {
            case MULTICLASS_CLASSIFICATION, MULTILABEL_CLASSIFICATION -> label.classes().size();
            case VECTOR_REGRESSION -> label.columns().size();
            default -> 1;
        };
        a.setIf(p(0.1), "units", n(needed, Integer.MAX_VALUE));
        a.setIf(p(0.07), "activation", pick(Activation.values()));
        a.setIf(p(0.07), "loss", pick(Loss.values()));
        a.setIf(p(0.08), "l1", d(0, 1e-4));
        a.setIf(p(0.08), "l2", d(0, 1e-4, -1));
        a.setIf(task.isClassification() ? p(0.12) : p(EDGE), "labelSmoothing", d(0.05, 0.1));
        return a;
    }

    /** Any layer, with plausible attributes but no regard for the shapes around it. */
    private Ann anyLayer() {
        return switch (r.nextInt(15)) {
            case 0 -> dense(between(1, 8));
            case 1 -> dropout();
            case 2 -> batchNorm();
            case 3 -> conv(false, new long[] {8, 8, 1});
            case 4 -> conv(true, new long[] {8, 8, 2});
            case 5 -> pool2d(new long[] {8, 8, 1});
            case 6 -> globalPool();
            case 7 -> conv1d(new long[] {8, 2});
            case 8 -> pool1d(new long[] {8, 2});
            case 9 -> recurrent(new long[] {8, 2});
            case 10 -> new Ann("LastTimeStep");
            case 11 -> new Ann("Embedding").set("units", between(2, 6));
            case 12 -> attention(new long[] {8, 2});
            case 13 -> residual(layers.isEmpty() ? "input" : layers.get(r.nextInt(layers.size()))[2]);
            default -> output();
        };
    }

    /** One mistake in the layer stack. */
    private void mutate() {
        int at = r.nextInt(layers.size());
        switch (r.nextInt(6)) {
            case 0 -> layers.add(at, layer(anyLayer(), "extra"));
            case 1 -> layers.remove(at);
            case 2 -> Collections.swap(layers, at, r.nextInt(layers.size()));
            case 3 -> stack(anyLayer(), "after");
            case 4 -> { // a second, different layer annotation on the same field
                Ann second = anyLayer();
                String first = layers.get(at)[0];
                if (!first.startsWith("@" + second.name + "(") && !first.equals("@" + second.name)) {
                    layers.get(at)[0] += " " + second;
                }
            }
            default -> layers.get(at)[1] = pick("int", "Object", "String");
        }
    }

    // ---------------------------------------------------------------- training, protocol, reporting

    private void training() {
        int optimizers = p(0.3) ? 0 : p(0.03) ? 2 : 1;
        for (int i = 0; i < optimizers; i++) {
            optimizer(i == 0);
        }
        if (p(0.6)) {
            Ann a = new Ann("Fit");
            a.setIf(p(0.7), "epochs", n(between(2, 30), Integer.MAX_VALUE));
            a.setIf(p(0.6), "batchSize", n(pick(4, 8, 16, 32), Integer.MAX_VALUE));
            a.setIf(p(0.4), "seed", pick(42L, 0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE));
            add(a);
        }
        String protocol = kind == Kind.SERIES ? (p(0.92) ? "TemporalSplit" : pick("", "Holdout", "KFold"))
                : officialTestSet && p(0.8) ? "Holdout" : pick("", "Holdout", "Holdout", "KFold", "TemporalSplit");
        if (!protocol.isEmpty()) {
            add(protocol(protocol));
        }
        if (p(EDGE)) { // a second protocol
            add(protocol(pick("Holdout", "KFold", "TemporalSplit")));
        }
        addIf(p(0.15), watcher(new Ann("EarlyStopping")).set("restoreBest", !p(0.2)));
        if (p(0.1)) {
            Ann a = watcher(new Ann("ReduceOnPlateau"));
            a.setIf(p(0.4), "factor", d(0.5, 0.1));
            a.setIf(p(0.3), "minLearningRate", d(0, learningRate / 100));
            add(a);
        }
        addIf(p(0.15), penalties(new Ann("Regularization")).setIf(p(EDGE), "l2sp", d(0.01)));
        if (p(0.1)) {
            int c = p(4 * EDGE) ? 2 + r.nextInt(2) : r.nextInt(2); // 2: both, 3: neither
            Ann a = new Ann("GradientClipping");
            a.setIf(c == 0 || c == 2, "norm", d(1, 5));
            a.setIf(c == 1 || c == 2, "value", d(0.5, 1));
            add(a);
        }
        int schedules = p(0.2) ? 1 : p(0.02) ? 2 : 0;
        for (int i = 0; i < schedules; i++) {
            add(schedule(pick("StepDecay", "ExponentialDecay", "CosineDecay", "OneCycle")));
        }
        addIf(p(0.1), new Ann("Warmup").setIf(p(0.7), "epochs", n(between(1, 3), Integer.MAX_VALUE)));
        addIf(task == Task.BINARY_CLASSIFICATION ? p(0.2) : p(EDGE),
                new Ann("Report").set("perCases", n(pick(100, 1000), Integer.MAX_VALUE)));
        addIf(p(0.15), preprocessing());
        boolean classes = task == Task.BINARY_CLASSIFICATION || task == Task.MULTICLASS_CLASSIFICATION;
        if (classes ? p(0.12) : p(EDGE)) {
            Ann a = new Ann("ClassWeights");
            if (p(0.5)) { // declared: one per class, now and then one too few or a weight that is not positive
                int n = Math.max(1, label.classes().size() + (p(EDGE) ? -1 : 0));
                List<Double> weights = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    weights.add(p(EDGE) ? d(0) : pick(1.0, 2.0, 0.5, 10.0));
                }
                a.set("value", weights);
            }
            add(a);
        }
        if (task == Task.BINARY_CLASSIFICATION ? p(0.12) : p(EDGE)) {
            Ann a = new Ann("TuneThreshold");
            if (p(0.4)) {
                a.set("falsePositiveCost", p(EDGE) ? d(0) : pick(1.0, 2.0)).setIf(!p(EDGE), "falseNegativeCost",
                        pick(1.0, 5.0, 20.0));
                a.setIf(p(EDGE), "metric", Metric.F1);
            } else {
                a.setIf(p(0.7), "metric", p(EDGE * 4) ? pick(Metric.values())
                        : pick(Metric.ACCURACY, Metric.BALANCED_ACCURACY, Metric.F1, Metric.MACRO_F1));
            }
            add(a);
        }
        if (kind == Kind.IMAGE || kind == Kind.IDX ? p(0.4) : p(0.02)) {
            Ann a = new Ann("Augment");
            a.setIf(p(0.3), "flipHorizontal", true);
            a.setIf(p(0.2), "flipVertical", true);
            for (String attribute : List.of("shift", "rotation", "noise")) {
                a.setIf(p(0.3), attribute, attribute.equals("rotation") ? d(10, 30) : d(0.05, 0.1));
            }
            add(a);
        }
    }

    private void optimizer(boolean first) {
        String kind = pick("Sgd", "Adam", "AdamW", "RmsProp", "AdaGrad");
        Ann a = new Ann(kind);
        double lr = kind.equals("Sgd") || kind.equals("AdaGrad") ? 0.01 : 0.001;
        if (p(0.6)) {
            lr = d(0.001, 0.003, 0.01, 0.05);
            a.set("learningRate", lr);
        }
        if (first) {
            learningRate = lr;
        }
        switch (kind) {
            case "Sgd" -> {
                a.setIf(p(0.4), "momentum", d(0, 0.5, 0.9));
                a.setIf(p(0.2), "nesterov", true);
            }
            case "Adam", "AdamW" -> {
                a.setIf(p(0.2), "beta1", d(0.9, 0.8));
                a.setIf(p(0.2), "beta2", d(0.999, 0.99));
                a.setIf(kind.equals("AdamW") && p(0.5), "weightDecay", d(0, 0.01, 0.1));
            }
            case "RmsProp" -> {
                a.setIf(p(0.3), "decay", d(0.9, 0.95));
            }
            default -> { }
        }
        a.setIf(!kind.equals("Sgd") && p(0.2), "epsilon", d(1e-8, 1e-6));
        add(a);
    }

    private Ann protocol(String protocol) {
        Ann a = new Ann(protocol);
        switch (protocol) {
            case "Holdout" -> {
                a.setIf(p(0.4), "validation", d(0, 0.1, 0.2, 0.3));
                a.setIf(!officialTestSet && p(0.4) || p(EDGE), "test", d(0.1, 0.2, 0.3));
                a.setIf(p(0.2), "stratified", false);
                a.setIf(p(0.2), "shuffle", false);
                a.setIf(p(0.15), "retrain", true);
            }
            case "KFold" -> {
                a.setIf(p(0.7), "k", n(between(2, 4), 5));
                a.setIf(p(0.3), "repeats", n(between(1, 2), 3));
                a.setIf(p(0.2), "stratified", false);
                a.setIf(p(0.15), "shuffle", false);
                a.setIf(p(0.3), "test", d(0, 0.2));
            }
            default -> {
                // not a column of an @Features group: the data file puts the order column first, which would
                // move it out of the group's range
                List<Column> numeric = columns.stream().filter(c -> !groupFields.contains(c.field()))
                        .filter(c -> c.type() == Type.REAL || c.type() == Type.INTEGER).toList();
                if (orderBy != null) { // a second @TemporalSplit, which add() drops: keep the first one's column
                    return a;
                } else if (!numeric.isEmpty() && p(kind == Kind.SERIES ? 0.2 : 0.1)) {
                    orderBy = numeric.get(r.nextInt(numeric.size())).column();
                } else {
                    orderBy = pick("t", "time", "date");
                    orderByDates = orderBy.equals("date");
                }
                a.set("orderBy", p(EDGE) ? pick("", " ") : orderBy);
                a.setIf(p(0.4), "validation", d(0, 0.1, 0.2));
                a.setIf(p(0.4), "test", d(0.1, 0.2, 0.3));
            }
        }
        return a;
    }

    /** The attributes @EarlyStopping and @ReduceOnPlateau share. */
    private Ann watcher(Ann a) {
        if (p(0.5)) {
            List<Metric> metrics = new ArrayList<>(Metric.of(task));
            metrics.add(Metric.LOSS);
            a.set("monitor", p(0.9) ? metrics.get(r.nextInt(metrics.size())) : pick(Metric.values()));
        }
        a.setIf(p(0.5), "patience", n(between(1, 5), Integer.MAX_VALUE));
        a.setIf(p(0.2), "minDelta", d(0, 0.001));
        return a;
    }

    private Ann penalties(Ann a) {
        for (String attribute : List.of("l1", "l2", "weightDecay")) {
            a.setIf(p(0.45), attribute, d(0, 1e-4));
        }
        return a;
    }

    private Ann schedule(String schedule) {
        Ann a = new Ann(schedule);
        switch (schedule) {
            case "StepDecay" -> {
                a.setIf(p(0.6), "every", n(between(1, 5), Integer.MAX_VALUE));
                a.setIf(p(0.5), "factor", d(0.5, 0.9));
            }
            case "ExponentialDecay" -> {
                a.setIf(p(0.6), "factor", d(0.95, 0.9));
            }
            case "CosineDecay" -> {
                a.setIf(p(0.6), "minLearningRate", d(0, learningRate / 10));
            }
            default -> {
                a.set("maxLearningRate", d(learningRate * 10, learningRate * 3));
                a.setIf(p(0.4), "rise", d(0.3, 0.5));
            }
        }
        return a;
    }

    private Ann preprocessing() {
        Ann a = new Ann("Preprocessing");
        a.setIf(p(0.5), "scaling", pick(Scaling.values()));
        if (p(0.3)) {
            a.set("numericMissing", p(0.8) ? pick(Missing.MEAN, Missing.MEDIAN, Missing.MOST_FREQUENT, Missing.ERROR)
                    : pick(Missing.values()));
        }
        if (p(0.3)) {
            a.set("categoricalMissing", p(0.8) ? pick(Missing.MISSING_CATEGORY, Missing.MOST_FREQUENT, Missing.ERROR)
                    : pick(Missing.values()));
        }
        a.setIf(p(0.3), "booleanMissing", p(0.8) ? pick(Missing.MOST_FREQUENT, Missing.ERROR) : pick(Missing.values()));
        return a;
    }

    // ---------------------------------------------------------------- transfer

    /** A class literal or nested annotation, written as is. */
    private record Raw(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** With a transfer: the layers drawn for this spec, which its nested source spec {@code Source} declares. */
    private List<String[]> sourceLayers;
    /** The source's {@code @Model}. */
    private Ann sourceModel;

    /**
     * Now and then a transfer: the stack drawn so far becomes the layers of a source spec nested in this
     * one (the same input, label and settings), and this spec reuses them under a new head, frozen,
     * fine-tuned or unfrozen gradually, at drawn rates, with L2-SP; now and then with a cut, a source
     * file or settings that are wrong on purpose.
     */
    private void transfer(Ann model) {
        boolean flat = kind == Kind.TABLE || kind == Kind.WIDE || kind == Kind.IMAGE;
        if (!p(flat ? 0.12 : 0.03) || layers.isEmpty()) { // a mutation may have left no layer to reuse
            return;
        }
        sourceModel = new Ann("Model").set("task", task);
        sourceLayers = new ArrayList<>();
        for (String[] l : layers) {
            sourceLayers.add(new String[] {l[0], l[1], "s_" + l[2]});
        }
        layers.clear();
        stackIf(p(0.4), dense(between(2, 8)), "head");
        stack(output(), "out");
        Ann t = new Ann("Transfer").set("from", new Raw(name + ".Source.class"));
        int hidden = sourceLayers.size() - 1;
        if (p(0.3)) {
            t.set("upTo", hidden > 0 && p(0.85) ? sourceLayers.get(r.nextInt(hidden))[2]
                    : pick("nope", sourceLayers.get(hidden)[2]));
        }
        io.kiln.dsl.Reuse reuse = pick(io.kiln.dsl.Reuse.values());
        t.setIf(reuse != io.kiln.dsl.Reuse.FREEZE || p(0.3), "reuse", reuse);
        if (reuse == io.kiln.dsl.Reuse.GRADUAL ? !p(EDGE) : p(EDGE)) {
            t.set("unfreezeEvery", n(between(1, 2), Integer.MAX_VALUE));
        }
        boolean trains = reuse != io.kiln.dsl.Reuse.FREEZE;
        t.setIf(trains ? p(0.4) : p(EDGE), "learningRate", d(1e-4, 3e-4));
        t.setIf(trains ? p(0.3) : p(EDGE), "rateFactor", d(0.5, 0.9));
        if (p(0.15)) {
            List<String> known = new ArrayList<>();
            sourceLayers.forEach(l -> known.add(l[2]));
            layers.forEach(l -> known.add(l[2]));
            t.set("rates", new Raw("@LayerRate(layer = " + literal(p(0.9) ? pick(known.toArray(String[]::new))
                    : "nope") + ", learningRate = " + literal(d(1e-3, 1e-4)) + ")"));
        }
        t.setIf(p(EDGE), "keepOutput", true);
        t.setIf(p(EDGE), "refitPreprocessing", true);
        t.setIf(p(EDGE), "file", pick("models/other.kiln", "base.keras", "base.onnx", ""));
        add(t);
        if (trains ? p(0.3) : p(EDGE)) {
            Ann reg = classAnnotations.computeIfAbsent("Regularization", k -> new Ann("Regularization"));
            reg.set("l2sp", d(0.01, 0.1));
        }
    }

    // ---------------------------------------------------------------- ensembles and distillation

    /** Whether the nested spec is a teacher to distil from (else a transfer source), when there is one. */
    private boolean teacher;

    /**
     * Now and then an ensemble (of seeds; of the fold models under k-fold) and, without a transfer, a
     * teacher: the stack drawn for this spec becomes a nested spec's, trained inside this spec's
     * protocol for two epochs; now and then with values wrong on purpose.
     */
    private void knowledge() {
        if (p(0.06)) {
            Ann e = new Ann("Ensemble");
            if (classAnnotations.containsKey("KFold") ? p(0.5) : p(EDGE)) {
                e.set("members", new Raw("Members.FOLDS"));
                e.setIf(p(EDGE), "seeds", 3);
            } else {
                e.set("seeds", n(2, 1)); // two networks: each costs a training wherever the protocol trains
            }
            add(e);
        }
        if (sourceLayers != null || layers.isEmpty() || !p(0.06)) {
            return;
        }
        teacher = true;
        sourceModel = new Ann("Model").set("task", task);
        sourceLayers = new ArrayList<>();
        for (String[] l : layers) {
            sourceLayers.add(new String[] {l[0], l[1], "t_" + l[2]});
        }
        Ann d = new Ann("Distillation").set("teacher", new Raw(name + ".Teacher.class"));
        d.setIf(task.isClassification() ? p(0.6) : p(EDGE), "temperature", d(1.0, 2.0, 4.0, 8.0));
        d.setIf(p(0.6), "alpha", d(0.0, 0.3, 0.5, 0.9, 1.0));
        d.setIf(p(0.5), "compare", false);
        d.setIf(p(EDGE), "file", pick("models/teacher.kiln", "t.h5"));
        add(d);
    }

    // ---------------------------------------------------------------- continuous learning

    /**
     * Now and then a retraining policy: its triggers, rows, level and acceptance window, mostly sound and
     * now and then contradictory (a window without data = WINDOW, top layers that do not exist, ...).
     */
    private void retrain() {
        if (!p(0.09)) {
            return;
        }
        Ann a = new Ann("Retrain");
        a.setIf(p(0.6), "everyRows", n(between(100, 5000), -1));
        boolean drift = p(0.4);
        a.setIf(drift, "driftPsi", d(0.1, 0.25));
        a.setIf(drift ? p(0.2) : p(EDGE), "driftRows", n(pick(100, 500, 2000), 50));
        a.setIf(p(0.3), "metricDrop", d(0.02, 0.05, 0.1));
        io.kiln.dsl.RetrainData data = pick(io.kiln.dsl.RetrainData.values());
        a.setIf(data != io.kiln.dsl.RetrainData.ALL || p(0.3), "data", data);
        a.setIf(data == io.kiln.dsl.RetrainData.WINDOW ? !p(EDGE) : p(EDGE), "window", n(between(500, 5000),
                200_000));
        a.setIf(p(0.2), "halfLife", d(1000.0, 5000.0));
        a.setIf(data != io.kiln.dsl.RetrainData.ALL ? p(0.4) : p(EDGE), "replay", d(0.1, 0.3));
        io.kiln.dsl.RetrainLevel level = pick(io.kiln.dsl.RetrainLevel.values());
        a.setIf(level != io.kiln.dsl.RetrainLevel.FINE_TUNE || p(0.3), "level", level);
        a.setIf(level == io.kiln.dsl.RetrainLevel.TOP_LAYERS ? !p(EDGE) : p(EDGE), "trainTop", n(1, 99));
        a.setIf(level != io.kiln.dsl.RetrainLevel.SCRATCH ? p(0.2) : p(EDGE), "l2sp", d(0.001, 0.01));
        a.setIf(p(0.3), "epochs", n(between(1, 5), -1));
        a.setIf(p(0.3), "accept", n(between(100, 2000), 1_000_000));
        a.setIf(p(0.2), "margin", d(0.0, 0.01));
        a.setIf(p(0.2), "retain", n(between(5000, 200_000), 10));
        a.setIf(level != io.kiln.dsl.RetrainLevel.SCRATCH ? p(0.1) : p(EDGE), "refitPreprocessing", true);
        add(a);
    }

    // ---------------------------------------------------------------- hyperparameter search

    /** The class's {@code @Tune} annotations (repeatable, so not in {@link #classAnnotations}). */
    private final List<String> classTunes = new ArrayList<>();

    /**
     * Now and then a search: its strategy and settings, and one to three {@code @Tune}s on values the spec
     * has (a dense layer's units or activation, a dropout's rate, a layer present or absent, the optimizer's
     * learning rate, the batch size, the optimizer itself), mostly sound and now and then not (an empty list,
     * a reversed or non-positive log range, a continuous range under a grid, a value the spec does not have, a
     * candidate its rules refuse).
     */
    private void search() {
        // drawn from a Random of its own, so that the rest of every spec is what it was before searches were drawn
        // (the regression tests name specs by their index)
        Random main = r;
        r = new Random(searchSeed ^ 2);
        try {
            drawSearch();
        } finally {
            r = main;
        }
    }

    private void drawSearch() {
        boolean tuned = p(0.08);
        if (!tuned && !p(EDGE)) {
            return;
        }
        if (tuned) {
            Ann a = new Ann("Search");
            io.kiln.dsl.SearchStrategy strategy = pick(io.kiln.dsl.SearchStrategy.values());
            a.setIf(strategy != io.kiln.dsl.SearchStrategy.RANDOM || p(0.3), "strategy", strategy);
            a.setIf(p(0.5), "trials", n(between(2, 8), 500));
            a.setIf(p(0.3), "seed", (long) between(1, 100));
            a.setIf(strategy == io.kiln.dsl.SearchStrategy.HALVING ? p(0.5) : p(EDGE), "minEpochs", n(between(1, 3), 0));
            a.setIf(strategy == io.kiln.dsl.SearchStrategy.HALVING ? p(0.3) : p(EDGE), "factor", n(between(2, 4), 1));
            a.setIf(p(0.3), "ablationSeeds", n(between(0, 2), 20));
            // mostly one of the task's metrics; now and then any (the training loss, another task's)
            a.setIf(p(0.2), "metric", p(0.9) ? pick(io.kiln.dsl.Metric.of(task).toArray(io.kiln.dsl.Metric[]::new))
                    : pick(io.kiln.dsl.Metric.values()));
            add(a);
        }
        boolean grid = classAnnotations.containsKey("Search")
                && classAnnotations.get("Search").toString().contains("GRID");
        int count = between(1, 3);
        Set<Integer> varied = new HashSet<>();
        for (int i = 0; i < count; i++) {
            List<String[]> dense = layers.stream().filter(l -> l[0].startsWith("@Dense")).toList();
            List<String[]> dropout = layers.stream().filter(l -> l[0].startsWith("@Dropout")).toList();
            int what = r.nextInt(7);
            if (!varied.add(what) && !p(EDGE)) {
                continue; // the same value tuned twice is kiln.tune-twice: now and then only
            }
            if (what == 0 && !dense.isEmpty()) {
                tuneLayer(pick(dense.toArray(String[][]::new)), p(0.5) ? "units" : "Dense.units",
                        p(EDGE) ? "values = {}" : p(EDGE) ? "values = {4, -2}" : p(EDGE) ? "values = {4.5}"
                                : "values = {" + between(2, 8) + ", " + between(9, 32) + "}");
            } else if (what == 1 && !dense.isEmpty()) {
                tuneLayer(pick(dense.toArray(String[][]::new)), "activation", p(EDGE) ? "choices = {\"NOPE\"}"
                        : "choices = {\"RELU\", \"TANH\"}");
            } else if (what == 2 && !dropout.isEmpty()) {
                tuneLayer(pick(dropout.toArray(String[][]::new)), "rate", p(EDGE) ? "values = {0.1, 1.5}"
                        : p(0.5) ? "values = {0.1, 0.3}" : grid && !p(EDGE) ? "min = 0.1, max = 0.5, steps = 3"
                                : "min = 0.1, max = 0.5");
            } else if (what == 3 && layers.size() > 1) {
                tuneLayer(layers.get(r.nextInt(layers.size())), "", "optional = true");
            } else if (what == 4) {
                String optimizer = classAnnotations.keySet().stream().filter(k -> List.of("Sgd", "Adam", "AdamW",
                        "RmsProp", "AdaGrad").contains(k)).findFirst().orElse(p(0.8) ? null : "Adam");
                if (optimizer != null) {
                    double lo = p(EDGE) ? pick(0.0, -1.0) : 0.0001;
                    double hi = p(EDGE) ? lo : 0.01;
                    classTunes.add("@Tune(value = \"" + optimizer + ".learningRate\", min = " + literal(lo) + ", max = "
                            + literal(hi) + ", log = true" + (grid && !p(EDGE) ? ", steps = 3" : "") + ")");
                }
            } else if (what == 5) {
                classTunes.add(classAnnotations.containsKey("Fit") || p(EDGE) ? "@Tune(value = \"Fit.batchSize\", "
                        + "values = {" + (p(EDGE) ? "0, " : "") + "8, 32})" : "@Tune(value = \"Fit.momentum\", values = {1})");
            } else {
                classTunes.add("@Tune(value = \"optimizer\", choices = {\"Adam\", \"" + (p(EDGE) ? "Adagrad"
                        : pick("Sgd", "RmsProp", "AdaGrad")) + "\"})");
            }
        }
    }

    /** Adds a @Tune of {@code attribute} (empty: optional) to a layer field. */
    private void tuneLayer(String[] layer, String attribute, String candidates) {
        layer[0] = layer[0] + " @Tune(" + (attribute.isEmpty() ? "" : "value = \"" + attribute + "\", ") + candidates + ")";
    }

    // ---------------------------------------------------------------- source text

    private String render(Ann model) {
        List<Ann> annotations = new ArrayList<>(classAnnotations.values());
        if (p(0.5)) {
            Collections.shuffle(annotations, r);
        }
        StringBuilder s = new StringBuilder("package fuzz;\n\nimport io.kiln.dsl.*;\n\n").append(model).append('\n');
        annotations.forEach(a -> s.append(a).append('\n'));
        classTunes.forEach(t -> s.append(t).append('\n'));
        s.append("public class ").append(name).append(" {\n");
        enums.forEach(e -> s.append("    ").append(e).append('\n'));
        List<String> members = new ArrayList<>(fields);
        layers.forEach(l -> members.add(l[0] + " " + l[1] + " " + l[2] + ";"));
        // the label usually follows the features; sometimes it comes between them or after the output layer
        members.add(p(0.1) ? r.nextInt(members.size() + 1) : fields.size(), labelField);
        members.forEach(m -> s.append("    ").append(m).append('\n'));
        if (sourceLayers != null) { // the transfer source or teacher: this spec's input and label, the layers drawn first
            s.append("\n    ").append(sourceModel).append('\n');
            for (Ann a : classAnnotations.values()) {
                if (teacher && a.name.equals("Fit")) { // a teacher trains inside the protocol: briefly
                    s.append("    @Fit(epochs = 2, batchSize = 16)\n");
                } else if (!List.of("Transfer", "Regularization", "Distillation", "Ensemble", "Retrain", "Search")
                        .contains(a.name)) {
                    s.append("    ").append(a).append('\n');
                }
            }
            s.append("    public static class ").append(teacher ? "Teacher" : "Source").append(" {\n");
            List<String> source = new ArrayList<>(fields);
            source.add(labelField);
            sourceLayers.forEach(l -> source.add(l[0] + " " + l[1] + " " + l[2] + ";"));
            source.forEach(m -> s.append("        ").append(m).append('\n'));
            s.append("    }\n");
        }
        return s.append("}\n").toString();
    }

    /** Adds a class annotation; a second one of the same name (not repeatable: invalid Java) is dropped. */
    private void add(Ann a) {
        classAnnotations.putIfAbsent(a.name, a);
    }

    private void addIf(boolean condition, Ann a) {
        if (condition) {
            add(a);
        }
    }

    /** Adds a layer field; returns its name. */
    private String stack(Ann annotation, String prefix) {
        String[] layer = layer(annotation, prefix);
        layers.add(layer);
        return layer[2];
    }

    private void stackIf(boolean condition, Ann annotation, String prefix) {
        if (condition) {
            stack(annotation, prefix);
        }
    }

    private String[] layer(Ann annotation, String prefix) {
        return new String[] {annotation.toString(), "Layer", fieldName(prefix + layers.size(), 0.02)};
    }

    private String newEnum(List<String> constants) {
        String type = "Level" + enums.size();
        enums.add("enum " + type + " { " + String.join(", ", constants) + " }");
        return type;
    }

    /** A field name not yet used; with probability {@code tricky}, one the generated code may trip over. */
    private String fieldName(String preferred, double tricky) {
        String field = p(tricky) ? TRICKY_NAMES.get(r.nextInt(TRICKY_NAMES.size())) : preferred;
        while (!names.add(field)) {
            field = preferred + "_" + names.size();
        }
        return field;
    }

    private List<String> classNames(int count) {
        List<String> classes = new ArrayList<>(sample(CLASS_NAMES, count));
        if (!classes.isEmpty() && p(EDGE)) { // a class named like a missing value, an empty one, or a duplicate
            classes.set(r.nextInt(classes.size()), pick("NA", "", classes.get(0)));
        }
        return classes;
    }

    // ---------------------------------------------------------------- draws

    private boolean p(double probability) {
        return r.nextDouble() < probability;
    }

    private int between(int lo, int hi) {
        return lo + r.nextInt(hi - lo + 1);
    }

    @SafeVarargs
    private <T> T pick(T... values) {
        return values[r.nextInt(values.length)];
    }

    private List<String> sample(List<String> pool, int count) {
        List<String> shuffled = new ArrayList<>(pool);
        Collections.shuffle(shuffled, r);
        return List.copyOf(shuffled.subList(0, Math.min(count, pool.size())));
    }

    private void repeat(int times, Runnable step) {
        for (int i = 0; i < times; i++) {
            step.run();
        }
    }

    /** {@code plausible}, or with probability {@link #EDGE} 0, -1, {@code Integer.MIN_VALUE} or {@code large}. */
    private int n(int plausible, int large) {
        return p(EDGE) ? pick(0, -1, Integer.MIN_VALUE, large) : plausible;
    }

    /** One of {@code plausible}, or with probability {@link #EDGE} an edge value. */
    private double d(double... plausible) {
        return p(EDGE) ? EDGE_DOUBLES[r.nextInt(EDGE_DOUBLES.length)] : plausible[r.nextInt(plausible.length)];
    }

    /** DL4J's output size of a convolution or pooling window (as the processor's Shapes computes it), at least 1. */
    private static long out(long in, int kernel, int stride, int padding, int dilation, boolean same) {
        if (same) {
            return (in + stride - 1) / stride;
        }
        long effective = kernel + (long) (kernel - 1) * (dilation - 1);
        return Math.max(1, (in + 2L * padding - effective) / stride + 1);
    }

    /** An annotation as source text; setting an attribute again replaces it. */
    private static final class Ann {
        final String name;
        final Map<String, String> attributes = new LinkedHashMap<>();

        Ann(String name) {
            this.name = name;
        }

        Ann set(String attribute, Object value) {
            attributes.put(attribute, literal(value));
            return this;
        }

        /** Sets the attribute when {@code condition} holds (its value is drawn either way). */
        Ann setIf(boolean condition, String attribute, Object value) {
            return condition ? set(attribute, value) : this;
        }

        @Override
        public String toString() {
            return "@" + name + (attributes.isEmpty() ? "" : attributes.entrySet().stream()
                    .map(e -> e.getKey() + " = " + e.getValue()).collect(Collectors.joining(", ", "(", ")")));
        }
    }

    /** A Java literal for an annotation value. */
    static String literal(Object v) {
        if (v instanceof Double d) {
            return d.isNaN() ? "Double.NaN" : d == Double.POSITIVE_INFINITY ? "Double.POSITIVE_INFINITY"
                    : d == Double.NEGATIVE_INFINITY ? "Double.NEGATIVE_INFINITY"
                    : d == Double.MAX_VALUE ? "Double.MAX_VALUE" : d.toString();
        }
        if (v instanceof Long l) {
            return l + "L";
        }
        if (v instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        if (v instanceof Character c) {
            return c == '\t' ? "'\\t'" : c == '\'' ? "'\\''" : "'" + c + "'";
        }
        if (v instanceof Enum<?> e) {
            return e.getDeclaringClass().getSimpleName() + "." + e.name();
        }
        if (v instanceof int[] a) {
            return Arrays.stream(a).mapToObj(Integer::toString).collect(Collectors.joining(", ", "{", "}"));
        }
        if (v instanceof List<?> list) {
            return list.stream().map(SpecGenerator::literal).collect(Collectors.joining(", ", "{", "}"));
        }
        return String.valueOf(v); // int, boolean
    }
}
