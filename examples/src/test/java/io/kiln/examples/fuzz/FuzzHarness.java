package io.kiln.examples.fuzz;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import io.kiln.examples.fuzz.FuzzSpec.Column;
import io.kiln.processor.KilnProcessor;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.TrainingDivergedException;
import io.kiln.runtime.TrainingResult;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Runs one {@link FuzzSpec} through the Kiln processor and, if it is accepted, through training and
 * prediction, and says which of these properties it breaks:
 *
 * <ol type="a">
 *   <li>no exception escapes the processor ({@link Verdict#CRASH}) and it reports no {@code [kiln.internal]}
 *       error ({@link Verdict#INTERNAL_ERROR});
 *   <li>a spec with a {@code [kiln.*]} error generates no source file ({@link Verdict#GENERATED_DESPITE_ERRORS});
 *   <li>a spec without one compiles with no error at all, its four generated classes included
 *       ({@link Verdict#NON_COMPILING}, {@link Verdict#INCOMPLETE_OUTPUT});
 *   <li>an accepted spec trains one epoch on a small random table of its schema (or IDX files), its model
 *       saves, loads into the generated predictor and predicts one random input; with {@code @Retrain}, its
 *       table dropped into an inbox as a batch is learnt from and retrained on ({@link Verdict#FAILED_TO_TRAIN}).
 * </ol>
 *
 * <p>A javac error in the spec's own source is the generator's fault ({@link Verdict#INVALID_SPEC}), and is
 * reported as a failure too so that it gets fixed. A {@link TrainingDivergedException} is the runtime's
 * documented answer to hyperparameters that blow up (a learning rate of 1e6 is positive, so the processor
 * accepts it); it is counted ({@link Verdict#DIVERGED}), not failed. So is the runtime's refusal of a split
 * that leaves no training or test row ({@link Verdict#TOO_LITTLE_DATA}): the fuzzer's tables have a few
 * dozen rows, where a declared test fraction of 0.001 (fine for a million rows) holds no row.
 *
 * <p>The compilation's class path is javac's default, the test JVM's {@code java.class.path}, which holds
 * the DSL, the runtime and DL4J; the generated classes are loaded from the compilation's in-memory class
 * files by a class loader whose parent is the test's.
 */
final class FuzzHarness {
    enum Verdict {
        ACCEPTED(false), REJECTED(false), DIVERGED(false), TOO_LITTLE_DATA(false), CRASH(true), INTERNAL_ERROR(true),
        GENERATED_DESPITE_ERRORS(true), NON_COMPILING(true), INCOMPLETE_OUTPUT(true), FAILED_TO_TRAIN(true),
        INVALID_SPEC(true);

        final boolean failure;

        Verdict(boolean failure) {
            this.failure = failure;
        }
    }

    /** What happened to one spec; {@code detail} holds the diagnostics or the stack trace. */
    record Outcome(Verdict verdict, String detail, long compileMillis, long trainMillis) {
        boolean failed() {
            return verdict.failure;
        }
    }

    /** The runtime's message when the declared fractions leave a split empty on the table at hand. */
    private static final String TOO_LITTLE_DATA = "both need at least one. Use more data or other fractions.";

    /** With {@code -Dkiln.fuzz.keep=true}, each accepted spec's sources, data and model stay in target/fuzz/. */
    static final boolean KEEP = Boolean.getBoolean("kiln.fuzz.keep");
    /** Rows of a table (a series gets its window and horizon on top). */
    static final int ROWS = 60;
    private static final List<String> GENERATED = List.of("Network", "Trainer", "Predictor", "Main");

    /** The line where a spec's nested transfer source begins (its {@code @Model}); beyond the end without one. */
    static long sourceLine(FuzzSpec spec) {
        String[] lines = spec.source().split("\n", -1);
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].startsWith("    @Model(")) {
                return i + 1;
            }
        }
        return Long.MAX_VALUE;
    }

    /** Where the word vectors a spec's {@code @Embedding(vectors)} names are written: the prefix, then the length. */
    static final String VECTORS_PREFIX = "target/fuzz-vectors-";

    /** Writes the word vectors files the spec names: each of {@link SpecGenerator#WORDS} but the last, at random. */
    static void writeVectors(FuzzSpec spec, Random random) throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("vectors = \"(" + VECTORS_PREFIX
                + "(\\d+)\\.txt)\"").matcher(spec.source());
        while (m.find()) {
            int length = Integer.parseInt(m.group(2));
            StringBuilder s = new StringBuilder();
            List<String> words = SpecGenerator.WORDS;
            for (String w : words.subList(0, words.size() - 1)) { // one missing token, reported
                s.append(w);
                for (int j = 0; j < length; j++) {
                    s.append(' ').append(String.format(Locale.ROOT, "%.4f", random.nextGaussian()));
                }
                s.append('\n');
            }
            Path file = Path.of(m.group(1));
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, s, StandardCharsets.UTF_8);
        }
    }

    Outcome run(FuzzSpec spec) {
        long start = System.nanoTime();
        List<String> created = Collections.synchronizedList(new ArrayList<>());
        Compilation compilation;
        try {
            compilation = Compiler.javac().withProcessors(new Recording(created))
                    .compile(JavaFileObjects.forSourceString(spec.qualifiedName(), spec.source()));
        } catch (Throwable t) { // compile-testing rethrows whatever escaped the processor
            return new Outcome(Verdict.CRASH, stackTrace(t), millis(start), 0);
        }
        long compileMillis = millis(start);
        List<Diagnostic<? extends JavaFileObject>> errors = compilation.errors();
        List<String> kiln = errors.stream().map(e -> e.getMessage(Locale.ROOT)).filter(m -> m.contains("[kiln."))
                .sorted(Comparator.comparing(m -> !m.contains("[kiln.internal]"))).toList(); // internal errors first
        if (kiln.stream().anyMatch(m -> m.contains("[kiln.internal]"))) {
            return new Outcome(Verdict.INTERNAL_ERROR, String.join("\n", kiln), compileMillis, 0);
        }
        if (!kiln.isEmpty()) {
            // a nested transfer source without errors of its own generates its code; the spec with errors does not
            boolean clean = created.isEmpty() || spec.transferSource() != null
                    && created.stream().allMatch(n -> n.startsWith(spec.qualifiedName() + "_" + spec.transferSource()))
                    && errors.stream().filter(e -> e.getMessage(Locale.ROOT).contains("[kiln."))
                            .allMatch(e -> e.getLineNumber() < sourceLine(spec));
            return clean ? new Outcome(Verdict.REJECTED, String.join("\n", kiln), compileMillis, 0)
                    : new Outcome(Verdict.GENERATED_DESPITE_ERRORS, "generated " + created + " despite\n"
                            + String.join("\n", kiln), compileMillis, 0);
        }
        if (!errors.isEmpty()) {
            boolean inSpec = errors.stream().anyMatch(e -> e.getSource() != null
                    && e.getSource().getName().endsWith("/" + spec.className() + ".java"));
            return new Outcome(inSpec ? Verdict.INVALID_SPEC : Verdict.NON_COMPILING, describe(errors), compileMillis,
                    0);
        }
        List<String> expected = GENERATED.stream().map(s -> spec.qualifiedName() + s).toList();
        if (!created.containsAll(expected)) {
            return new Outcome(Verdict.INCOMPLETE_OUTPUT, "no error, but generated only " + created, compileMillis, 0);
        }
        long trained = System.nanoTime();
        String failure = trainAndPredict(spec, compilation);
        Verdict verdict = failure == null ? Verdict.ACCEPTED
                : failure.startsWith(TrainingDivergedException.class.getName()) ? Verdict.DIVERGED
                : failure.contains(TOO_LITTLE_DATA) ? Verdict.TOO_LITTLE_DATA
                : Verdict.FAILED_TO_TRAIN;
        return new Outcome(verdict, failure == null ? "" : failure, compileMillis, millis(trained));
    }

    /** Null when the spec trained, saved, loaded and predicted; else the stage and the stack trace. */
    private static String trainAndPredict(FuzzSpec spec, Compilation compilation) {
        Random random = new Random(spec.index());
        String stage = "loading the generated classes";
        Path dir = null;
        try {
            dir = KEEP ? Files.createDirectories(Path.of(System.getProperty("basedir", "."), "target", "fuzz",
                    spec.className())) : Files.createTempDirectory("kiln-fuzz-");
            if (KEEP) {
                Files.writeString(dir.resolve(spec.className() + ".java"), spec.source());
                for (JavaFileObject f : compilation.generatedSourceFiles()) {
                    Files.writeString(dir.resolve(Path.of(f.getName()).getFileName()), f.getCharContent(true));
                }
            }
            ClassLoader loader = new GeneratedClasses(compilation, FuzzHarness.class.getClassLoader());
            stage = "writing the data";
            Path data = spec.idx() ? writeIdx(spec, dir, random) : writeCsv(spec, dir, random);
            writeVectors(spec, random);
            stage = "train";
            Class<?> trainer = loader.loadClass(spec.qualifiedName() + "Trainer");
            TrainOptions options = TrainOptions.defaults().data(data).epochs(1).quiet();
            TrainingResult result;
            Path sourceFile = null;
            if ("Source".equals(spec.transferSource())) { // the nested source spec first, then the spec that reuses it
                stage = "train the transfer source";
                Class<?> source = loader.loadClass(spec.qualifiedName() + "_" + spec.transferSource() + "Trainer");
                Path sourceModel = dir.resolve("source.kiln");
                ((TrainingResult) source.getMethod("train", TrainOptions.class).invoke(null, options))
                        .save(sourceModel);
                stage = "train";
                io.kiln.runtime.ModelDefinition def = (io.kiln.runtime.ModelDefinition) trainer
                        .getField("DEFINITION").get(null);
                result = io.kiln.runtime.Trainer.train(def.withTransferSource(sourceModel), options);
                sourceFile = sourceModel;
            } else {
                result = (TrainingResult) trainer.getMethod("train", TrainOptions.class).invoke(null, options);
            }
            stage = "TrainingResult.save";
            Path model = dir.resolve("model.kiln");
            result.save(model);
            stage = "Predictor.load";
            Class<?> predictorType = loader.loadClass(spec.qualifiedName() + "Predictor");
            Object predictor = predictorType.getMethod("load", Path.class).invoke(null, model);
            stage = "Predictor.predict";
            Class<?> inputType = loader.loadClass(spec.qualifiedName() + "Predictor$Input");
            Object prediction = predictorType.getMethod("predict", inputType)
                    .invoke(predictor, input(spec, inputType, random));
            if (prediction == null) {
                return "Predictor.predict returned null";
            }
            io.kiln.runtime.ModelDefinition def = (io.kiln.runtime.ModelDefinition) trainer.getField("DEFINITION")
                    .get(null);
            if (def.search() != null) {
                stage = "search";
                String searched = search(def, data, sourceFile, dir);
                if (searched != null || def.retrain() == null || spec.idx()) {
                    return searched;
                }
            }
            if (def.retrain() != null && !spec.idx()) {
                stage = "learn";
                return learn(sourceFile == null ? def : def.withTransferSource(sourceFile), data, model, dir);
            }
            return null;
        } catch (Throwable t) {
            Throwable cause = t instanceof InvocationTargetException e && e.getCause() != null ? e.getCause() : t;
            return cause instanceof TrainingDivergedException ? cause.getClass().getName() + ": " + cause.getMessage()
                    : "at " + stage + ": " + stackTrace(cause);
        } finally {
            if (!KEEP) {
                delete(dir);
            }
        }
    }

    // ---------------------------------------------------------------- data

    /**
     * A CSV table of the spec's schema: every class several times (cycling in file order, so even an
     * unshuffled split sees them all), categorical levels drawn from the declared ones, texts from a small
     * vocabulary, rows in the order of the order-by column.
     */
    static Path writeCsv(FuzzSpec spec, Path dir, Random random) throws IOException {
        int rows = spec.window() > 0 ? ROWS + spec.window() + spec.horizon() : ROWS;
        Map<String, IntFunction<String>> columns = new LinkedHashMap<>();
        if (spec.orderBy() != null && spec.header()) { // without a header there are no column names to order by
            columns.put(spec.orderBy(), spec.orderByDates() ? i -> LocalDate.of(2000, 1, 1).plusDays(i).toString()
                    : i -> Integer.toString(i + 1));
        }
        for (Column c : spec.features()) {
            columns.putIfAbsent(c.column(), i -> value(c, random));
        }
        FuzzSpec.Label label = spec.label();
        int classes = Math.max(1, label.classes().size());
        for (int j = 0; j < label.columns().size(); j++) {
            int bit = j;
            columns.putIfAbsent(label.columns().get(j), switch (label.coding()) {
                case BOOLEAN -> i -> i % 2 == 1 ? "true" : "false";
                case INDEX -> i -> Integer.toString(i % classes);
                case NAME -> i -> label.classes().get(i % classes);
                case MULTI_HOT -> i -> ((i % (1 << label.columns().size())) >> bit & 1) == 1 ? "1" : "0";
                case VALUES -> i -> String.format(Locale.ROOT, "%.3f", random.nextGaussian());
            });
        }
        StringBuilder csv = new StringBuilder();
        if (spec.header()) {
            csv.append(columns.keySet().stream().map(c -> cell(c, spec.delimiter()))
                    .collect(Collectors.joining(String.valueOf(spec.delimiter())))).append('\n');
        }
        for (int i = 0; i < rows; i++) {
            int row = i;
            csv.append(columns.values().stream().map(f -> cell(f.apply(row), spec.delimiter()))
                    .collect(Collectors.joining(String.valueOf(spec.delimiter())))).append('\n');
        }
        Path file = dir.resolve("data.csv");
        Files.writeString(file, csv, StandardCharsets.UTF_8);
        return file;
    }

    private static String value(Column c, Random random) {
        return switch (c.type()) {
            case REAL -> String.format(Locale.ROOT, "%.3f", random.nextGaussian());
            case INTEGER -> Integer.toString(random.nextInt(10));
            case BOOLEAN -> random.nextBoolean() ? "true" : "false";
            case STRING, ENUM -> pick(c.levels().isEmpty() ? SpecGenerator.UNDECLARED_LEVELS : c.levels(), random);
            case TEXT -> Stream.generate(() -> pick(SpecGenerator.WORDS, random)).limit(1 + random.nextInt(8))
                    .collect(Collectors.joining(" "));
        };
    }

    private static String cell(String value, char delimiter) {
        return value.indexOf(delimiter) >= 0 || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }

    /** IDX images and labels named as MNIST's, so the runtime finds the labels beside the images. */
    static Path writeIdx(FuzzSpec spec, Path dir, Random random) throws IOException {
        int[] image = spec.image();
        Path images = dir.resolve("train-images-idx3-ubyte");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(images)))) {
            out.writeInt(image[2] == 1 ? 0x0803 : 0x0804);
            out.writeInt(ROWS);
            out.writeInt(image[0]);
            out.writeInt(image[1]);
            if (image[2] > 1) {
                out.writeInt(image[2]);
            }
            byte[] pixels = new byte[ROWS * spec.pixels()];
            random.nextBytes(pixels);
            out.write(pixels);
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(
                dir.resolve("train-labels-idx1-ubyte")))) {
            out.writeInt(0x0801);
            out.writeInt(ROWS);
            for (int i = 0; i < ROWS; i++) {
                out.writeByte(i % spec.label().classes().size());
            }
        }
        return images;
    }

    /**
     * (d) continued, for a spec with {@code @Retrain}: its own training table, dropped into an inbox as a
     * batch, is learnt from by its policy (retraining after it, one epoch); the batch must be taken, and a
     * published challenger must load. Null when it was; else what went wrong.
     */
    private static String learn(io.kiln.runtime.ModelDefinition def, Path data, Path model, Path dir)
            throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Files.copy(data, inbox.resolve("batch.csv"));
        io.kiln.runtime.RetrainPolicy policy = def.retrain().withTriggers(1, 0, 0).withEpochs(1);
        try {
            policy = policy.withAcceptance(Math.max(1, Math.min(policy.accept(), 8)), policy.margin());
        } catch (IllegalArgumentException e) {
            // the declared acceptance window it is
        }
        io.kiln.runtime.ModelDefinition local = def.data() == null ? def
                : def.withData(def.data().withFile(data), null);
        try (io.kiln.runtime.Learner l = io.kiln.runtime.Learner.open(local, io.kiln.runtime.Learner.Options.of(
                inbox, dir.resolve("work"), dir.resolve("store")).initial(model).policy(policy).progress(null))) {
            List<io.kiln.runtime.Learner.Entry> log = l.step();
            if (log.size() != 1 || log.get(0).error() != null) {
                return "learn did not take its own training table as a batch: " + log;
            }
            io.kiln.runtime.Learner.Entry e = log.get(0);
            if (e.decision() == null) {
                return "learn did not retrain after a batch with everyRows = 1: " + e;
            }
            if (e.decision().accepted()) {
                io.kiln.runtime.KilnModel.load(new io.kiln.runtime.serve.ModelStore(dir.resolve("store"))
                        .file(def.name(), e.decision().version()));
            }
        }
        return null;
    }

    /**
     * (d) continued, for a spec with {@code @Search}: its first three trials (the declared configuration
     * first) train one epoch each on the table and are scored on its validation rows, then the winner's
     * one-value changes with one seed; every configuration of the space builds its definition. Null when
     * they did; else what went wrong.
     */
    private static String search(io.kiln.runtime.ModelDefinition def, Path data, Path sourceFile, Path dir)
            throws Exception {
        io.kiln.runtime.SearchSpace space = def.search();
        for (io.kiln.runtime.SearchSpace.Configuration c : space.configurations()) {
            if (!c.definition().get().name().equals(def.name())) {
                return "configuration " + c.id() + " is of another model: " + c.definition().get().name();
            }
        }
        io.kiln.runtime.SearchSpace some = space.withTrials(space.trials().subList(0,
                Math.min(3, space.trials().size())), Math.min(1, space.ablationSeeds()));
        io.kiln.runtime.Search.Outcome o = io.kiln.runtime.Search.run(some, io.kiln.runtime.Search.Options.of(
                dir.resolve("search")).data(data).threads(1).retrain(false).epochs(1).source(sourceFile));
        long searched = o.trials().stream().filter(t -> t.stage().equals("search")).count();
        if (searched != some.trials().size()) {
            return "the search trained " + searched + " trials of " + some.trials().size();
        }
        return null;
    }

    /** A random {@code Input} of the generated predictor, from its record components. */
    static Object input(FuzzSpec spec, Class<?> inputType, Random random) throws ReflectiveOperationException {
        RecordComponent[] components = inputType.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            String name = components[i].getName();
            Column column = spec.features().stream().filter(c -> c.field().equals(name)).findFirst().orElse(null);
            types[i] = components[i].getType();
            values[i] = componentValue(types[i], column, spec, random);
        }
        return inputType.getDeclaredConstructor(types).newInstance(values);
    }

    private static Object componentValue(Class<?> type, Column column, FuzzSpec spec, Random random) {
        if (type == double[][].class) { // a wide series spec: each feature's window, in declaration order
            double[][] windows = new double[spec.features().size()][];
            for (int f = 0; f < windows.length; f++) {
                windows[f] = random.doubles(spec.window()).toArray();
            }
            return windows;
        }
        Map<String, Long> perField = spec.features().stream().filter(c -> !c.field().equals("unread"))
                .collect(Collectors.groupingBy(Column::field, LinkedHashMap::new, Collectors.counting()));
        if (type == Object[].class && perField.values().stream().anyMatch(n -> n > 1) && spec.window() == 0) {
            // a wide spec with @Features groups: per field in declaration order, a value, or a group's array
            List<Object> values = new ArrayList<>();
            for (Map.Entry<String, Long> e : perField.entrySet()) {
                Column c = spec.features().stream().filter(x -> x.field().equals(e.getKey())).findFirst().orElseThrow();
                values.add(e.getValue() > 1 ? random.doubles(e.getValue()).toArray() : switch (c.type()) {
                    case REAL -> random.nextGaussian();
                    case INTEGER -> random.nextInt(10);
                    case BOOLEAN -> random.nextBoolean();
                    case STRING, ENUM, TEXT -> value(c, random);
                });
            }
            return values.toArray();
        }
        if (type == Object[].class) { // a wide spec of mixed types: each feature's value, in declaration order
            Object[] row = new Object[spec.features().size()];
            for (int f = 0; f < row.length; f++) {
                Column c = spec.features().get(f);
                row[f] = switch (c.type()) {
                    case REAL -> random.nextGaussian();
                    case INTEGER -> random.nextInt(10);
                    case BOOLEAN -> random.nextBoolean();
                    case STRING, ENUM, TEXT -> value(c, random);
                };
            }
            return row;
        }
        if (column != null && spec.window() == 0 && type.isArray()) { // an @Features group: a value per column
            long n = spec.features().stream().filter(c -> c.field().equals(column.field())).count();
            return type == float[].class ? toFloats(random.doubles(n).toArray()) : random.doubles(n).toArray();
        }
        if (type == double[].class) { // one feature's series window, an IDX image, or all features of a wide spec
            return random.doubles(column != null ? spec.window() : spec.idx() ? spec.pixels() : spec.features().size())
                    .toArray();
        }
        if (type == double.class || type == Double.class) {
            return random.nextGaussian();
        }
        if (type == float.class || type == Float.class) {
            return (float) random.nextGaussian();
        }
        if (type == int.class || type == Integer.class) {
            return random.nextInt(10);
        }
        if (type == long.class || type == Long.class) {
            return (long) random.nextInt(10);
        }
        if (type == boolean.class || type == Boolean.class) {
            return random.nextBoolean();
        }
        if (type.isEnum()) {
            return type.getEnumConstants()[random.nextInt(type.getEnumConstants().length)];
        }
        if (type == String.class && column != null) {
            return value(column, random);
        }
        throw new IllegalArgumentException("no value for an Input component of type " + type + " (" + column + ")");
    }

    // ---------------------------------------------------------------- helpers

    private static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }

    /** Runs the Kiln processor unchanged, recording the names of the files it creates through the Filer. */
    private static final class Recording extends AbstractProcessor {
        private final KilnProcessor delegate = new KilnProcessor();
        private final List<String> created;

        Recording(List<String> created) {
            this.created = created;
        }

        @Override
        public Set<String> getSupportedAnnotationTypes() {
            return delegate.getSupportedAnnotationTypes();
        }

        @Override
        public Set<String> getSupportedOptions() {
            return delegate.getSupportedOptions();
        }

        @Override
        public SourceVersion getSupportedSourceVersion() {
            return delegate.getSupportedSourceVersion();
        }

        @Override
        public synchronized void init(ProcessingEnvironment env) {
            super.init(env);
            Filer filer = proxy(Filer.class, env.getFiler(), (method, args) -> {
                if (method.startsWith("create")) {
                    created.add(String.valueOf(args[0]));
                }
                return null;
            });
            delegate.init(proxy(ProcessingEnvironment.class, env, (method, args) ->
                    method.equals("getFiler") ? filer : null));
        }

        @Override
        public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
            return delegate.process(annotations, round);
        }

        /** {@code target} behind an interface, where {@code override} may answer a call (non-null) first. */
        private static <T> T proxy(Class<T> type, T target, BiFunction<String, Object[], Object> override) {
            return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
                Object answer = override.apply(method.getName(), args);
                if (answer != null) {
                    return answer;
                }
                try {
                    return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }));
        }
    }

    /** The classes of a compilation, defined from its in-memory class files. */
    private static final class GeneratedClasses extends ClassLoader {
        private final Map<String, JavaFileObject> classes = new HashMap<>();

        GeneratedClasses(Compilation compilation, ClassLoader parent) {
            super(parent);
            for (JavaFileObject f : compilation.generatedFiles()) {
                if (f.getKind() == JavaFileObject.Kind.CLASS) { // e.g. /CLASS_OUTPUT/fuzz/Spec7Trainer.class
                    String path = f.toUri().getPath();
                    classes.put(path.substring(path.indexOf('/', 1) + 1, path.length() - 6).replace('/', '.'), f);
                }
            }
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            JavaFileObject file = classes.get(name);
            if (file == null) {
                throw new ClassNotFoundException(name);
            }
            try (InputStream in = file.openInputStream()) {
                byte[] bytes = in.readAllBytes();
                return defineClass(name, bytes, 0, bytes.length);
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }

    private static String describe(List<Diagnostic<? extends JavaFileObject>> errors) {
        return errors.stream().map(e -> (e.getSource() == null ? "" : e.getSource().getName() + ":"
                + e.getLineNumber() + ": ") + e.getMessage(Locale.ROOT)).collect(Collectors.joining("\n"));
    }

    /** The stack trace, causes included, without reflection, test-engine and harness frames; 40 lines at most. */
    static String stackTrace(Throwable t) {
        Writer text = new StringWriter();
        t.printStackTrace(new PrintWriter(text));
        return text.toString().lines().filter(l -> !NOISE.matcher(l).find()).limit(40)
                .collect(Collectors.joining("\n"));
    }

    private static final Pattern NOISE = Pattern.compile("^\\s+(at (java\\.base/)?"
            + "(jdk\\.internal\\.|java\\.lang\\.reflect\\.|org\\.junit\\.|org\\.apache\\.maven\\.|net\\.jqwik\\."
            + "|io\\.kiln\\.examples\\.fuzz\\.)|\\.\\.\\. \\d+ more)");

    private static <T> T pick(List<T> values, Random random) {
        return values.get(random.nextInt(values.size()));
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
