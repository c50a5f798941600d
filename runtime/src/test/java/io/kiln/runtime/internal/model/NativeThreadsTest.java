package io.kiln.runtime.internal.model;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class NativeThreadsTest {
    @Test
    void oneThreadByDefault() {
        assertThat(NativeThreads.choose(null, null)).isEqualTo(OptionalInt.of(1));
        assertThat(NativeThreads.choose("", " ")).isEqualTo(OptionalInt.of(1));
    }

    @Test
    void theUsersOmpNumThreadsIsLeftAlone() {
        assertThat(NativeThreads.choose("4", null)).isEqualTo(OptionalInt.empty());
    }

    @Test
    void thePropertyWins() {
        assertThat(NativeThreads.choose(null, "2")).isEqualTo(OptionalInt.of(2));
        assertThat(NativeThreads.choose("4", "3")).isEqualTo(OptionalInt.of(3));
    }

    @Test
    void aBadPropertyIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NativeThreads.choose(null, "many"));
        assertThat(e).hasMessageThat().contains("kiln.threads");
        assertThat(e).hasMessageThat().contains("'many'");
        assertThrows(IllegalArgumentException.class, () -> NativeThreads.choose(null, "0"));
    }

    @Test
    void applySetsNd4jAndBlasThreads() {
        try {
            NativeThreads.apply(2);
            // ND4J caps its operation threads at the count it started with (1 under the tests' OMP_NUM_THREADS)
            assertThat(Nd4j.getEnvironment().maxMasterThreads()).isAtMost(2);
            assertThat(Nd4j.factory().blas().getMaxThreads()).isEqualTo(2);
            assertThat(NativeThreads.ompThreads()).isEqualTo(2);
            NativeThreads.apply(1);
            assertThat(Nd4j.getEnvironment().maxMasterThreads()).isEqualTo(1);
            assertThat(Nd4j.factory().blas().getMaxThreads()).isEqualTo(1);
            assertThat(NativeThreads.ompThreads()).isEqualTo(1);
        } finally {
            NativeThreads.apply(1);
        }
    }
}
