package io.kiln.runtime.internal.model;

import java.lang.reflect.Method;
import java.util.OptionalInt;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The thread counts of ND4J's native code: its OpenMP loops, its own operation threads and the BLAS
 * library's. Without {@code OMP_NUM_THREADS} ND4J starts as many as there are cores per socket; on
 * the small networks Kiln trains, each operation is too small to share, and the threads cost more
 * than they save (a small MLP trained several times slower on 2 cores, with spikes of hundreds of
 * milliseconds when the other core was busy). So the runtime sets one thread unless told otherwise:
 * the system property {@value #PROPERTY} sets the count; an {@code OMP_NUM_THREADS} the user set is
 * left as ND4J applied it.
 *
 * <p>{@link #configure()} runs once per JVM, before the first training or model load; it loads the
 * ND4J backend.
 */
public final class NativeThreads {
    /** The system property that sets the thread count. */
    public static final String PROPERTY = "kiln.threads";

    private static volatile boolean configured;

    private NativeThreads() {}

    /** Applies the chosen thread count once; later calls return at once. */
    public static void configure() {
        if (configured) {
            return;
        }
        synchronized (NativeThreads.class) {
            if (!configured) {
                choose(System.getenv("OMP_NUM_THREADS"), System.getProperty(PROPERTY)).ifPresent(NativeThreads::apply);
                configured = true;
            }
        }
    }

    /**
     * The thread count to set, from {@code OMP_NUM_THREADS} and the {@value #PROPERTY} property: the
     * property if given, none (ND4J applied the variable at load) if only the variable is, else 1.
     */
    static OptionalInt choose(String ompNumThreads, String property) {
        if (property != null && !property.isBlank()) {
            int n;
            try {
                n = Integer.parseInt(property.trim());
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1) {
                throw new IllegalArgumentException("-D" + PROPERTY + " must be a whole number of threads, 1 or more, not '"
                        + property + "'");
            }
            return OptionalInt.of(n);
        }
        if (ompNumThreads != null && !ompNumThreads.isBlank()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(1);
    }

    /** Sets ND4J's OpenMP, operation and BLAS thread counts to {@code n}; loads the backend if needed. */
    static void apply(int n) {
        Nd4j.getEnvironment().setMaxMasterThreads(n);
        Nd4j.getEnvironment().setMaxThreads(n);
        Nd4j.factory().blas().setMaxThreads(n);
        Object ops = nativeOps();
        if (ops != null) {
            try {
                ops.getClass().getMethod("setOmpNumThreads", int.class).invoke(ops, n);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // a backend without OpenMP threads: nothing to set
            }
        }
    }

    /** The OpenMP thread count ND4J's native code uses, or -1 if the backend does not say. */
    static int ompThreads() {
        Object ops = nativeOps();
        try {
            return ops == null ? -1 : (int) ops.getClass().getMethod("ompGetMaxThreads").invoke(ops);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** The backend's {@code NativeOps} (in nd4j-native-api, which the runtime does not compile against). */
    private static Object nativeOps() {
        try {
            Class<?> holder = Class.forName("org.nd4j.nativeblas.NativeOpsHolder");
            Object instance = holder.getMethod("getInstance").invoke(null);
            Method get = holder.getMethod("getDeviceNativeOps");
            return get.invoke(instance);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
