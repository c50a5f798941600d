package io.kiln.runtime.internal.train;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

/** The boosted trees stay a fraction of the network's time: they are left out of very wide, many-class tables. */
class ReferenceLimitsTest {
    @Test
    void treesAreLeftOutBeyondTheirCellsAndSaySo() {
        // digits: 1,797 rows x 64 columns x 10 classes = 1.15 million: trained
        assertThat(References.treesSkipped(1797, 64, 10)).isNull();
        // 5,000 Fashion-MNIST rows x 784 pixels x 10 classes (XGBoost took 72 s there, the network 2 s)
        assertThat(References.treesSkipped(5000, 784, 10)).isEqualTo("gradient-boosted trees not trained: 5000 rows "
                + "of 784 encoded columns in 10 classes are more than the 4000000 cells they are trained for (they would "
                + "take longer than the network)");
        // a regression grows one tree a round
        assertThat(References.treesSkipped(5000, 784, 1)).isNull();
    }
}
