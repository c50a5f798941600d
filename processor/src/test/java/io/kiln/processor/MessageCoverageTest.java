package io.kiln.processor;

import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every diagnostic but {@link Message#INTERNAL} has a test that makes it fire. */
class MessageCoverageTest {

    private static final Path TESTS = Path.of("src/test/java/io/kiln/processor");

    @Test
    void everyMessageIsAssertedByATest() throws IOException {
        String sources;
        try (Stream<Path> files = Files.list(TESTS)) {
            sources = files.filter(p -> p.toString().endsWith("ValidationTest.java")
                            || p.getFileName().toString().equals("LocalSpecTest.java"))
                    .map(MessageCoverageTest::read)
                    .collect(Collectors.joining("\n"));
        }
        List<String> untested = new ArrayList<>();
        for (Message m : Message.values()) {
            if (m != Message.INTERNAL && !sources.contains("Message." + m.name() + ".")) {
                untested.add(m.name());
            }
        }
        assertWithMessage("messages without a validation test").that(untested).isEmpty();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
