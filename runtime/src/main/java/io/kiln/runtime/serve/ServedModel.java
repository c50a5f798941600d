package io.kiln.runtime.serve;

import io.kiln.runtime.DriftMonitor;
import io.kiln.runtime.KilnModel;
import io.kiln.runtime.Predictions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One loaded version of a model as the server runs it: the model, its batcher (when dynamic
 * batching is on and the model runs in DL4J) and its drift monitor.
 *
 * <p>A model with a plain-Java forward pass ({@link KilnModel#hasPlainForward}) is not batched:
 * its rows cost about 2 µs each with no per-call overhead to share, so waiting for and handing
 * over a batch only adds latency (measured: 0.75x the throughput at 64 clients, docs/benchmarks.md).
 */
final class ServedModel implements AutoCloseable {
    private final String name;
    private final long version;
    private final String versionLabel;
    private final KilnModel model;
    private final Path file;
    private final Batcher batcher;
    private final DriftMonitor drift;
    private final ServerMetrics metrics;
    private final Instant loadedAt = Instant.now();

    ServedModel(String name, long version, KilnModel model, Path file, ServerConfig config, ServerMetrics metrics) {
        this.name = name;
        this.version = version;
        this.versionLabel = Long.toString(version);
        this.model = model;
        this.file = file;
        this.batcher = config.maxBatch() > 1 && !model.hasPlainForward()
                ? new Batcher(model, name + "-" + version, config.maxBatch(), config.batchDelayMicros(),
                        rows -> metrics.batch(name, versionLabel, rows))
                : null;
        this.metrics = metrics;
        // a model saved before drift profiles is served without drift metrics
        this.drift = model.metadata().drift() == null ? null
                : new DriftMonitor(model.metadata().drift(), config.driftWindow());
    }

    String name() {
        return name;
    }

    long version() {
        return version;
    }

    String versionLabel() {
        return versionLabel;
    }

    KilnModel model() {
        return model;
    }

    Path file() {
        return file;
    }

    Instant loadedAt() {
        return loadedAt;
    }

    /**
     * Predicts typed rows: encodes them on the caller's thread (a bad value fails here, naming its
     * feature), then runs them alone or in a dynamic batch.
     */
    Predictions predict(List<Object[]> rows) {
        float[] x = model.encode(rows);
        if (batcher != null) {
            return batcher.predict(x, rows.size());
        }
        Predictions p = model.predictEncoded(x, rows.size());
        metrics.batch(name, versionLabel, rows.size());
        return p;
    }

    /** True when predictions go through the dynamic batcher. */
    boolean batches() {
        return batcher != null;
    }

    /** PSI per feature over the recent requests (empty when the model has no drift profile). */
    Map<String, Double> drift() {
        return drift == null ? Map.of() : drift.psi();
    }

    long driftWindowRows() {
        return drift == null ? 0 : drift.windowRows();
    }

    /** Counts served rows into the drift window. */
    void observe(List<Object[]> rows) {
        if (drift != null) {
            for (Object[] row : rows) {
                drift.observe(row);
            }
        }
    }

    @Override
    public void close() {
        if (batcher != null) {
            batcher.close();
        }
    }
}
