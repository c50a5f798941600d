package io.kiln.examples.bench.learn;

import io.kiln.dsl.RetrainData;
import io.kiln.dsl.RetrainLevel;
import io.kiln.runtime.CsvSource;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Learner;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.RetrainPolicy;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.internal.data.LabeledData;
import io.kiln.runtime.internal.model.AtomicFiles;
import io.kiln.runtime.internal.report.TimelinePage;
import io.kiln.runtime.serve.ModelStore;
import io.kiln.examples.bench.transfer.FashionTransferBench;
import io.kiln.examples.stream.CancerStreamTrainer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Continuous learning on two drifting streams built from real data, each run under the same policies from
 * the same first model: static (never retrains), retraining from scratch on all rows, fine-tuning on the new
 * rows, fine-tuning on the new rows with replay of older ones, and fine-tuning on a window when the input
 * drifts. Reports the prequential accuracy batch by batch (a plot in {@code docs/images}), the final model's
 * accuracy on held-out rows of every phase, forgetting (the best accuracy any champion reached on a phase
 * minus the final one's), the compute spent, and how many batches each policy took to recover after a shift.
 *
 * <ul>
 *   <li><b>Fashion-MNIST</b> (Debian's dataset-fashion-mnist): the first model trains on 5,000 upright
 *       training images; 24 batches of 500 follow: upright (phase A), rotated a quarter turn (B), then
 *       upright again with only the four tops classes, T-shirt, pullover, coat, shirt (C: a class-mix shift
 *       toward the hardest classes). Each phase's held-out rows come from the official test images.
 *   <li><b>Breast cancer</b> (the bundled Wisconsin table), ordered by the nucleus's mean area: the first
 *       model trains on the 200 smallest nuclei, and the larger ones arrive in batches of 46, so the
 *       measurements (and the class mix) drift gradually; every fifth row of each third is held out.
 * </ul>
 *
 * <p>Arguments: {@code fashion}, {@code cancer} or {@code all} (default), and the folder the plots go to
 * (default {@code ../docs/images}).
 */
public final class LearnBench {
    static final Path DIR = Path.of("target/bench-learn");
    static final int[] TOPS = {0, 2, 4, 6};

    private LearnBench() {}

    /** A stream: its phases' first batches, held-out rows per phase, and the policies' settings. */
    record Stream(String name, ModelDefinition def, Path inbox, List<String> phases, List<Integer> phaseStarts,
            List<Path> heldOut, Map<String, RetrainPolicy> policies) {}

    /** What one policy did on one stream. */
    record Outcome(String policy, double[] prequential, double[] finalByPhase, double[] forgetting,
            int retrainings, int accepted, double seconds, long rowEpochs, List<String> recovery) {}

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "all";
        Path images = Path.of(args.length > 1 ? args[1] : "../docs/images");
        Files.createDirectories(DIR);
        if (which.equals("all") || which.equals("fashion")) {
            report(fashion(), images, new double[] {0, 1});
        }
        if (which.equals("all") || which.equals("cancer")) {
            report(cancer(), images, new double[] {0, 1});
        }
    }

    static Map<String, RetrainPolicy> policies(int every, int epochs, int accept, int window, int driftRows,
            int scratchEpochs) {
        RetrainPolicy base = RetrainPolicy.never().withAcceptance(accept, 0);
        Map<String, RetrainPolicy> p = new LinkedHashMap<>();
        p.put("static", RetrainPolicy.never());
        p.put("scratch, all rows", base.withTriggers(every, 0, 0).withLevel(RetrainLevel.SCRATCH, 0, 0)
                .withEpochs(scratchEpochs));
        p.put("fine-tune, new rows", base.withTriggers(every, 0, 0).withData(RetrainData.NEW, 0, 0, 0)
                .withEpochs(epochs));
        p.put("fine-tune, new + replay", base.withTriggers(every, 0, 0).withData(RetrainData.NEW, 0, 0.5, 0)
                .withEpochs(epochs));
        p.put("drift-triggered", base.withTriggers(0, 0.25, 0).withDriftRows(driftRows)
                .withData(RetrainData.WINDOW, window, 0, 0).withEpochs(epochs));
        return p;
    }

    // ---------------------------------------------------------------- Fashion-MNIST

    static Stream fashion() throws IOException {
        Path data = FashionTransferBench.DATA;
        byte[][] train = FashionTransferBench.images(data.resolve("train-images-idx3-ubyte.gz"));
        int[] trainLabels = FashionTransferBench.labels(data.resolve("train-labels-idx1-ubyte.gz"));
        byte[][] test = FashionTransferBench.images(data.resolve("t10k-images-idx3-ubyte.gz"));
        int[] testLabels = FashionTransferBench.labels(data.resolve("t10k-labels-idx1-ubyte.gz"));
        writeImages(DIR.resolve("fashion-initial.csv"), train, trainLabels, range(0, 5000), false);
        Path inbox = DIR.resolve("fashion-inbox");
        AtomicFiles.deleteTree(inbox);
        Files.createDirectories(inbox);
        int next = 5000;
        for (int b = 0; b < 24; b++) {
            List<Integer> rows = new ArrayList<>();
            while (rows.size() < 500) {
                if (b < 16 || contains(TOPS, trainLabels[next])) {
                    rows.add(next);
                }
                next++;
            }
            writeImages(inbox.resolve(String.format(Locale.ROOT, "batch-%02d.csv", b + 1)), train, trainLabels,
                    rows, b >= 8 && b < 16);
        }
        List<Integer> testRows = range(0, 2000);
        List<Path> heldOut = List.of(DIR.resolve("fashion-test-A.csv"), DIR.resolve("fashion-test-B.csv"),
                DIR.resolve("fashion-test-C.csv"));
        writeImages(heldOut.get(0), test, testLabels, testRows, false);
        writeImages(heldOut.get(1), test, testLabels, testRows, true);
        writeImages(heldOut.get(2), test, testLabels, testRows.stream().filter(i -> contains(TOPS, testLabels[i]))
                .toList(), false);
        return new Stream("fashion", FashionStreamTrainer.DEFINITION, inbox, List.of("A upright", "B rotated",
                "C tops only"), List.of(1, 9, 17), heldOut, policies(1000, 3, 250, 2000, 500, 5));
    }

    /** Rows as a CSV of 784 pixel columns and the label; {@code rotate}: a quarter turn clockwise. */
    static void writeImages(Path file, byte[][] images, int[] labels, List<Integer> rows, boolean rotate)
            throws IOException {
        Path part = file.resolveSibling("." + file.getFileName());
        try (BufferedWriter out = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            for (int p = 0; p < 784; p++) {
                line.append('p').append(p).append(',');
            }
            out.write(line.append("label\n").toString());
            for (int i : rows) {
                line.setLength(0);
                byte[] img = images[i];
                for (int r = 0; r < 28; r++) {
                    for (int c = 0; c < 28; c++) {
                        line.append(img[rotate ? (27 - c) * 28 + r : r * 28 + c] & 0xff).append(',');
                    }
                }
                out.write(line.append(labels[i]).append('\n').toString());
            }
        }
        Files.move(part, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    // ---------------------------------------------------------------- breast cancer

    static Stream cancer() throws IOException {
        List<String> lines;
        try (InputStream in = LearnBench.class.getResourceAsStream(
                "/io/kiln/examples/breastcancer/breast_cancer.csv")) {
            lines = new ArrayList<>(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
        }
        String header = lines.remove(0);
        int area = Arrays.asList(header.split(",")).indexOf("mean_area");
        lines.removeIf(String::isBlank);
        lines.sort((a, b) -> Double.compare(Double.parseDouble(a.split(",")[area]),
                Double.parseDouble(b.split(",")[area])));
        // the first model's rows: the 200 smallest nuclei, as the example bundles them (cancer-small.csv)
        Files.write(DIR.resolve("cancer-initial.csv"), concat(header, lines.subList(0, 200)));
        Path inbox = DIR.resolve("cancer-inbox");
        AtomicFiles.deleteTree(inbox);
        Files.createDirectories(inbox);
        List<String> rest = lines.subList(200, lines.size());
        List<List<String>> heldOut = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<String> streamed = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) {
            int third = Math.min(2, i * 3 / rest.size());
            (i % 5 == 4 ? heldOut.get(third) : streamed).add(rest.get(i));
        }
        List<Integer> starts = new ArrayList<>(List.of(1));
        int batch = 46;
        int batches = (streamed.size() + batch - 1) / batch;
        for (int b = 0; b < batches; b++) {
            Path file = inbox.resolve(String.format(Locale.ROOT, "batch-%02d.csv", b + 1));
            Files.write(file, concat(header, streamed.subList(b * batch, Math.min(streamed.size(), (b + 1) * batch))));
        }
        starts.add(1 + batches / 3);
        starts.add(1 + 2 * batches / 3);
        List<Path> files = new ArrayList<>();
        String[] names = {"small", "medium", "large"};
        for (int t = 0; t < 3; t++) {
            Path f = DIR.resolve("cancer-test-" + names[t] + ".csv");
            Files.write(f, concat(header, heldOut.get(t)));
            files.add(f);
        }
        return new Stream("cancer", CancerStreamTrainer.DEFINITION, inbox, List.of("small nuclei", "medium",
                "large"), starts, files, policies(90, 30, 20, 150, 100, 100));
    }

    // ---------------------------------------------------------------- running and reporting

    static void report(Stream s, Path images, double[] yRange) throws Exception {
        Path first = DIR.resolve(s.name() + "-first.kiln");
        long t0 = System.nanoTime();
        Trainer.train(s.def(), TrainOptions.defaults().quiet().references(false)).save(first);
        System.out.printf(Locale.ROOT, "%s: first model trained in %.1f s%n", s.name(), (System.nanoTime() - t0) / 1e9);
        List<Outcome> outcomes = new ArrayList<>();
        for (Map.Entry<String, RetrainPolicy> p : s.policies().entrySet()) {
            outcomes.add(run(s, p.getKey(), p.getValue(), first));
            Outcome o = outcomes.get(outcomes.size() - 1);
            System.out.printf(Locale.ROOT, "  %-24s mean prequential %.4f, %d retrainings (%d accepted), %.1f s%n",
                    o.policy(), mean(o.prequential()), o.retrainings(), o.accepted(), o.seconds());
        }
        table(s, outcomes);
        Map<String, double[]> series = new LinkedHashMap<>();
        outcomes.forEach(o -> series.put(o.policy(), o.prequential()));
        Map<String, Double> marks = new LinkedHashMap<>();
        for (int i = 1; i < s.phaseStarts().size(); i++) {
            marks.put("phase " + s.phases().get(i), (double) s.phaseStarts().get(i));
        }
        String svg = TimelinePage.lines("learn-" + s.name(), "Prequential accuracy, " + s.name() + " stream", "batch",
                "accuracy", series, marks, yRange);
        Files.createDirectories(images);
        Files.writeString(images.resolve("learn-" + s.name() + ".svg"), svg);
        System.out.println("plot: " + images.resolve("learn-" + s.name() + ".svg"));
    }

    static Outcome run(Stream s, String name, RetrainPolicy policy, Path first) throws Exception {
        Path dir = DIR.resolve(s.name() + "-" + name.replaceAll("[^a-z]+", "-"));
        AtomicFiles.deleteTree(dir);
        List<Learner.Entry> log;
        try (Learner l = Learner.open(s.def(), Learner.Options.of(s.inbox(), dir.resolve("work"), dir.resolve("store"))
                .initial(first).policy(policy).progress(null))) {
            log = l.step();
        }
        double[] prequential = log.stream().mapToDouble(Learner.Entry::score).toArray();
        int retrainings = 0;
        int accepted = 0;
        long rowEpochs = 0;
        double seconds = 0;
        int epochs = policy.epochs() > 0 ? policy.epochs() : s.def().fit().epochs();
        for (Learner.Entry e : log) {
            seconds += e.seconds();
            if (e.decision() != null) {
                retrainings++;
                accepted += e.decision().accepted() ? 1 : 0;
                rowEpochs += (long) e.decision().trainRows() * epochs;
            }
        }
        // every champion there was, on every phase's held-out rows
        ModelStore store = new ModelStore(dir.resolve("store"));
        List<Long> versions = store.versions(s.def().name());
        int phases = s.heldOut().size();
        double[][] accuracy = new double[versions.size()][phases];
        for (int v = 0; v < versions.size(); v++) {
            KilnModel m = KilnModel.load(store.file(s.def().name(), versions.get(v)));
            ModelDefinition resolved = s.def().resolvedFor(m);
            for (int p = 0; p < phases; p++) {
                LabeledData d = resolved.readData(CsvSource.file(s.heldOut().get(p)), true);
                accuracy[v][p] = m.evaluate(d, IntStream.range(0, d.size()).toArray())[0].metrics().get("accuracy");
            }
        }
        double[] last = accuracy[versions.size() - 1];
        double[] forgetting = new double[phases];
        for (int p = 0; p < phases; p++) {
            double best = 0;
            for (double[] a : accuracy) {
                best = Math.max(best, a[p]);
            }
            forgetting[p] = best - last[p];
        }
        List<String> recovery = new ArrayList<>();
        for (int i = 1; i < s.phaseStarts().size(); i++) {
            int shift = s.phaseStarts().get(i) - 1; // index of the shift's first batch
            double before = mean(Arrays.copyOfRange(prequential, Math.max(0, shift - 3), shift));
            int end = i + 1 < s.phaseStarts().size() ? s.phaseStarts().get(i + 1) - 1 : prequential.length;
            String r = "not within the phase";
            for (int b = shift; b < end; b++) {
                if (prequential[b] >= before - 0.05) {
                    r = Integer.toString(b - shift);
                    break;
                }
            }
            recovery.add(r);
        }
        return new Outcome(name, prequential, last, forgetting, retrainings, accepted, seconds, rowEpochs, recovery);
    }

    static void table(Stream s, List<Outcome> outcomes) {
        StringBuilder h = new StringBuilder("| policy | mean prequential |");
        StringBuilder line = new StringBuilder("| --- | --- |");
        for (String p : s.phases()) {
            h.append(" final on ").append(p).append(" |");
            line.append(" --- |");
        }
        for (String p : s.phases()) {
            h.append(" forgetting ").append(p.split(" ")[0]).append(" |");
            line.append(" --- |");
        }
        h.append(" retrainings (accepted) | row-epochs | seconds |");
        line.append(" --- | --- | --- |");
        for (int i = 1; i < s.phases().size(); i++) {
            h.append(" batches to recover at ").append(s.phases().get(i).split(" ")[0]).append(" |");
            line.append(" --- |");
        }
        System.out.println();
        System.out.println(h);
        System.out.println(line);
        for (Outcome o : outcomes) {
            StringBuilder r = new StringBuilder("| ").append(o.policy()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.4f", mean(o.prequential()))).append(" |");
            for (double v : o.finalByPhase()) {
                r.append(String.format(Locale.ROOT, " %.4f |", v));
            }
            for (double v : o.forgetting()) {
                r.append(String.format(Locale.ROOT, " %.4f |", v));
            }
            r.append(String.format(Locale.ROOT, " %d (%d) | %,d | %.1f |", o.retrainings(), o.accepted(),
                    o.rowEpochs(), o.seconds()));
            for (String rec : o.recovery()) {
                r.append(' ').append(rec).append(" |");
            }
            System.out.println(r);
        }
        System.out.println();
        System.out.println("prequential accuracy by batch:");
        for (Outcome o : outcomes) {
            StringBuilder r = new StringBuilder(String.format(Locale.ROOT, "  %-24s", o.policy()));
            for (double v : o.prequential()) {
                r.append(String.format(Locale.ROOT, " %.3f", v));
            }
            System.out.println(r);
        }
        System.out.println();
    }

    static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    static boolean contains(int[] values, int v) {
        return Arrays.stream(values).anyMatch(x -> x == v);
    }

    static List<String> concat(String header, List<String> rows) {
        List<String> all = new ArrayList<>(List.of(header));
        all.addAll(rows);
        return all;
    }

    static double mean(double[] v) {
        return Arrays.stream(v).filter(Double::isFinite).average().orElse(Double.NaN);
    }
}
