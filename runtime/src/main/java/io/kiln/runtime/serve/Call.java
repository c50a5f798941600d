package io.kiln.runtime.serve;



/** What a request turned out to be, for its metrics. */
final class Call {
    String model = ServerMetrics.NONE;
    String version = ServerMetrics.NONE;
    String protocol = "other";

    /** The model and version a request was answered by. */
    void label(ServedModel m) {
        model = m.name();
        version = m.versionLabel();
    }
}
