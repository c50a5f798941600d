package io.kiln.runtime.serve;

import io.kiln.dsl.Task;
import io.kiln.runtime.Predictions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Recent predictions by id, so that true labels reported later (the outcomes route) are scored
 * against the version that made them. A ring of primitive slots: remembering a prediction
 * allocates nothing (a server remembers every row it answers, and per-row objects that live for
 * a hundred thousand predictions would be copied by every young collection). The oldest
 * predictions are forgotten first.
 *
 * <p>An id is {@code <server epoch>-<sequence>}: the epoch is random per server, so ids from a
 * previous run are unknown rather than matched to the wrong prediction.
 */
final class Outcomes {
    /**
     * A remembered prediction.
     *
     * @param model model name
     * @param version the version that answered
     * @param label classification: the predicted class (multilabel: names joined by ';'); else null
     * @param values regression: the predicted values; else null
     * @param input the typed input row, when inputs are kept (for the outcome inbox); else null
     */
    record Made(String model, long version, String label, double[] values, Object[] input) {}

    /** What a slot's value means: one per model version. */
    private record Source(String model, long version, Task task, List<String> classes) {}

    private final int capacity;
    private final String epoch = Integer.toHexString(ThreadLocalRandom.current().nextInt() | 0x10000000);
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLongArray stored; // slot -> sequence + 1 of the prediction in it, 0 when empty or taken
    private final int[] source;
    private final long[] value; // class index, multilabel bit mask, or a single target's bits
    private final Object[] values; // several regression targets: their values
    private final Object[][] inputs; // the input rows, when kept for the outcome inbox; else null
    private final List<Source> sources = new CopyOnWriteArrayList<>();
    private final Map<Source, Integer> sourceIndex = new ConcurrentHashMap<>();

    Outcomes(int capacity) {
        this(capacity, false);
    }

    /** @param keepInputs remember each prediction's input row too (for the outcome inbox) */
    Outcomes(int capacity, boolean keepInputs) {
        this.capacity = capacity;
        this.inputs = keepInputs ? new Object[capacity][] : null;
        this.stored = new AtomicLongArray(capacity);
        this.source = new int[capacity];
        this.value = new long[capacity];
        this.values = new Object[capacity];
    }

    /**
     * Remembers the predictions of one request made by {@code m}; returns the sequence number of
     * the first row (rows are consecutive, see {@link #id}).
     */
    long remember(ServedModel m, Predictions p, List<Object[]> rows) {
        int n = p.size();
        long first = sequence.getAndAdd(n);
        Task task = p.task();
        int src = sourceIndex.computeIfAbsent(new Source(m.name(), m.version(), task, p.classes()), s -> {
            synchronized (sources) {
                sources.add(s);
                return sources.size() - 1;
            }
        });
        for (int i = 0; i < n; i++) {
            long seq = first + i;
            int slot = (int) (seq % capacity);
            stored.set(slot, 0);
            source[slot] = src;
            values[slot] = null;
            if (inputs != null) {
                inputs[slot] = rows.get(i);
            }
            if (task == Task.MULTILABEL_CLASSIFICATION) {
                boolean[] on = p.labels(i);
                long mask = 0;
                for (int j = 0; j < Math.min(on.length, 64); j++) {
                    mask |= on[j] ? 1L << j : 0;
                }
                value[slot] = mask;
            } else if (task.isClassification()) {
                value[slot] = p.classIndex(i);
            } else if (p.output(i).length == 1) {
                value[slot] = Double.doubleToRawLongBits(p.value(i));
            } else {
                values[slot] = p.values(i);
            }
            stored.set(slot, seq + 1); // publishes the slot's fields
        }
        return first;
    }

    /** The id of the prediction with this sequence number. */
    String id(long sequence) {
        return epoch + "-" + sequence;
    }

    /** The prediction with this id, forgotten as it is returned (an outcome counts once); or null. */
    Made take(String id) {
        int dash = id.indexOf('-');
        if (dash < 0 || !id.substring(0, dash).equals(epoch)) {
            return null;
        }
        long seq;
        try {
            seq = Long.parseLong(id.substring(dash + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (seq < 0) {
            return null;
        }
        int slot = (int) (seq % capacity);
        long v = value[slot];
        Object vs = values[slot];
        Object[] in = inputs == null ? null : inputs[slot];
        int src = source[slot];
        if (!stored.compareAndSet(slot, seq + 1, 0)) {
            return null; // never issued, already reported, or overwritten by a newer prediction
        }
        Source s = sources.get(src);
        if (s.task() == Task.MULTILABEL_CLASSIFICATION) {
            StringBuilder names = new StringBuilder();
            for (int j = 0; j < s.classes().size() && j < 64; j++) {
                if ((v & 1L << j) != 0) {
                    names.append(names.length() == 0 ? "" : ";").append(s.classes().get(j));
                }
            }
            return new Made(s.model(), s.version(), names.toString(), null, in);
        }
        if (s.task().isClassification()) {
            return new Made(s.model(), s.version(), s.classes().get((int) v), null, in);
        }
        return new Made(s.model(), s.version(), null,
                vs != null ? (double[]) vs : new double[] {Double.longBitsToDouble(v)}, in);
    }
}
