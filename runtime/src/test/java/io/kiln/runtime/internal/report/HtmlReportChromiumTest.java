package io.kiln.runtime.internal.report;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import io.kiln.runtime.FitSettings;
import io.kiln.runtime.KFoldProtocol;
import io.kiln.runtime.ModelDefinition;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Renders reports in headless Chromium and checks that the plots are really drawn, by counting
 * pixels of each series' color in the screenshot. The check is shown to fail on the same pages
 * with their data removed. Needs Chromium: fails, with how to install it, when there is none.
 * Screenshots are kept in {@code target/html-report/}.
 */
class HtmlReportChromiumTest {
    /** Pixels a drawn line series covers at least (2.5 px wide over a ~500 px plot: 800 to 2000 measured). */
    static final int LINE_PIXELS = 400;
    /** Pixels of the residual scatter at least (400 translucent points: ~5800 measured). */
    static final int SCATTER_PIXELS = 1000;
    /** Pixels of heatmap cells with a row share of 30% or more (a 2 x 2 matrix: ~26000 measured). */
    static final int HEAT_PIXELS = 5000;
    /** Color tolerance (Euclidean RGB distance) of line series; anti-aliased edges fall outside it. */
    static final double LINE_TOLERANCE = 20;
    /** Distance from a color ramp (heatmap, translucent points) still counted. */
    static final double RAMP_TOLERANCE = 10;

    private static final Path OUT = Path.of("target", "html-report");
    private static Path chromium;

    @BeforeAll
    static void findChromium() {
        chromium = ReportScreenshot.chromium();
        assertWithMessage("No Chromium found (looked for -Dkiln.chromium, then 'chromium' on the PATH). "
                + ReportScreenshot.INSTALL_HINT).that(chromium).isNotNull();
    }

    @Test
    void binaryReportDrawsLearningCurvesHeatmapAndRocCurves() throws Exception {
        BufferedImage shot = shoot(HtmlReport.render(ReportFixtures.binary()), "binary.png");

        Map<String, Integer> counts = binaryCounts(shot);
        assertThat(failures(counts, binaryThresholds())).isEmpty();
    }

    @Test
    void regressionReportDrawsLearningCurvesScheduleAndResiduals() throws Exception {
        BufferedImage shot = shoot(HtmlReport.render(ReportFixtures.regressionKFold()), "regression-kfold.png");

        Map<String, Integer> counts = regressionCounts(shot);
        assertThat(failures(counts, regressionThresholds())).isEmpty();
    }

    @Test
    void reportOfARealCrossValidatedRunDrawsItsCurvesAndConfusionMatrix() throws Exception {
        // a real training run: iris, 3-fold cross-validation, the report as TrainingResult.save writes it
        ModelDefinition d = iris().withProtocol(new KFoldProtocol(3, 1, true, true, 0.2));
        TrainingResult r = Trainer.train(d, TrainOptions.defaults().quiet().epochs(25));
        Path model = OUT.resolve("iris-run/iris.kiln");
        r.save(model);
        String html = java.nio.file.Files.readString(TrainingResult.htmlReportFile(model));
        BufferedImage shot = shoot(html, "iris-run.png");

        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("train", ReportScreenshot.countNear(shot, Palette.TRAIN_COLOR, LINE_TOLERANCE));
        counts.put("validation", ReportScreenshot.countNear(shot, Palette.VALIDATION_COLOR, LINE_TOLERANCE));
        counts.put("heatmap", ReportScreenshot.countHeat(shot, 0.3, RAMP_TOLERANCE));
        Map<String, Integer> thresholds = Map.of("train", LINE_PIXELS, "validation", LINE_PIXELS, "heatmap",
                HEAT_PIXELS);
        assertThat(failures(counts, thresholds)).isEmpty();
        // and the same page with its data removed fails the same check
        BufferedImage empty = shoot(ReportScreenshot.withoutData(html), "iris-run-without-data.png");
        counts.put("train", ReportScreenshot.countNear(empty, Palette.TRAIN_COLOR, LINE_TOLERANCE));
        counts.put("validation", ReportScreenshot.countNear(empty, Palette.VALIDATION_COLOR, LINE_TOLERANCE));
        counts.put("heatmap", ReportScreenshot.countHeat(empty, 0.3, RAMP_TOLERANCE));
        assertThat(failures(counts, thresholds)).containsExactly("train", "validation", "heatmap");
    }

