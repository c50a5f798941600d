package io.kiln.runtime;

import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.data.Rows;
import io.kiln.runtime.internal.data.TokenMask;
import io.kiln.runtime.internal.evaluate.Metrics;
import io.kiln.runtime.internal.inference.BatchForward;
import io.kiln.runtime.internal.inference.DenseForward;
import io.kiln.runtime.internal.model.AtomicFiles;
import io.kiln.runtime.internal.model.NativeThreads;
import io.kiln.runtime.internal.preprocess.FeatureTransform;
import io.kiln.runtime.internal.preprocess.Preprocessor;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kiln.dsl.Task;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * <b>Public API</b>. A trained model: the DL4J network, its fitted preprocessing and its metadata. One file holds it
 * all (a zip with {@value #METADATA_ENTRY} and {@value #NETWORK_ENTRY}), written atomically: a
 * killed save leaves the previous file intact.
 */
public final class KilnModel {
    static final String METADATA_ENTRY = "kiln-model.json";
    static final String NETWORK_ENTRY = "network.dl4j.zip";
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Prediction memory: grown to the largest batch seen, then reused. */
    private static final WorkspaceConfiguration PREDICT_WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .overallocationLimit(0.2)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    /**
     * Batches of at most this many rows run in {@link DenseForward} when the network allows it; larger
     * ones in DL4J, whose matrix multiply is faster per row (the two meet at about this size for
     * the bundled digits network, docs/benchmarks.md).
     */
    public static final int PLAIN_MAX_ROWS = 64;
    /**
     * The system property that, set to {@code false} when a model is loaded, runs all of its
     * predictions in DL4J (to compare the two paths, or to batch a small model's requests).
     */
    public static final String PLAIN_FORWARD_PROPERTY = "kiln.plainForward";

    private final Network network;
    private final boolean plainEnabled = !"false".equals(System.getProperty(PLAIN_FORWARD_PROPERTY));
    private volatile Optional<DenseForward> plain;
    private volatile Optional<BatchForward> batch;
    private final String workspaceId = "kiln-predict-" + Integer.toHexString(System.identityHashCode(this));
    private final ModelMetadata metadata;
    private final Preprocessor preprocessor;

    public KilnModel(Network network, ModelMetadata metadata) {
        NativeThreads.configure();
        this.network = network;
        this.metadata = metadata;
        this.preprocessor = new Preprocessor(metadata.features());
    }

    /** The DL4J network: {@link Network#layers()} or, for a spec with residual connections, {@link Network#graph()}. */
    public Network network() {
        return network;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public Preprocessor preprocessor() {
        return preprocessor;
    }

    public Task task() {
        return metadata.task();
    }

    /** Fails unless the model's features are exactly these names in this order. */
    public void requireFeatures(List<String> names) {
        List<String> mine = metadata.features().stream().map(FeatureTransform::name).toList();
        if (!mine.equals(names)) {
            throw new IllegalArgumentException("Model '" + metadata.name() + "' was trained on features " + mine
                    + ", not " + names + ". Load a model trained from this spec.");
        }
    }

    /**
     * Where each of a spec's declared inputs goes among the model's features: for a feature
     * declared on its own, its one position; for a group of columns ({@code @Features}), the
     * positions of its columns in order. Fails unless the components name every feature once, in
     * the model's order: the model was not trained from this spec.
     *
     * @param components the spec's feature and {@code @Features} field names, in declaration order
     */
    public int[][] inputLayout(List<String> components) {
        List<FeatureTransform> features = metadata.features();
        java.util.Set<String> named = new java.util.HashSet<>(components);
        int[][] layout = new int[components.size()][];
        int next = 0;
        for (int c = 0; c < components.size(); c++) {
            String name = components.get(c);
            int start = next;
            if (next < features.size() && features.get(next).group() == null && name.equals(features.get(next).name())) {
                layout[c] = new int[] {next++};
                continue;
            }
            while (next < features.size() && name.equals(features.get(next).group())) {
                next++;
            }
            if (next == start) {
                // a model file that does not mark groups (one trained from a feature per column): the group is
                // the run of unmarked features up to the one the next component names
                while (next < features.size() && features.get(next).group() == null
                        && !named.contains(features.get(next).name())) {
                    next++;
                }
            }
            if (next == start) {
                throw new IllegalArgumentException("Model '" + metadata.name() + "' was trained on features "
                        + describeInputs() + ", not " + components + ". Load a model trained from this spec.");
            }
            layout[c] = java.util.stream.IntStream.range(start, next).toArray();
        }
        if (next != features.size()) {
            throw new IllegalArgumentException("Model '" + metadata.name() + "' was trained on features "
                    + describeInputs() + ", not " + components + ". Load a model trained from this spec.");
        }
        return layout;
    }

    /** The model's inputs as declared: each feature's name, a group of columns as {@code name[n columns]}. */
    private List<String> describeInputs() {
        List<String> names = new ArrayList<>();
        List<FeatureTransform> features = metadata.features();
        for (int f = 0; f < features.size(); ) {
            String group = features.get(f).group();
            if (group == null) {
                names.add(features.get(f++).name());
                continue;
            }
            int n = 0;
            while (f < features.size() && group.equals(features.get(f).group())) {
                f++;
                n++;
            }
            names.add(group + "[" + n + " columns]");
        }
        return names;
    }

    /**
     * One row of feature values from a spec's declared inputs laid out by {@link #inputLayout}: a
     * group's value is an array (of numbers, booleans, strings or enum constants) with a value per
     * column, in the order of its columns; null stands for all of them missing.
     */
    public Object[] inputRow(int[][] layout, Object... components) {
        if (components.length != layout.length) {
            throw new IllegalArgumentException(components.length + " inputs; the layout has " + layout.length);
        }
        Object[] row = new Object[metadata.features().size()];
        for (int c = 0; c < layout.length; c++) {
            int[] at = layout[c];
            Object v = components[c];
            if (at.length == 1 && (v == null || !v.getClass().isArray())) {
                row[at[0]] = v;
                continue;
            }
            if (v == null) {
                continue; // every column missing
            }
            if (!v.getClass().isArray()) {
                throw new IllegalArgumentException("'" + metadata.features().get(at[0]).group() + "' takes an array "
                        + "of " + at.length + " values, not " + v.getClass().getSimpleName());
            }
            int n = java.lang.reflect.Array.getLength(v);
            if (n != at.length) {
                String group = metadata.features().get(at[0]).group();
                throw new IllegalArgumentException("'" + group + "' has " + n + (n == 1 ? " value" : " values")
                        + "; model '" + metadata.name() + "' was trained on " + at.length + " columns of it (first "
                        + metadata.features().get(at[0]).column() + ", last "
                        + metadata.features().get(at[at.length - 1]).column() + ")");
            }
            for (int k = 0; k < n; k++) {
                row[at[k]] = java.lang.reflect.Array.get(v, k);
            }
        }
        return row;
    }

    /** Predicts rows of typed feature values, in feature order (Number, Boolean, String or enum; null = missing). */
    public Predictions predict(Object[][] rows) {
        return predict(List.of(rows));
    }

    public Predictions predict(List<Object[]> rows) {
        return predictEncoded(encode(rows), rows.size());
    }

    /**
     * Encodes rows of typed feature values into one row-major block of network inputs ({@code
     * rows × width}); fails with the feature's name on a value the model cannot take.
     */
    public float[] encode(List<Object[]> rows) {
        int width = preprocessor.width();
        float[] flat = new float[rows.size() * width];
        for (int i = 0; i < rows.size(); i++) {
            Object[] row = rows.get(i);
            if (row.length != metadata.features().size()) {
                throw new IllegalArgumentException("row " + i + " has " + row.length + " values; the model has "
                        + metadata.features().size() + " features");
            }
            preprocessor.encode(row, flat, i * width);
        }
        return flat;
    }

    /**
     * Predicts {@code rows} rows already encoded by {@link #encode}, in one forward pass.
     *
     * <p>The input, the activations and the output live in a workspace of the calling thread that
     * is reused from call to call, and the output is copied out before it closes: no array of a
     * prediction outlives it, so a server's many small predictions leave nothing for the garbage
     * collector's reference processing (each detached array registers a native deallocator; tens
     * of thousands of them made young-generation pauses last 200 ms, docs/benchmarks.md).
     */
    public Predictions predictEncoded(float[] flat, int rows) {
        DenseForward forward = rows <= PLAIN_MAX_ROWS ? plainForward().orElse(null) : null;
        if (forward != null) {
            return new Predictions(metadata.task(), metadata.label().classes(), toDataUnits(forward.output(flat, rows)),
                    metadata.threshold());
        }
        synchronized (network) {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(PREDICT_WORKSPACE,
                    workspaceId)) {
                INDArray x = matrix(flat, rows);
                return predictions(network.output(x, TokenMask.of(x, preprocessor.tokenColumns()), ws));
            }
        }
    }

    /** The network's outputs as predictions (copied out of {@code out}). */
    private Predictions predictions(INDArray out) {
        return new Predictions(metadata.task(), metadata.label().classes(), toDataUnitsFlat(out), out.columns(),
                metadata.threshold());
    }

    /**
     * Predicts {@code rows} rows already encoded by {@link #encode}, for batch scoring: many calls
     * with the same large number of rows from one thread. A stack of dense layers runs in {@link
     * BatchForward} (the arithmetic of {@code network.output} into arrays reused from call to call,
     * checked against DL4J at first use); any other network as {@link #predictEncoded}.
     */
    public Predictions predictBatch(float[] flat, int rows) {
        return predictPartOf(flat, rows, rows);
    }

    /**
     * Predicts {@code rows} rows that are part of a chunk of {@code chunkRows} rows, by the forward
     * pass {@link #predictBatch} takes for the whole chunk: the same values, bit for bit, as in the
     * whole chunk's predictions (the plain pass for a few rows and the batch pass round differently in
     * the last bits). For work split where the chunks are not, such as Spark's partitions of a file.
     */
    public Predictions predictPartOf(float[] flat, int rows, int chunkRows) {
        BatchForward forward = chunkRows > PLAIN_MAX_ROWS ? batchForward().orElse(null) : null;
        if (forward == null) {
            return predictEncoded(flat, rows);
        }
        return predictions(forward.output(flat, rows));
    }

    /** Whether {@link #predictBatch} runs in {@link BatchForward} rather than DL4J's {@code network.output}. */
    public boolean hasBatchForward() {
        return batchForward().isPresent();
    }

    private Optional<BatchForward> batchForward() {
        Optional<BatchForward> p = batch;
        if (p == null) {
            synchronized (this) {
                p = batch;
                if (p == null) {
                    p = plainEnabled && network instanceof Network.Layers layers ? BatchForward.of(layers.net())
                            : Optional.empty();
                    batch = p;
                }
            }
        }
        return p;
    }

    /**
     * True when predictions of up to {@value #PLAIN_MAX_ROWS} rows run in plain Java rather than
     * DL4J: the network is feed-forward with layers and activations {@link DenseForward}
     * reproduces, and its outputs matched DL4J's on a check at first use.
     */
    public boolean hasPlainForward() {
        return plainForward().isPresent();
    }

    /**
     * The plain-Java forward pass of this model's network, built (and checked against DL4J) on
     * first use; empty when the network has a layer it does not reproduce or when disabled.
     */
    public Optional<DenseForward> plainForward() {
        Optional<DenseForward> p = plain;
        if (p == null) {
            synchronized (this) {
                p = plain;
                if (p == null) {
                    p = plainEnabled && network instanceof Network.Layers layers ? DenseForward.of(layers.net())
                            : Optional.empty();
                    plain = p;
                }
            }
        }
        return p;
    }

    /**
     * {@code rows × width} inputs as a network input. On the CPU backend one bulk copy into the
     * array's memory: {@code Nd4j.create(float[], ..)} copies element by element, which took a
     * third as long as the forward pass itself in batch scoring (docs/benchmarks.md).
     */
    private INDArray matrix(float[] flat, int rows) {
        int width = preprocessor.width();
        if (flat.length != rows * width) {
            throw new IllegalArgumentException(flat.length + " inputs are not " + rows + " rows of " + width);
        }
        if (rows > 0 && Nd4j.getEnvironment().isCPU()) {
            INDArray x = Nd4j.createUninitialized(DataType.FLOAT, rows, width);
            x.data().asNioFloat().put(flat);
            return x;
        }
        return Nd4j.create(flat, new long[] {rows, width}, DataType.FLOAT);
    }

    /**
     * Evaluates the model on the given rows of labelled data, and the baseline saved with it on the
     * same rows: {@code [model, baseline]}.
     */
    public Metrics.Evaluation[] evaluate(LabeledData data, int[] rows) {
        if (!data.hasLabels()) {
            throw new IllegalArgumentException("The data has no label column, so there is nothing to evaluate against");
        }
        if (rows.length == 0) {
            throw new IllegalArgumentException("There are no rows to evaluate");
        }
        double[][] targets = Rows.rows(data.targets(), rows);
        INDArray x = preprocessor.matrix(data, rows);
        return new Metrics.Evaluation[] {
            Metrics.evaluate(task(), targets, output(x), metadata.threshold()),
            // the majority class is the baseline whatever the model's threshold
            Metrics.evaluate(task(), targets, baselineOutputs(data, rows))
        };
    }

    /**
     * For a series model whose label reads the column of one of its features: the input holding
     * that column's last value in the window ({@code column[t]}), which the naive forecast repeats;
     * -1 for every other model.
     */
    int naiveForecastInput() {
        List<String> columns = metadata.label().columns();
        if (columns.size() != 1) {
            return -1;
        }
        String last = SeriesWindow.stepName(columns.get(0), 0);
        List<FeatureTransform> features = metadata.features();
        for (int f = 0; f < features.size(); f++) {
            if (features.get(f).column().equals(last)) {
                return f;
            }
        }
        return -1;
    }

    /** What the baseline predicts: the majority class, the training mean, or the naive forecast. */
    public String baselineName() {
        if (task().isClassification()) {
            return "majority class";
        }
        return naiveForecastInput() >= 0 ? "naive last value" : "mean predictor";
    }

    /**
     * The baseline's outputs on the given rows: for a series forecast the last value in each window
     * (where it is missing, the training mean), for every other model the constant saved with it.
     */
    double[][] baselineOutputs(LabeledData data, int[] rows) {
        double[][] constant = Rows.repeat(metadata.baselineOutput(), rows.length);
        int naive = naiveForecastInput();
        if (naive >= 0) {
            for (int i = 0; i < rows.length; i++) {
                Object v = data.features().get(rows[i])[naive];
                if (v instanceof Double d && !d.isNaN()) {
                    constant[i][0] = d;
                }
            }
        }
        return constant;
    }

    /** Runs the network and maps its output to data units. Serialized: a DL4J network is not thread-safe. */
    public double[][] output(INDArray x) {
        INDArray out;
        synchronized (network) {
            out = network.output(x, TokenMask.of(x, preprocessor.tokenColumns()));
        }
        return toDataUnits(out);
    }

    /** Network outputs as probabilities or values in the units of the data (regression targets un-standardized). */
    public double[][] toDataUnits(INDArray out) {
        double[] flat = toDataUnitsFlat(out);
        int cols = out.columns();
        double[][] values = new double[out.rows()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = Arrays.copyOfRange(flat, i * cols, (i + 1) * cols);
        }
        return values;
    }

    /**
     * {@link #toDataUnits(INDArray)} in one row-major array: output {@code j} of row {@code i} at
     * {@code i * columns + j}.
     */
    double[] toDataUnitsFlat(INDArray out) {
        int cols = out.columns();
        int rows = out.rows();
        double[] values = new double[rows * cols];
        if (out.dataType() == DataType.FLOAT && Nd4j.getEnvironment().isCPU()) {
            // one bulk copy out of the array's memory (asDouble() reads element by element), widened in Java;
            // a column-major array (BatchForward's) is read as it is, without a copy into row-major order
            boolean whole = !out.isView() && out.offset() == 0 && out.length() == (long) rows * cols;
            boolean columnMajor = whole && out.ordering() == 'f';
            INDArray dense = whole ? out : out.dup('c');
            float[] flat = new float[rows * cols];
            dense.data().asNioFloat().get(flat);
            if (columnMajor) {
                for (int j = 0; j < cols; j++) {
                    for (int i = 0, from = j * rows; i < rows; i++) {
                        values[i * cols + j] = flat[from + i];
                    }
                }
            } else {
                for (int k = 0; k < flat.length; k++) {
                    values[k] = flat[k];
                }
            }
        } else {
            // one bulk copy: INDArray.toDoubleMatrix() copies row by row, one native call per row
            double[] flat = out.castTo(DataType.DOUBLE).dup('c').data().asDouble();
            System.arraycopy(flat, 0, values, 0, values.length);
        }
        for (int i = 0; i < rows; i++) {
            unstandardize(values, i * cols, cols);
        }
        return values;
    }

    /** Network outputs, in place, as values in the units of the data (regression targets un-standardized). */
    private double[][] toDataUnits(double[][] values) {
        for (double[] row : values) {
            unstandardize(row, 0, row.length);
        }
        return values;
    }

    /** Regression targets back in the units of the data, in place: the {@code cols} outputs of a row from {@code from}. */
    private void unstandardize(double[] values, int from, int cols) {
        double[] center = metadata.targetCenter();
        double[] scale = metadata.targetScale();
        if (center != null) {
            for (int j = 0; j < cols; j++) {
                values[from + j] = values[from + j] * scale[j] + center[j];
            }
        }
    }

    /** Writes the model to {@code file} atomically (temporary file in the same folder, then a rename). */
    public void save(Path file) throws IOException {
        AtomicFiles.write(file, content());
    }

    /** The model file's bytes, as {@link #save} writes them; for writing it together with other files. */
    /** The bytes this model's file takes, counted without writing it. */
    public long fileBytes() throws IOException {
        long[] n = {0};
        content().writeTo(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                n[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                n[0] += len;
            }
        });
        return n[0];
    }

    AtomicFiles.Content content() throws IOException {
        ByteArrayOutputStream net = new ByteArrayOutputStream();
        ModelSerializer.writeModel(network.dl4j(), net, true);
        byte[] meta = JSON.writeValueAsBytes(metadata);
        return out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
            zip.write(meta);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(NETWORK_ENTRY));
            net.writeTo(zip);
            zip.closeEntry();
            zip.finish();
        };
    }

    public static KilnModel load(Path file) throws IOException {
        NativeThreads.configure(); // before Network.restore loads the backend
        if (!Files.isRegularFile(file)) {
            throw new java.io.FileNotFoundException("Model file not found: " + file.toAbsolutePath()
                    + ". Train one first (the 'train' command writes it).");
        }
        byte[] metadata = null;
        byte[] network = null;
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().equals(METADATA_ENTRY)) {
                    metadata = zip.readAllBytes();
                } else if (e.getName().equals(NETWORK_ENTRY)) {
                    network = zip.readAllBytes();
                }
            }
        }
        if (metadata == null || network == null) {
            throw new IOException(file + " is not a Kiln model file (it lacks " + METADATA_ENTRY + " or "
                    + NETWORK_ENTRY + ")");
        }
        ModelMetadata meta = JSON.readValue(metadata, ModelMetadata.class);
        if (!ModelMetadata.READABLE_FORMATS.contains(meta.format())) {
            throw new IOException(file + " has format " + meta.format() + "; this runtime reads "
                    + String.join(" and ", ModelMetadata.READABLE_FORMATS));
        }
        return new KilnModel(Network.restore(network), meta);
    }

    /** The metadata as pretty JSON. */
    public String metadataJson() {
        try {
            return JSON.writeValueAsString(metadata);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
