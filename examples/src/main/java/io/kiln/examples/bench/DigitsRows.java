package io.kiln.examples.bench;

import io.kiln.examples.digits.DigitsMain;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Predictions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real digit rows of the bundled data set (64 pixel features, 0..16), the digits model the
 * serving benchmarks use (trained once, then reused), and its in-process predictions of every row.
 */
final class DigitsRows {
    static final String RESOURCE = "/io/kiln/examples/digits/digits.csv";

    /** Feature names in model order: pixel_0_0 .. pixel_7_7. */
    final List<String> features;
    /** Pixel values, one row per image. */
    final double[][] pixels;

    private DigitsRows(List<String> features, double[][] pixels) {
        this.features = features;
        this.pixels = pixels;
    }

    static DigitsRows load() throws IOException {
        try (InputStream in = DigitsRows.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is not on the class path");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> header = Arrays.asList(r.readLine().split(","));
            int width = header.indexOf("label");
            if (width != 64) {
                throw new IOException("expected 64 pixel columns before 'label', found " + width);
            }
            List<double[]> rows = new ArrayList<>();
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",");
                double[] row = new double[width];
                for (int i = 0; i < width; i++) {
                    row[i] = Double.parseDouble(cells[i]);
                }
                rows.add(row);
            }
            return new DigitsRows(List.copyOf(header.subList(0, width)), rows.toArray(new double[0][]));
        }
    }

    int size() {
        return pixels.length;
    }

    /** The pixel value as the shortest JSON number (the data are whole numbers). */
    static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** Comma-separated pixel values of a row. */
    String csv(int row) {
        StringBuilder b = new StringBuilder(200);
        for (int i = 0; i < pixels[row].length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(number(pixels[row][i]));
        }
        return b.toString();
    }

    /** In-process predictions of every row (labels and probabilities), by the same model file. */
    record Expected(String[] labels, double[][] probabilities) {}

    Expected predict(Path modelFile) throws IOException {
        KilnModel model = KilnModel.load(modelFile);
        model.requireFeatures(features);
        List<Object[]> rows = new ArrayList<>(pixels.length);
        for (double[] p : pixels) {
            Object[] row = new Object[p.length];
            for (int i = 0; i < p.length; i++) {
                row[i] = p[i];
            }
            rows.add(row);
        }
        Predictions p = model.predict(rows);
        String[] labels = new String[p.size()];
        double[][] probabilities = new double[p.size()][];
        for (int i = 0; i < p.size(); i++) {
            labels[i] = p.className(i);
            probabilities[i] = p.probabilities(i).values().stream().mapToDouble(Double::doubleValue).toArray();
        }
        return new Expected(labels, probabilities);
    }

    /** Trains the digits model into {@code file} in a child JVM unless the file exists. */
    static void ensureModel(Path file) throws IOException, InterruptedException {
        if (Files.isRegularFile(file)) {
            System.err.println("reusing the digits model " + file.toAbsolutePath());
            return;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        List<String> cmd = new ArrayList<>();
        cmd.add(ServerProcess.javaBinary());
        cmd.addAll(ServerProcess.SERVER_FLAGS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DigitsMain.class.getName(), "train",
                "--model", file.toString(), "-q"));
        System.err.println("training the digits model into " + file.toAbsolutePath());
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO().redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.isRegularFile(file)) {
                throw new IllegalStateException("training the digits model failed");
            }
        } finally {
            p.destroyForcibly();
        }
    }
}
