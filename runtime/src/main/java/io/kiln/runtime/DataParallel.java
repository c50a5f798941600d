package io.kiln.runtime;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * <b>Public API</b> (a service provider interface). Trains each epoch of a run on several workers
 * at once, data-parallel, instead of in this JVM: given with {@link TrainOptions#dataParallel}, it is
 * handed a run's encoded training rows once ({@link #start}) and then the network before each epoch
 * ({@link Session#epoch}); it leaves the network's parameters, optimizer state and step count as the
 * epoch left them. Everything else of the run stays where it was: the data, the preprocessing, the
 * split and the protocol, validation, early stopping, schedules and the saved model. {@code
 * kiln-spark}'s {@code SparkTraining} is the implementation (parameter averaging on Spark).
 *
 * <p>With it, the runs of a protocol (folds, ensemble members, the final model) train one after
 * another; each spreads over the workers.
 */
public interface DataParallel {
    /**
     * Takes one run's training rows: {@code x} row-major, {@code xWidth} wide; {@code y} the targets,
     * {@code yWidth} wide; {@code w} each row's weight in the loss, or null; {@code seed} the run's seed.
     */
    Session start(float[] x, int xWidth, float[] y, int yWidth, float[] w, int rows, long seed);

    /**
     * The minibatch steps one epoch of {@code rows} rows moves the network's step count on by (the
     * largest shard's minibatches, for parameter averaging): learning-rate schedules count epochs in them.
     */
    int stepsPerEpoch(int rows, int batchSize);

    /** How the workers train, in words, for the model's provenance: "2 threads on this machine, ...". */
    default String describe() {
        return getClass().getSimpleName();
    }

    /** One run's rows on the workers. */
    interface Session extends AutoCloseable {
        /**
         * Trains one epoch in minibatches of {@code batchSize} from the network's current state (its
         * configuration as it is saved: DL4J's own dropout and loss) and leaves the result in it;
         * returns the sum over the rows of their minibatches' scores, as a local epoch does.
         */
        double epoch(MultiLayerNetwork network, int epoch, int batchSize);

        @Override
        void close();
    }
}
