package io.kiln.runtime.serve;

import static com.google.common.truth.Truth.assertThat;

import io.kiln.runtime.internal.model.AtomicFiles;
import io.kiln.runtime.ServingFixtures;
import io.kiln.runtime.TrainOptions;
import io.kiln.runtime.Trainer;
import io.kiln.runtime.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing into the model store: the version folder with its reports, readable by others, no litter. */
class ModelStoreTest {
    @TempDir
    static Path dir;
    static Path trained;

    @BeforeAll
    static void train() throws IOException {
        Path csv = ServingFixtures.writeCsv(dir.resolve("flowers.csv"));
        TrainingResult r = Trainer.train(ServingFixtures.definition(csv, 1, 3), TrainOptions.defaults().quiet().references(false));
        trained = dir.resolve("trained/flowers.kiln");
        r.save(trained); // flowers.kiln, flowers.report.json, flowers.report.html
    }

    @Test
    void publishCopiesTheReportsThatTrainWrote() throws IOException {
        ModelStore store = new ModelStore(dir.resolve("store-reports"));
        ModelStore.Published p = store.publish(trained);
        Path version = p.file().getParent();
        assertThat(Files.readAllBytes(TrainingResult.jsonReportFile(p.file())))
                .isEqualTo(Files.readAllBytes(TrainingResult.jsonReportFile(trained)));
        assertThat(Files.readAllBytes(TrainingResult.htmlReportFile(p.file())))
                .isEqualTo(Files.readAllBytes(TrainingResult.htmlReportFile(trained)));
        assertThat(version.resolve("model.report.json")).isEqualTo(TrainingResult.jsonReportFile(p.file()));
    }

    /** Another user's server must see the versions (the folder was 0700 when made as a temporary folder). */
    @Test
    void aVersionFolderIsReadableByOthers() throws IOException {
        ModelStore store = new ModelStore(dir.resolve("store-modes"));
        ModelStore.Published p = store.publish(trained);
        assertThat(Files.getPosixFilePermissions(p.file().getParent())).containsAtLeast(
                PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE);
        assertThat(Files.getPosixFilePermissions(p.file())).contains(PosixFilePermission.OTHERS_READ);
    }

    @Test
    void theStagingFolderOfAKilledPublishIsRemovedOnceStale() throws IOException {
        ModelStore store = new ModelStore(dir.resolve("store-litter"));
        store.publish(trained);
        Path model = store.root().resolve("flowers");
        Path killed = Files.createDirectory(model.resolve(".publish-1234567"));
        Files.writeString(killed.resolve("model.kiln"), "half a copy");
        Files.setLastModifiedTime(killed, FileTime.from(Instant.now().minus(AtomicFiles.STALE).minusSeconds(60)));
        Path running = Files.createDirectory(model.resolve(".publish-7654321")); // another publish, now

        assertThat(store.publish(trained).version()).isEqualTo(2);

        assertThat(Files.exists(killed)).isFalse();
        assertThat(Files.exists(running)).isTrue();
        assertThat(store.versions("flowers")).containsExactly(1L, 2L).inOrder();
    }
}
