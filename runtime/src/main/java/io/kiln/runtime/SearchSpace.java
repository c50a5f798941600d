package io.kiln.runtime;

import io.kiln.dsl.SearchStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * <b>Public API</b>: the hyperparameter search a spec declares with {@code @Search}, as the generated
 * {@code <Spec>Search.space()} builds it: the varied values (parameters), every configuration the
 * search may train (each a full {@link ModelDefinition}, checked by the processor), which of them
 * are the trials (the declared configuration first), and, for each trial, the configurations that
 * change one of its values (the ablation's). {@link Search} runs it.
 */
public final class SearchSpace {
    /**
     * One varied value.
     *
     * @param name e.g. {@code hidden.units} or {@code Adam.learningRate}
     * @param numeric whether its values are numbers (plotted on an axis), else categories
     * @param log whether it was searched on a log scale
     */
    public record Parameter(String name, boolean numeric, boolean log) {}

    /**
     * One configuration.
     *
     * @param id its number in the space (0 is the declared spec)
     * @param values its value of each parameter, as printed
     * @param changes what to write in the spec for it, one line per element (empty for the declared one)
     */
    public record Configuration(int id, List<String> values, String changes, Supplier<ModelDefinition> definition) {}

    /** The configuration {@code configuration} is {@code trial} with parameter {@code parameter} changed. */
    public record Ablation(int trial, int parameter, int configuration) {}

    private final ModelDefinition declared;
    private final SearchStrategy strategy;
    private final long seed;
    private final int minEpochs;
    private final int factor;
    private final int ablationSeeds;
    private final String metric;
    private final List<Parameter> parameters;
    private final List<Configuration> configurations;
    private final List<Integer> trials;
    private final List<Ablation> ablations;

    private SearchSpace(Builder b) {
        this.declared = b.declared;
        this.strategy = b.strategy;
        this.seed = b.seed;
        this.minEpochs = b.minEpochs;
        this.factor = b.factor;
        this.ablationSeeds = b.ablationSeeds;
        this.metric = b.metric;
        this.parameters = List.copyOf(b.parameters);
        this.configurations = List.copyOf(b.configurations);
        this.trials = List.copyOf(b.trials);
        this.ablations = List.copyOf(b.ablations);
        for (int i = 0; i < configurations.size(); i++) {
            if (configurations.get(i).id() != i || configurations.get(i).values().size() != parameters.size()) {
                throw new IllegalArgumentException("configuration " + i + " is out of order or has "
                        + configurations.get(i).values().size() + " values for " + parameters.size() + " parameters");
            }
        }
        if (trials.isEmpty()) {
            throw new IllegalArgumentException("a search space needs at least one trial");
        }
        for (int t : trials) {
            Objects.checkIndex(t, configurations.size());
        }
    }

    public static Builder builder(ModelDefinition declared, SearchStrategy strategy, long seed, int minEpochs,
            int factor, int ablationSeeds) {
        return new Builder(declared, strategy, seed, minEpochs, factor, ablationSeeds);
    }

    public ModelDefinition declared() {
        return declared;
    }

    public SearchStrategy strategy() {
        return strategy;
    }

    public long seed() {
        return seed;
    }

    public int minEpochs() {
        return minEpochs;
    }

    public int factor() {
        return factor;
    }

    public int ablationSeeds() {
        return ablationSeeds;
    }

    /** The metric trials are scored by ({@code log_loss}, say), or null for the task's primary metric. */
    public String metric() {
        return metric;
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    public List<Configuration> configurations() {
        return configurations;
    }

    /** The configurations the strategy trains first (all of them for grid and random; the first rung of halving). */
    public List<Integer> trials() {
        return trials;
    }

    public List<Ablation> ablations() {
        return ablations;
    }

    /** This space with other trials and ablation seeds (a smaller search of the same configurations). */
    public SearchSpace withTrials(List<Integer> others, int seeds) {
        return copy(strategy, minEpochs, factor, seeds, others);
    }

    /** This space searched by another strategy (the same configurations and trials). */
    public SearchSpace withStrategy(SearchStrategy other, int otherMinEpochs, int otherFactor) {
        return copy(other, otherMinEpochs, otherFactor, ablationSeeds, trials);
    }

    private SearchSpace copy(SearchStrategy otherStrategy, int otherMinEpochs, int otherFactor, int seeds,
            List<Integer> otherTrials) {
        Builder b = new Builder(declared, otherStrategy, seed, otherMinEpochs, otherFactor, seeds);
        b.metric = metric;
        b.parameters.addAll(parameters);
        b.configurations.addAll(configurations);
        b.trials.addAll(otherTrials);
        b.ablations.addAll(ablations);
        return b.build();
    }

    public static final class Builder {
        private final ModelDefinition declared;
        private final SearchStrategy strategy;
        private final long seed;
        private final int minEpochs;
        private final int factor;
        private final int ablationSeeds;
        private String metric;
        private final List<Parameter> parameters = new ArrayList<>();
        private final List<Configuration> configurations = new ArrayList<>();
        private final List<Integer> trials = new ArrayList<>();
        private final List<Ablation> ablations = new ArrayList<>();

        private Builder(ModelDefinition declared, SearchStrategy strategy, long seed, int minEpochs, int factor,
                int ablationSeeds) {
            this.declared = Objects.requireNonNull(declared);
            this.strategy = Objects.requireNonNull(strategy);
            this.seed = seed;
            this.minEpochs = minEpochs;
            this.factor = factor;
            this.ablationSeeds = ablationSeeds;
        }

        /** Scores trials by {@code key} ({@code log_loss}, say) instead of the task's primary metric. */
        public Builder metric(String key) {
            this.metric = key;
            return this;
        }

        public Builder parameter(String name, boolean numeric, boolean log) {
            parameters.add(new Parameter(name, numeric, log));
            return this;
        }

        public Builder configuration(int id, List<String> values, String changes, Supplier<ModelDefinition> definition) {
            configurations.add(new Configuration(id, List.copyOf(values), changes, definition));
            return this;
        }

        public Builder trials(int... ids) {
            for (int id : ids) {
                trials.add(id);
            }
            return this;
        }

        public Builder ablation(int trial, int parameter, int configuration) {
            ablations.add(new Ablation(trial, parameter, configuration));
            return this;
        }

        public SearchSpace build() {
            return new SearchSpace(this);
        }
    }
}
