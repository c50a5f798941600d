package io.kiln.runtime.cli;

import io.kiln.runtime.internal.model.AtomicFiles;
import io.kiln.runtime.CsvSource;
import io.kiln.runtime.DataException;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.batch.BatchScorer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code predict --input} of a CSV file, streamed through the batch scorer in chunks rather than
 * read whole: memory stays bounded whatever the file's size, the first predictions are written at
 * once, and a bad row fails with its file, line and column. The predictions are the bytes {@code
 * predict} always wrote (the scorer writes the same format). They are scored into a folder of their
 * own (beside {@code --output}, or in the system's temporary folder for standard output) that is
 * removed afterwards, so a failed run leaves nothing behind.
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
        // scored in a folder of its own (beside the output, so the result is renamed into place), which is
        // removed whatever happens: a failed predict leaves no partial file or checkpoint behind
        Path folder;
        if (output != null) {
            Path parent = output.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            folder = Files.createTempDirectory(parent, ".predict-");
        } else {
            folder = Files.createTempDirectory("kiln-predict-");
        }
        Path file = folder.resolve(input.getFileName().toString());
        try {
            BatchScorer.Summary s = scorer.score(input, file);
            if (output != null) {
                Files.move(file, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                out.println("wrote " + s.scored() + " predictions to " + output);
            } else {
                Files.copy(file, out); // leaves standard output open
                out.flush();
            }
            return 0;
        } catch (DataException e) {
            // the scorer's advice to resume is no use here: predict keeps nothing and has no --restart
            throw e.getCause() instanceof DataException plain ? plain : e;
        } finally {
            AtomicFiles.deleteTree(folder);
        }
    }
}
