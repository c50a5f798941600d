package io.kiln.runtime.serve;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recent predictions by id, so that true labels reported later (the outcomes route) can be scored
 * against the version that made them. Bounded: the oldest predictions are forgotten first.
 */
final class Outcomes {
    /**
     * A remembered prediction.
     *
     * @param model model name
     * @param version the version that answered
     * @param label classification: the predicted class (multilabel: names joined by ';'); else null
     * @param values regression: the predicted values; else null
     */
    record Made(String model, long version, String label, double[] values) {}

    private final Map<String, Made> recent;

    Outcomes(int capacity) {
        this.recent = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Made> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void remember(String id, Made made) {
        recent.put(id, made);
    }

    /** The prediction with this id, forgotten as it is returned (an outcome counts once); or null. */
    synchronized Made take(String id) {
        return recent.remove(id);
    }
}
