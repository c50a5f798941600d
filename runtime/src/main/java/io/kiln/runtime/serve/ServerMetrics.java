package io.kiln.runtime.serve;

import io.kiln.dsl.Task;
import io.kiln.runtime.Predictions;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The server's Prometheus metrics, in a registry of its own (two servers in one JVM do not mix
 * their counts). Names and labels are documented in {@code docs/concepts/serving.md}.
 */
final class ServerMetrics {
    /** A label value for requests that never reached a model (an unknown route or model). */
    static final String NONE = "";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = new PrometheusTextFormatWriter(false);
    private final Counter requests;
    private final Histogram latency;
    private final Histogram batchRows;
    private final Counter predictions;
    private final Histogram values;
    private final Counter outcomes;
    private final Histogram outcomeErrors;
    private final Counter audit;

    ServerMetrics(Supplier<Iterable<ServedModel>> served) {
        requests = Counter.builder().name("kiln_requests_total")
                .help("Requests answered, by model, version, protocol (v2, v1, kiln, metrics, admin) and HTTP status")
                .labelNames("model", "version", "protocol", "status").register(registry);
        latency = Histogram.builder().name("kiln_request_duration_seconds")
                .help("Time from a request's arrival to its answer, by model, version and protocol")
                .classicOnly()
                .classicUpperBounds(0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                        2.5)
                .labelNames("model", "version", "protocol").register(registry);
        batchRows = Histogram.builder().name("kiln_batch_rows")
                .help("Rows per forward pass of the network (dynamic batching merges concurrent requests)")
                .classicOnly().classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096)
                .labelNames("model", "version").register(registry);
        predictions = Counter.builder().name("kiln_predictions_total")
                .help("Predicted classes (classification), by model, version and class")
                .labelNames("model", "version", "class").register(registry);
        values = Histogram.builder().name("kiln_prediction_value")
                .help("Predicted values (regression), by model, version and target")
                .classicOnly().classicUpperBounds(-1000, -100, -10, -1, 0, 1, 10, 100, 1000, 10000)
                .labelNames("model", "version", "target").register(registry);
        outcomes = Counter.builder().name("kiln_outcomes_total")
                .help("True labels reported for served classifications (A/B testing), by model, version and "
                        + "whether the prediction was right")
                .labelNames("model", "version", "result").register(registry);
        outcomeErrors = Histogram.builder().name("kiln_outcome_absolute_error")
                .help("Absolute error of served regression predictions whose true value was reported (A/B testing)")
                .classicOnly().classicUpperBounds(0.01, 0.1, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000)
                .labelNames("model", "version").register(registry);
        audit = Counter.builder().name("kiln_audit_records_total")
                .help("Requests sampled for the audit log, written or dropped (the writer fell behind)")
                .labelNames("result").register(registry);
        GaugeWithCallback.builder().name("kiln_model_loaded_timestamp_seconds")
                .help("When each served model version was loaded")
                .labelNames("model", "version")
                .callback(cb -> served.get().forEach(m -> cb.call(m.loadedAt().toEpochMilli() / 1000.0, m.name(),
                        m.versionLabel())))
                .register(registry);
        GaugeWithCallback.builder().name("kiln_feature_drift_psi")
                .help("Population stability index of each input feature over the recent requests' window "
                        + "against the training distribution (< 0.1 stable, 0.1-0.25 moderate, > 0.25 major)")
                .labelNames("model", "version", "feature")
                .callback(cb -> served.get().forEach(m -> {
                    for (Map.Entry<String, Double> e : m.drift().entrySet()) {
                        if (!e.getValue().isNaN()) {
                            cb.call(e.getValue(), m.name(), m.versionLabel(), e.getKey());
                        }
                    }
                }))
                .register(registry);
        GaugeWithCallback.builder().name("kiln_drift_window_rows")
                .help("Rows in each model version's drift window (PSI is reported from 100 rows)")
                .labelNames("model", "version")
                .callback(cb -> served.get().forEach(m -> cb.call(m.driftWindowRows(), m.name(), m.versionLabel())))
                .register(registry);
    }

    void request(String model, String version, String protocol, int status, long nanos) {
        requests.labelValues(model, version, protocol, Integer.toString(status)).inc();
        latency.labelValues(model, version, protocol).observe(nanos / 1e9);
    }

    void batch(String model, String version, int rows) {
        batchRows.labelValues(model, version).observe(rows);
    }

    void predictions(ServedModel m, Predictions p) {
        Task task = p.task();
        if (task == Task.MULTICLASS_CLASSIFICATION || task == Task.BINARY_CLASSIFICATION) {
            for (int i = 0; i < p.size(); i++) {
                predictions.labelValues(m.name(), m.versionLabel(), p.className(i)).inc();
            }
        } else if (task == Task.MULTILABEL_CLASSIFICATION) {
            for (int i = 0; i < p.size(); i++) {
                boolean[] on = p.labels(i);
                for (int j = 0; j < on.length; j++) {
                    if (on[j]) {
                        predictions.labelValues(m.name(), m.versionLabel(), p.classes().get(j)).inc();
                    }
                }
            }
        } else {
            java.util.List<String> targets = m.model().metadata().label().columns();
            for (int i = 0; i < p.size(); i++) {
                double[] v = p.values(i);
                for (int j = 0; j < v.length; j++) {
                    values.labelValues(m.name(), m.versionLabel(), targets.get(Math.min(j, targets.size() - 1)))
                            .observe(v[j]);
                }
            }
        }
    }

    void outcome(String model, String version, boolean right) {
        outcomes.labelValues(model, version, right ? "right" : "wrong").inc();
    }

    void outcomeError(String model, String version, double absoluteError) {
        outcomeErrors.labelValues(model, version).observe(absoluteError);
    }

    void audit(boolean written) {
        audit.labelValues(written ? "written" : "dropped").inc();
    }

    /** Writes every metric in the Prometheus text format. */
    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    String contentType() {
        return writer.getContentType();
    }
}
