package io.kiln.runtime.cli;

import io.kiln.runtime.CsvSource;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.batch.BatchScorer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code predict --input} of a CSV file, streamed through the batch scorer in chunks rather than
 * read whole: memory stays bounded whatever the file's size, the first predictions are written at
 * once, and a bad row fails with its file, line and column. The predictions are the bytes {@code
 * predict} always wrote (the scorer writes the same format). To standard output they pass through
 * a temporary file beside the system's temporary folder, removed afterwards.
 */
final class PredictFile {
    private PredictFile() {}

    /** Whether {@code input} can be streamed: a CSV file (not ARFF, not IDX images). */
    static boolean streams(ModelDefinition definition, Path input) {
        CsvSource declared = definition.data();
        return (declared == null || !declared.isIdx())
                && !input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".arff");
    }

    /** Predicts every row of {@code input} into {@code output}, or to {@code out} when there is none. */
    static int predict(ModelDefinition definition, Path model, Path input, Path output, PrintStream out)
            throws IOException {
        // no checkpoints between chunks: predict is not resumable, it reruns
        BatchScorer.Options options = BatchScorer.Options.defaults().overwrite(true).restart(true)
                .checkpointInterval(Duration.ofDays(1));
        BatchScorer scorer = new BatchScorer(definition, model, options);
        if (output != null) {
            BatchScorer.Summary s = scorer.score(input, output);
            out.println("wrote " + s.scored() + " predictions to " + output);
            return 0;
        }
        Path folder = Files.createTempDirectory("kiln-predict-");
        Path file = folder.resolve(input.getFileName().toString());
        try {
            scorer.score(input, file);
            try (OutputStream stdout = new java.io.FilterOutputStream(out) {
                @Override
                public void close() throws IOException {
                    flush(); // standard output stays open
                }
            }) {
                Files.copy(file, stdout);
            }
            return 0;
        } finally {
            try (var files = Files.walk(folder)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