    @Test
    void checkFailsOnThePageWithItsDataRemoved() throws Exception {
        // same page, same axes, legends and text; only polylines, markers, points and cell colors gone
        String binary = ReportScreenshot.withoutData(HtmlReport.render(ReportFixtures.binary()));
        assertThat(failures(binaryCounts(shoot(binary, "binary-without-data.png")), binaryThresholds()))
                .containsExactlyElementsIn(binaryThresholds().keySet());

        String regression = ReportScreenshot.withoutData(HtmlReport.render(ReportFixtures.regressionKFold()));
        assertThat(failures(regressionCounts(shoot(regression, "regression-without-data.png")),
                regressionThresholds())).containsExactlyElementsIn(regressionThresholds().keySet());
    }

    @Test
    void checkFailsOnAReportWithoutPlotData() throws Exception {
        String html = HtmlReport.render(ReportFixtures.withoutPlots(ReportFixtures.binary()));
        assertThat(failures(binaryCounts(shoot(html, "binary-without-plots.png")), binaryThresholds()))
                .containsExactlyElementsIn(binaryThresholds().keySet());
    }

    // ---------------------------------------------------------------- the check

    private static Map<String, Integer> binaryCounts(BufferedImage shot) {
        Map<String, Integer> c = new LinkedHashMap<>();
        c.put("train", ReportScreenshot.countNear(shot, Palette.TRAIN_COLOR, LINE_TOLERANCE));
        c.put("validation", ReportScreenshot.countNear(shot, Palette.VALIDATION_COLOR, LINE_TOLERANCE));
        c.put("learning rate", ReportScreenshot.countNear(shot, Palette.LEARNING_RATE_COLOR, LINE_TOLERANCE));
        c.put("roc and pr", ReportScreenshot.countNear(shot, Palette.CURVE_COLOR, LINE_TOLERANCE));
        c.put("heatmap", ReportScreenshot.countHeat(shot, 0.3, RAMP_TOLERANCE));
        return c;
    }

    private static Map<String, Integer> binaryThresholds() {
        Map<String, Integer> t = new LinkedHashMap<>();
        t.put("train", LINE_PIXELS);
        t.put("validation", LINE_PIXELS);
        t.put("learning rate", LINE_PIXELS);
        t.put("roc and pr", LINE_PIXELS);
        t.put("heatmap", HEAT_PIXELS);
        return t;
    }

    private static Map<String, Integer> regressionCounts(BufferedImage shot) {
        Map<String, Integer> c = new LinkedHashMap<>();
        c.put("train", ReportScreenshot.countNear(shot, Palette.TRAIN_COLOR, LINE_TOLERANCE));
        c.put("validation", ReportScreenshot.countNear(shot, Palette.VALIDATION_COLOR, LINE_TOLERANCE));
        c.put("learning rate", ReportScreenshot.countNear(shot, Palette.LEARNING_RATE_COLOR, LINE_TOLERANCE));
        c.put("residuals", ReportScreenshot.countTranslucent(shot, Palette.RESIDUAL_COLOR, 0.5, RAMP_TOLERANCE));
        return c;
    }

    private static Map<String, Integer> regressionThresholds() {
        Map<String, Integer> t = new LinkedHashMap<>();
        t.put("train", LINE_PIXELS);
        t.put("validation", LINE_PIXELS);
        t.put("learning rate", LINE_PIXELS);
        t.put("residuals", SCATTER_PIXELS);
        return t;
    }

    /** The names whose count is below its threshold. */
    private static List<String> failures(Map<String, Integer> counts, Map<String, Integer> thresholds) {
        System.out.println("pixel counts " + counts + ", thresholds " + thresholds);
        List<String> failed = new ArrayList<>();
        thresholds.forEach((name, min) -> {
            if (counts.get(name) < min) {
                failed.add(name);
            }
        });
        return failed;
    }

    private static BufferedImage shoot(String html, String name) throws Exception {
        return ReportScreenshot.save(chromium, html, 4000, OUT.resolve(name));
    }

    /** Multiclass iris: 4 standardized features, one ReLU layer of 16 units, Adam, 40 epochs. */
    private static ModelDefinition iris() {
        return io.kiln.runtime.TrainingFixtures.iris(new Adam(0.01)).fit(new FitSettings(40, 16, 3)).build();
    }
}
