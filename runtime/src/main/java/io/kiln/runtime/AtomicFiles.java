package io.kiln.runtime;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a file so that readers see the old content or the new, never a part: a temporary file in
 * the same folder ({@code .<name>.<pid>-<n>.tmp}, created readable: 0644 less what the umask
 * removes), flushed to disk, then renamed over the target. A killed write leaves the previous file
 * intact.
 *
 * <p>Cheap enough to call hundreds of times a second (batch scoring with {@code
 * --checkpoint-interval 0} commits a checkpoint after every chunk): the temporary name comes from
 * the process id and a counter, not from {@link Files#createTempFile}'s secure random numbers, and
 * the permissions are given at creation.
 */
public final class AtomicFiles {
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong WRITES = new AtomicLong();
    private static final Set<StandardOpenOption> CREATE = EnumSet.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
    private static final FileAttribute<?>[] READABLE = FileSystems.getDefault().supportedFileAttributeViews()
            .contains("posix") ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-r--r--"))} : new FileAttribute<?>[0];

    private AtomicFiles() {}

    /** What writes the content. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void write(Path file, Content content) throws IOException {
        Path target = file.toAbsolutePath();
        Path folder = target.getParent();
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder);
        }
        Path tmp = folder.resolve("." + target.getFileName() + "." + PID + "-" + WRITES.incrementAndGet() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, CREATE, READABLE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, out -> out.write(bytes));
    }
}
