package io.kiln.runtime.internal.transfer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * L2-SP: adds l2sp · (w − w₀) to the gradient of each anchored parameter before the updater steps, the
 * gradient of l2sp / 2 · ‖w − w₀‖². Parameters are named by the network's keys ({@code 0_W} in a stack,
 * {@code dense_W} in a graph).
 */
public final class L2Sp extends BaseTrainingListener {
    /** Batch-normalization statistics: running averages, not trained, so never pulled. */
    private static final Set<String> STATISTICS = Set.of("mean", "var", "log10stdev");

    private final Map<String, INDArray> anchors;
    private final double alpha;

    public L2Sp(Map<String, INDArray> anchors, double alpha) {
        this.anchors = anchors;
        this.alpha = alpha;
    }

    /** Copies of the trained parameters of {@code model} whose keys {@code keep} accepts, statistics left out. */
    public static Map<String, INDArray> anchors(Model model, Predicate<String> keep) {
        Map<String, INDArray> anchors = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> p : model.paramTable().entrySet()) {
            String key = p.getKey();
            if (keep.test(key) && !STATISTICS.contains(key.substring(key.lastIndexOf('_') + 1))) {
                anchors.put(key, p.getValue().dup());
            }
        }
        return anchors;
    }

    @Override
    public void onGradientCalculation(Model model) {
        var gradient = model.gradient();
        for (Map.Entry<String, INDArray> a : anchors.entrySet()) {
            INDArray g = gradient.getGradientFor(a.getKey());
            if (g != null) {
                g.addi(model.getParam(a.getKey()).sub(a.getValue()).muli(alpha));
            }
        }
    }
}
