package io.kiln.runtime.internal.report;

import static io.kiln.runtime.internal.report.Html.rate;
import static io.kiln.runtime.internal.report.Palette.LEARNING_RATE_COLOR;
import static io.kiln.runtime.internal.report.Palette.TRAIN_COLOR;
import static io.kiln.runtime.internal.report.Palette.VALIDATION_COLOR;
import static io.kiln.runtime.internal.report.SvgChart.add;

import io.kiln.runtime.Report;
import io.kiln.runtime.internal.report.SvgChart.Series;
import java.util.ArrayList;
import java.util.List;

/** Loss, primary metric and learning rate by epoch, with the best epoch marked. */
final class LearningCurvesSection implements Section {
    @Override
    public void render(StringBuilder h, Report r) {
        List<Report.Epoch> hist = r.history();
        if (hist == null || hist.isEmpty()) {
            return;
        }
        int n = hist.size();
        double[] epoch = new double[n];
        double[] trainLoss = new double[n];
        double[] validationLoss = new double[n];
        double[] trainMetric = new double[n];
        double[] validationMetric = new double[n];
        double[] lr = new double[n];
        for (int i = 0; i < n; i++) {
            Report.Epoch e = hist.get(i);
            epoch[i] = e.epoch();
            trainLoss[i] = e.trainLoss();
            validationLoss[i] = e.validationLoss();
            trainMetric[i] = e.trainMetric();
            validationMetric[i] = e.validationMetric();
            lr[i] = e.learningRate();
        }
        Report.TrainingSummary t = r.training();
        double best = t != null && t.bestEpoch() > 0 ? t.bestEpoch() : Double.NaN;
        String metricName = r.primaryMetric() == null ? "metric" : r.primaryMetric();

        List<String> charts = new ArrayList<>();
        SvgChart loss = new SvgChart("loss-curve", "Loss", "epoch", "loss");
        loss.integerX = true;
        loss.autoLogY = true;
        loss.marker = best;
        loss.series.add(new Series("train-loss", "train loss", TRAIN_COLOR, epoch, trainLoss, false));
        loss.series.add(new Series("validation-loss", "validation loss", VALIDATION_COLOR, epoch, validationLoss, false));
        add(charts, loss.svg());

        SvgChart met = new SvgChart("metric-curve", "Primary metric: " + metricName, "epoch", metricName);
        met.integerX = true;
        met.marker = best;
        met.series.add(new Series("train-metric", "train " + metricName, TRAIN_COLOR, epoch, trainMetric, false));
        met.series.add(new Series("validation-metric", "validation " + metricName, VALIDATION_COLOR, epoch,
                validationMetric, false));
        add(charts, met.svg());

        if (varies(lr)) {
            SvgChart rate = new SvgChart("learning-rate-curve", "Learning rate", "epoch", "learning rate");
            rate.integerX = true;
            rate.autoLogY = true;
            rate.marker = best;
            rate.series.add(new Series("learning-rate", "learning rate (start of epoch)", LEARNING_RATE_COLOR, epoch, lr,
                    false));
            add(charts, rate.svg());
        }
        if (charts.isEmpty()) {
            return;
        }
        h.append("<section id=\"learning-curves\">\n<h2>Learning curves</h2>\n");
        if (r.crossValidation() != null) {
            h.append("<p class=\"muted\">The folds' curves averaged epoch by epoch; each fold's best epoch is in the "
                    + "fold table.</p>\n");
        } else if (t != null && t.retrained()) {
            h.append("<p class=\"muted\">The monitored run; the final model was then retrained on training + "
                    + "validation rows.</p>\n");
        }
        h.append("<div class=\"charts\">\n");
        for (String c : charts) {
            h.append("<div>").append(c).append("</div>\n");
        }
        h.append("</div>\n</section>\n");
    }

    private static boolean varies(double[] values) {
        double first = Double.NaN;
        for (double v : values) {
            if (!Double.isFinite(v)) {
                continue;
            }
            if (Double.isNaN(first)) {
                first = v;
            } else if (Math.abs(v - first) > 1e-12 * Math.max(Math.abs(v), Math.abs(first))) {
                return true;
            }
        }
        return false;
    }
}
