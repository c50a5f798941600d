package io.kiln.runtime.internal.model;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

/** The versions written into the runtime at build time are found wherever the class lives. */
class VersionsTest {
    @Test
    void readsTheBuildsVersions() {
        assertThat(Versions.dl4j()).isEqualTo("1.0.0-M2.1");
        assertThat(Versions.kiln()).isNotEqualTo("unknown");
    }
}
