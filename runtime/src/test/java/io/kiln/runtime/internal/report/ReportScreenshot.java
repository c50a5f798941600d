package io.kiln.runtime.internal.report;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Screenshots an HTML page with headless Chromium and measures what is drawn on it, by counting
 * pixels of the report's series colors.
 */
final class ReportScreenshot {
    private ReportScreenshot() {}

    static final int WIDTH = 1280;
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    static final String INSTALL_HINT = "Install Chromium for the HTML report screenshot test: on Debian or Ubuntu, "
            + "'sudo apt-get install --no-install-recommends chromium' (running 'mvn verify' as root installs it "
            + "through runtime/src/test/sh/ensure-chromium.sh), or point -Dkiln.chromium=/path/to/chromium at a "
            + "Chromium or Chrome binary.";

    /** The Chromium binary: {@code -Dkiln.chromium}, else {@code chromium} on the PATH, else null. */
    static Path chromium() {
        String configured = System.getProperty("kiln.chromium");
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin" : path).split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "chromium");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Renders {@code html} in a window {@link #WIDTH} x {@code height} and returns the screenshot.
     * The process gets a fresh profile directory and no network features; it is killed, with its
     * children, after {@link #TIMEOUT}.
     */
    static BufferedImage capture(Path chromium, String html, int height) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("kiln-report-shot");
        try {
            Path page = dir.resolve("report.html");
            Path png = dir.resolve("report.png");
            Path log = dir.resolve("chromium.log");
            Files.writeString(page, html, StandardCharsets.UTF_8);
            List<String> command = List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--user-data-dir=" + dir.resolve("profile"),
                    "--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=" + WIDTH + "," + height,
                    "--screenshot=" + png, page.toUri().toString());
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IOException("Chromium did not finish within " + TIMEOUT.toSeconds() + " s; killed. Output:\n"
                        + tail(log));
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(png)) {
                throw new IOException("Chromium exited with " + p.exitValue() + " and " + (Files.isRegularFile(png)
                        ? "a screenshot" : "no screenshot") + ": " + String.join(" ", command) + "\n" + tail(log));
            }
            BufferedImage image = ImageIO.read(png.toFile());
            if (image == null) {
                throw new IOException("Chromium wrote an unreadable PNG: " + png);
            }
            return image;
        } finally {
            deleteTree(dir);
        }
    }

    /** Pixels within {@code tolerance} (Euclidean, in RGB) of {@code color} ({@code #rrggbb}). */
    static int countNear(BufferedImage image, String color, double tolerance) {
        int target = Integer.parseInt(color.substring(1), 16);
        int tr = target >> 16 & 0xff;
        int tg = target >> 8 & 0xff;
        int tb = target & 0xff;
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                double dr = (rgb >> 16 & 0xff) - tr;
                double dg = (rgb >> 8 & 0xff) - tg;
                double db = (rgb & 0xff) - tb;
                if (dr * dr + dg * dg + db * db <= tolerance * tolerance) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Pixels on the confusion matrix's heat ramp ({@link HtmlReport#HEAT_LOW} to
     * {@link HtmlReport#HEAT_HIGH}) at a share of at least {@code minShare}, within
     * {@code tolerance} of the ramp.
     */
    static int countHeat(BufferedImage image, double minShare, double tolerance) {
        return countRamp(image, Palette.HEAT_LOW, Palette.HEAT_HIGH, minShare, tolerance);
    }

    /**
     * Pixels of a translucent {@code color} over white, however many layers overlap: on the
     * line from white to the color, at least {@code minAlpha} of the way, within {@code tolerance}.
     */
    static int countTranslucent(BufferedImage image, String color, double minAlpha, double tolerance) {
        int c = Integer.parseInt(color.substring(1), 16);
        return countRamp(image, new int[] {255, 255, 255}, new int[] {c >> 16 & 0xff, c >> 8 & 0xff, c & 0xff},
                minAlpha, tolerance);
    }

    /**
     * Pixels within {@code tolerance} (Euclidean, in RGB) of the color segment {@code from} to
     * {@code to}, at least {@code minT} of the way along it.
     */
    static int countRamp(BufferedImage image, int[] from, int[] to, double minT, double tolerance) {
        double[] d = {to[0] - from[0], to[1] - from[1], to[2] - from[2]};
        double dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                double[] v = {(rgb >> 16 & 0xff) - from[0], (rgb >> 8 & 0xff) - from[1], (rgb & 0xff) - from[2]};
                double t = (v[0] * d[0] + v[1] * d[1] + v[2] * d[2]) / dd;
                if (t < minT || t > 1.05) {
                    continue;
                }
                double ex = v[0] - t * d[0];
                double ey = v[1] - t * d[1];
                double ez = v[2] - t * d[2];
                if (ex * ex + ey * ey + ez * ez <= tolerance * tolerance) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * The page with its plotted data removed and everything else kept: axes, grid, titles, legends
     * and text. Polylines, markers, scatter points and heatmap cells go.
     */
    static String withoutData(String html) {
        return html.replaceAll("<polyline data-series=[^>]*/>", "")
                .replaceAll("<g class=\"markers\"[^>]*>(<circle[^>]*/>)*</g>", "")
                .replaceAll("<g data-series=[^>]*>(<circle[^>]*/>)*</g>", "")
                .replaceAll("(<rect class=\"cell\"[^>]*) fill=\"#[0-9a-f]{6}\"", "$1 fill=\"#ffffff\"");
    }

    /** The image without the rows at its bottom that are all the page background. */
    static BufferedImage cropBottom(BufferedImage image) {
        int background = image.getRGB(image.getWidth() - 1, image.getHeight() - 1);
        int last = image.getHeight() - 1;
        rows:
        while (last > 0) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (image.getRGB(x, last) != background) {
                    break rows;
                }
            }
            last--;
        }
        return image.getSubimage(0, 0, image.getWidth(), Math.min(image.getHeight(), last + 16));
    }

    /** Writes the screenshot of {@code report}'s page to {@code png}, cropped to its content. */
    static BufferedImage save(Path chromium, String html, int height, Path png) throws IOException,
            InterruptedException {
        BufferedImage shot = capture(chromium, html, height);
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(cropBottom(shot), "png", png.toFile());
        return shot;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }

    /**
     * Writes screenshots of the fixture reports ({@code args[0]}: directory, default
     * {@code target/html-report}), e.g. for the documentation.
     */
    public static void main(String[] args) throws Exception {
        Path chromium = chromium();
        if (chromium == null) {
            throw new IllegalStateException(INSTALL_HINT);
        }
        Path out = Path.of(args.length > 0 ? args[0] : "target/html-report");
        save(chromium, HtmlReport.render(ReportFixtures.binary()), 5200, out.resolve("binary.png"));
        save(chromium, HtmlReport.render(ReportFixtures.regressionKFold()), 5200, out.resolve("regression-kfold.png"));
        save(chromium, HtmlReport.render(ReportFixtures.multiclassHoldout(List.of("setosa", "versicolor", "virginica"))),
                5200, out.resolve("multiclass.png"));
    }
}
