package io.kiln.processor;

import static com.google.common.truth.Truth.assertWithMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every diagnostic says what to do, not only what is wrong. A message's fix is a clause that
 * starts, after its first sentence, with an imperative verb ("Remove 'activation'...", "Set e.g.
 * k = 5."). Messages whose fix the caller words (the template ends in its argument) are checked
 * where they are printed: {@link KilnTesting#compile} checks every {@code [kiln.*]} diagnostic of
 * every processor test.
 */
class MessageFixTest {

    /** Verbs a fix starts with. */
    private static final String VERBS = "Add|Aggregate|Annotate|Change|Choose|Collapse|Correct|Declare|Drop|Encode|"
            + "Give|Keep|List|Lower|Make|Mark|Merge|Monitor|Move|Name|Pass|Put|Raise|Read|Remove|Rename|Replace|Report|"
            + "Resize|Set|Shorten|Sort|Start|Train|Use|Write";

    /** A verb that opens a sentence, or (in lower case) a clause after a colon or semicolon. */
    private static final Pattern FIX = Pattern.compile("(?:[.!?)]\\s+(" + VERBS + ")|[:;]\\s+("
            + VERBS.toLowerCase(java.util.Locale.ROOT) + "|" + VERBS + "))\\b");

    /** The messages whose fix the caller supplies as the last argument. */
    private static final Set<Message> FIX_FROM_CALLER = Set.of(Message.CONSTANT_INVALID, Message.LABEL_TYPE,
            Message.CLASSES_COUNT, Message.LABEL_COLUMNS, Message.TARGETS_COUNT, Message.KERNEL_TOO_LARGE,
            Message.RESIDUAL_SHAPE, Message.TEST_FILE_PROTOCOL, Message.SCHEDULE_BOUNDS, Message.DATA_SOURCE,
            Message.PROTOCOL_CONFLICT);

    /** Whether {@code message} has a fix clause after its first sentence. */
    static boolean hasFix(String message) {
        String text = message.replaceFirst("^\\[[a-z.-]+\\] ", "");
        return FIX.matcher(text).find();
    }

    @Test
    void everyTemplateSaysWhatToDo() {
        List<String> without = new ArrayList<>();
        for (Message message : Message.values()) {
            if (FIX_FROM_CALLER.contains(message)) {
                continue;
            }
            String text = message.format(placeholders(message));
            if (!hasFix(text)) {
                without.add(message.name() + ": " + text);
            }
        }
        assertWithMessage("messages without a fix clause").that(without).isEmpty();
    }

    @Test
    void theFixCheckRejectsAStatementOfTheProblemAlone() {
        assertWithMessage("a range alone").that(hasFix("[kiln.positive] epochs must be positive, was 0.")).isFalse();
        assertWithMessage("a verb only in the problem")
                .that(hasFix("[kiln.x] Remove is not allowed here.")).isFalse();
        assertWithMessage("a fix").that(hasFix("[kiln.positive] epochs must be positive, was 0. Set e.g. epochs = 100."))
                .isTrue();
    }

    /** Arguments that fill a template: a number where it takes one, else a word. */
    private static Object[] placeholders(Message message) {
        // the fewest arguments that format, each a word or (for %d) a number
        for (int n = 0; n <= 8; n++) {
            int combinations = (int) Math.pow(3, n);
            for (int mask = 0; mask < combinations; mask++) {
                Object[] args = new Object[n];
                for (int i = 0, rest = mask; i < n; i++, rest /= 3) {
                    args[i] = switch (rest % 3) {
                        case 0 -> "X";
                        case 1 -> 1;
                        default -> 0.5;
                    };
                }
                try {
                    message.format(args);
                    return args;
                } catch (java.util.IllegalFormatException e) {
                    // not this combination
                }
            }
        }
        throw new AssertionError("cannot fill " + message);
    }
}
