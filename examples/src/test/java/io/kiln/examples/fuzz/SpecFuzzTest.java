package io.kiln.examples.fuzz;

import io.kiln.examples.fuzz.FuzzHarness.Outcome;
import io.kiln.examples.fuzz.FuzzHarness.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * The spec fuzzer: {@link SpecGenerator}'s specs through {@link FuzzHarness}, whose properties (a) to (d)
 * every spec must keep. Each try compiles a spec (and trains the accepted ones for one epoch), so the tries
 * are few and nothing is shrunk.
 *
 * <p>System properties: {@code kiln.fuzz.tries} (default 60; a long run is {@code -Dkiln.fuzz.tries=2000}),
 * {@code kiln.fuzz.seed} (default fixed, so a run is deterministic), {@code kiln.fuzz.first} (the first try's
 * number, default 0: {@code -Dkiln.fuzz.first=17 -Dkiln.fuzz.tries=1} reruns try 17 alone) and
 * {@code kiln.fuzz.failFast} (stop at the first failing spec, as a property usually does; by default every
 * try runs and the property then fails once, listing each distinct failure with its smallest spec) and
 * {@code kiln.fuzz.keep} (keep each accepted spec's source, generated code, data and model in target/fuzz/).
 *
 * <pre>
 * mvn -B -o test -pl examples -Dtest=SpecFuzzTest -Dsurefire.failIfNoSpecifiedTests=false -Dkiln.fuzz.tries=2000
 * </pre>
 *
 * <p>The tries are drawn exhaustively from the try numbers, so jqwik's own seed plays no part. The summary
 * (counts, rejections by diagnostic, annotation coverage, the distinct failures) goes to standard output
 * and {@code target/fuzz-summary.txt}.
 */
class SpecFuzzTest {
    static final int TRIES = Integer.getInteger("kiln.fuzz.tries", 60);
    static final long SEED = Long.getLong("kiln.fuzz.seed", 20_250_611L);
    static final long FIRST = Long.getLong("kiln.fuzz.first", 0);
    static final boolean FAIL_FAST = Boolean.getBoolean("kiln.fuzz.failFast");

    private static final FuzzHarness HARNESS = new FuzzHarness();
    private static final Summary SUMMARY = new Summary();

    static {
        // DL4J logs every network it builds at INFO
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    }

    @Property(tries = Integer.MAX_VALUE, generation = GenerationMode.EXHAUSTIVE, shrinking = ShrinkingMode.OFF,
            afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(ReportAtTheEnd.class)
    void everySpecIsRejectedCleanlyOrCompilesTrainsAndPredicts(@ForAll("specs") FuzzSpec spec) {
        Outcome outcome = HARNESS.run(spec);
        SUMMARY.add(spec, outcome);
        if (FAIL_FAST && outcome.failed()) {
            throw new AssertionError(Summary.failureText(spec, outcome));
        }
    }

    @Provide
    Arbitrary<FuzzSpec> specs() {
        return SpecGenerator.specs(SEED, FIRST, TRIES);
    }

    /** Writes the summary after the last try and fails the property if any try failed. */
    static final class ReportAtTheEnd implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property)
                throws IOException {
            PropertyExecutionResult result = property.execute();
            String summary = SUMMARY.render();
            System.out.println(summary);
            Path file = Path.of(System.getProperty("basedir", "."), "target", "fuzz-summary.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, summary);
            if (result.status() == PropertyExecutionResult.Status.SUCCESSFUL && SUMMARY.failures() > 0) {
                return result.mapToFailed(SUMMARY.failures() + " of " + SUMMARY.generated
                        + " specs broke a property (summary in " + file + "):\n\n" + SUMMARY.renderFailures());
            }
            return result;
        }
    }

    /** Counts of every try, and the distinct failures, each with its smallest spec. */
    static final class Summary {
        private static final Pattern KILN_ID = Pattern.compile("\\[(kiln\\.[a-z0-9-]+)]");
        private static final Pattern ANNOTATION = Pattern.compile("@([A-Z][A-Za-z0-9]*)");

        int generated;
        long started = System.nanoTime();
        long compileMillis;
        long trainMillis;
        /** The try that took longest to train, and how long. */
        long slowest = -1;
        long slowestMillis;
        final Map<Verdict, Integer> verdicts = new EnumMap<>(Verdict.class);

        final Map<Verdict, Integer> transfers = new EnumMap<>(Verdict.class);
        final Map<Verdict, Integer> teachers = new EnumMap<>(Verdict.class);
        final Map<Verdict, Integer> retrains = new EnumMap<>(Verdict.class);
        final Map<Verdict, Integer> searches = new EnumMap<>(Verdict.class);
        final Map<String, Integer> rejections = new TreeMap<>();
        final Map<String, Integer> drawn = new TreeMap<>();
        /** By signature: the smallest failing spec, its outcome and how many specs failed alike. */
        final Map<String, FailureClass> failureClasses = new LinkedHashMap<>();

        record FailureClass(FuzzSpec smallest, Outcome outcome, int count) {}

        synchronized void add(FuzzSpec spec, Outcome outcome) {
            generated++;
            compileMillis += outcome.compileMillis();
            trainMillis += outcome.trainMillis();
            if (outcome.trainMillis() > slowestMillis) {
                slowest = spec.index();
                slowestMillis = outcome.trainMillis();
            }
            verdicts.merge(outcome.verdict(), 1, Integer::sum);
            if ("Source".equals(spec.transferSource())) {
                transfers.merge(outcome.verdict(), 1, Integer::sum);
            } else if ("Teacher".equals(spec.transferSource())) {
                teachers.merge(outcome.verdict(), 1, Integer::sum);
            }
            if (spec.source().contains("@Retrain(")) {
                retrains.merge(outcome.verdict(), 1, Integer::sum);
            }
            if (spec.source().contains("@Search")) {
                searches.merge(outcome.verdict(), 1, Integer::sum);
            }
            ANNOTATION.matcher(spec.source()).results().map(m -> m.group(1)).distinct()
                    .filter(SpecGenerator.ANNOTATIONS::contains).forEach(a -> drawn.merge(a, 1, Integer::sum));
            if (outcome.verdict() == Verdict.REJECTED) {
                Matcher m = KILN_ID.matcher(outcome.detail());
                m.results().map(r -> r.group(1)).distinct().forEach(id -> rejections.merge(id, 1, Integer::sum));
            }
            if (outcome.failed()) {
                failureClasses.merge(signature(outcome), new FailureClass(spec, outcome, 1), (known, now) ->
                        now.smallest().source().length() < known.smallest().source().length()
                                ? new FailureClass(spec, outcome, known.count() + 1)
                                : new FailureClass(known.smallest(), known.outcome(), known.count() + 1));
            }
        }

        synchronized int failures() {
            return verdicts.entrySet().stream().filter(e -> e.getKey().failure).mapToInt(Map.Entry::getValue).sum();
        }

        /** What kind of failure: the verdict and the first line of the detail, with names and numbers blurred. */
        static String signature(Outcome outcome) {
            String first = outcome.detail().lines().filter(l -> !l.isBlank()).findFirst().orElse("");
            String blurred = first.replaceAll("Spec\\d+", "Spec").replaceAll("/[^ :]*/", "")
                    .replaceAll("'[^']*'", "'_'").replaceAll("\"[^\"]*\"", "\"_\"").replaceAll("\\d+", "#");
            return outcome.verdict() + ": " + (blurred.length() > 200 ? blurred.substring(0, 200) + "..." : blurred);
        }

        static String failureText(FuzzSpec spec, Outcome outcome) {
            return outcome.verdict() + " for try " + spec.index() + " (rerun alone: -Dkiln.fuzz.seed=" + SEED
                    + " -Dkiln.fuzz.first=" + spec.index() + " -Dkiln.fuzz.tries=1)\n" + outcome.detail().indent(4)
                    + "spec:\n" + spec.source().indent(4);
        }

        synchronized String renderFailures() {
            List<String> parts = new ArrayList<>();
            failureClasses.forEach((signature, f) -> parts.add("=== " + signature + "  (x" + f.count() + ")\n"
                    + failureText(f.smallest(), f.outcome())));
            return String.join("\n", parts);
        }

        synchronized String render() {
            int accepted = count(Verdict.ACCEPTED) + count(Verdict.DIVERGED) + count(Verdict.TOO_LITTLE_DATA)
                    + count(Verdict.FAILED_TO_TRAIN);
            long seconds = (System.nanoTime() - started) / 1_000_000_000;
            List<String> never = SpecGenerator.ANNOTATIONS.stream().filter(a -> !drawn.containsKey(a)).toList();
            return String.format(Locale.ROOT, """
                    Kiln spec fuzzer: seed %d, tries %d from %d, %d s \
                    (compiling %d ms a spec, training %d ms an accepted one; the slowest, try %d, %d ms)
                    generated %d: accepted %d (%.0f%%; trained, saved, loaded and predicted %d, \
                    diverged %d, split too small for the table %d), rejected %d
                    failures %d: crashes %d, [kiln.internal] errors %d, generated despite errors %d, non-compiling %d, \
                    incomplete output %d, failed to train %d, invalid specs (generator bugs) %d
                    transfers (a nested source spec trained first): %d, of which trained, saved, loaded and predicted %d
                    distillations (a nested teacher spec trained in the protocol): %d, of which trained, saved, loaded \
                    and predicted %d
                    retraining policies (an accepted one learns from its table as a batch, then retrains): %d, of \
                    which accepted and learnt %d
                    searches (an accepted one trains its first trials and the winner's one-value changes): %d, of \
                    which accepted and searched %d
                    annotations drawn: %d of %d%s
                    rejected by: %s
                    distinct failures: %d
                    %s""", SEED, TRIES, FIRST, seconds, compileMillis / Math.max(1, generated),
                    trainMillis / Math.max(1, accepted), slowest, slowestMillis, generated, accepted, 100.0 * accepted / Math.max(1, generated),
                    count(Verdict.ACCEPTED), count(Verdict.DIVERGED), count(Verdict.TOO_LITTLE_DATA),
                    count(Verdict.REJECTED), failures(),
                    count(Verdict.CRASH), count(Verdict.INTERNAL_ERROR), count(Verdict.GENERATED_DESPITE_ERRORS),
                    count(Verdict.NON_COMPILING), count(Verdict.INCOMPLETE_OUTPUT), count(Verdict.FAILED_TO_TRAIN),
                    count(Verdict.INVALID_SPEC), transfers.values().stream().mapToInt(Integer::intValue).sum(),
                    transfers.getOrDefault(Verdict.ACCEPTED, 0), teachers.values().stream().mapToInt(Integer::intValue)
                            .sum(), teachers.getOrDefault(Verdict.ACCEPTED, 0),
                    retrains.values().stream().mapToInt(Integer::intValue).sum(), retrains.getOrDefault(Verdict.ACCEPTED, 0),
                    searches.values().stream().mapToInt(Integer::intValue).sum(), searches.getOrDefault(Verdict.ACCEPTED, 0),
                    drawn.size(), SpecGenerator.ANNOTATIONS.size(),
                    never.isEmpty() ? "" : " (never: " + never + ")", rejections.entrySet().stream()
                            .sorted((a, b) -> b.getValue() - a.getValue()).map(e -> e.getKey() + " " + e.getValue())
                            .collect(Collectors.joining(", ")), failureClasses.size(),
                    failureClasses.entrySet().stream().map(e -> "  x" + e.getValue().count() + "  " + e.getKey())
                            .collect(Collectors.joining("\n")));
        }

        private int count(Verdict v) {
            return verdicts.getOrDefault(v, 0);
        }
    }
}
