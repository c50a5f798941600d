package io.kiln.spark;

import io.kiln.runtime.KilnModel;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.Predictions;
import io.kiln.runtime.batch.BatchScorer;
import io.kiln.runtime.internal.inference.PredictionCsv;
import io.kiln.runtime.internal.inference.TextBuffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * A task of Parquet scoring: one partition of a file's rows (each with its index in the file)
 * predicted in chunks and written as prediction lines, without a header, to {@code part-NNNNN} of
 * the file's parts folder. A row is numbered as the line a CSV export of the file with a header
 * would give it (the first row is line 2), so the joined output is what {@code score} writes for
 * that export. Rows the model cannot take fail the task, or with {@code SKIP} go to the part's
 * rejects.
 */
record ParquetPart(DefinitionSource definition, Broadcast<byte[]> model, String input, long total, String parts,
        SparkScorer.Settings settings)
        implements Function2<Integer, Iterator<Tuple2<Row, Long>>, Iterator<ParquetPart.Written>> {

    /** What a part holds. */
    record Written(int part, long rows, long scored, long rejected, String executor) implements Serializable {}

    static Path partFile(Path parts, int part) {
        return parts.resolve(String.format("part-%05d", part));
    }

    static Path rejectsFile(Path parts, int part) {
        return parts.resolve(String.format("rejects-%05d", part));
    }

    @Override
    public Iterator<Written> call(Integer part, Iterator<Tuple2<Row, Long>> rows) throws IOException {
        KilnModel kiln = ExecutorModels.model(model.value());
        ModelDefinition def = definition.definition().resolvedFor(kiln);
        PredictionCsv format = new PredictionCsv(def, kiln);
        Path folder = Path.of(parts);
        long count = 0;
        long scored = 0;
        long rejected = 0;
        TextBuffer text = new TextBuffer();
        TextBuffer rejects = new TextBuffer();
        try (OutputStream out = Files.newOutputStream(partFile(folder, part))) {
            List<Object[]> chunk = new ArrayList<>();
            List<Long> lines = new ArrayList<>();
            while (rows.hasNext()) {
                Tuple2<Row, Long> next = rows.next();
                Row row = next._1();
                Object[] values = new Object[row.length()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = row.get(i);
                }
                chunk.add(values);
                lines.add(next._2() + 2);
                count++;
                // chunks end where the local scorer's do (every batchSize rows of the file), so each row meets the
                // same forward pass
                if ((next._2() + 1) % settings.batchSize() == 0 || !rows.hasNext()) {
                    long[] ok = predict(kiln, format, chunk, lines, text, rejects);
                    scored += ok[0];
                    rejected += ok[1];
                    text.writeTo(java.nio.channels.Channels.newChannel(out));
                    text.clear();
                    chunk.clear();
                    lines.clear();
                }
            }
        }
        if (rejects.size() > 0) {
            Files.write(rejectsFile(folder, part), rejects.toByteArray());
        }
        return List.of(new Written(part, count, scored, rejected, org.apache.spark.SparkEnv.get().executorId()))
                .iterator();
    }

    /** Predicts a chunk into {@code text}; returns {scored, rejected}. */
    private long[] predict(KilnModel kiln, PredictionCsv format, List<Object[]> chunk, List<Long> lines,
            TextBuffer text, TextBuffer rejects) {
        try {
            // the local scorer's chunk these rows belong to decides the forward pass (a partition may split it)
            long start = (lines.get(0) - 2) / settings.batchSize() * settings.batchSize();
            int chunkRows = (int) Math.min(settings.batchSize(), total - start);
            Predictions p = kiln.predictPartOf(kiln.encode(chunk), chunk.size(), chunkRows);
            format.appendRows(text, p, lines.stream().mapToLong(Long::longValue).toArray());
            return new long[] {chunk.size(), 0};
        } catch (IllegalArgumentException e) {
            if (settings.onError() != BatchScorer.OnError.SKIP) {
                throw new IllegalArgumentException("Row " + (lines.get(0) - 1) + " to " + (lines.get(lines.size() - 1)
                        - 1) + " of " + input + ": " + e.getMessage(), e);
            }
        }
        // one row at a time, to find the rows the model cannot take
        long scored = 0;
        long rejected = 0;
        for (int i = 0; i < chunk.size(); i++) {
            try {
                Predictions p = kiln.predictBatch(kiln.encode(List.<Object[]>of(chunk.get(i))), 1);
                format.appendRows(text, p, new long[] {lines.get(i)});
                scored++;
            } catch (IllegalArgumentException e) {
                rejects.append(lines.get(i)).append(",,").append(PredictionCsv.field(e.getMessage())).append(',')
                        .append(PredictionCsv.field(java.util.Arrays.toString(chunk.get(i)))).append('\n');
                rejected++;
            }
        }
        return new long[] {scored, rejected};
    }
}
