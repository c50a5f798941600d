package io.kiln.runtime;

import io.kiln.dsl.Members;
import java.util.Locale;

/**
 * <b>Public API</b>. A spec's {@code @Ensemble}: the deployed model averages several networks.
 *
 * @param members the seeds' networks or the k-fold models
 * @param seeds with {@link Members#SEEDS}, how many networks (at least 2); else 0
 */
public record Ensemble(Members members, int seeds) {
    public Ensemble {
        if (members == Members.SEEDS && seeds < 2) {
            throw new IllegalArgumentException("[kiln.ensemble-seeds] An ensemble averages at least 2 networks, "
                    + "not " + seeds + ". Set e.g. seeds = 5.");
        }
    }

    /** The networks averaged, in words. */
    public String describe(int folds) {
        return members == Members.SEEDS
                ? String.format(Locale.ROOT, "average of %d networks (seeds)", seeds)
                : String.format(Locale.ROOT, "average of the %d fold models", folds);
    }
}
