package io.kiln.runtime;

import java.nio.file.Path;

/**
 * Runs continuous learning in its own JVM, for {@link LearnerKillTest} to kill at random moments: learns
 * from every batch in the inbox by {@link LearnerFixtures#fineTuneEvery}, printing {@code batch N} after
 * each, then {@code done}.
 *
 * <p>Arguments: inbox, work folder, store folder.
 */
public final class LearnChild {
    private LearnChild() {}

    public static void main(String[] args) throws Exception {
        Learner.Options options = Learner.Options.of(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]))
                .policy(LearnerFixtures.fineTuneEvery(100, 120)).progress(null);
        System.out.println("opening");
        System.out.flush();
        try (Learner l = Learner.open(LearnerFixtures.iris(), options)) {
            System.out.println("opened");
            System.out.flush();
            while (true) {
                var done = l.step();
                if (done.isEmpty()) {
                    break;
                }
                for (Learner.Entry e : done) {
                    System.out.println("batch " + e.batch());
                    System.out.flush();
                }
            }
        }
        System.out.println("done");
        System.out.flush();
    }
}
