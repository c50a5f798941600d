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
            + "Give|Keep|List|Lower|Make|Mark|Merge|Monitor|Move|Name|Narrow|Pass|Put|Raise|Read|Remove|Rename|Replace|Report|"
            + "Resize|Set|Shorten|Sort|Start|Train|Tune|Use|Write";

    /** A verb that opens a sentence, or (in lower case) a clause after a colon or semicolon. */
    private static final Pattern FIX = Pattern.compile("(?:[.!?)]\\s+(" + VERBS + ")|[:;]\\s+("
            + VERBS.toLowerCase(java.util.Locale.ROOT) + "|" + VERBS + "))\\b");

    /** The messages whose fix the caller supplies as the last argument. */
    private static final Set<Message> FIX_FROM_CALLER = Set.of(Message.CONSTANT_INVALID, Message.LABEL_TYPE,
            Message.CLASSES_COUNT, Message.LABEL_COLUMNS, Message.TARGETS_COUNT, Message.KERNEL_TOO_LARGE,
            Message.RESIDUAL_SHAPE, Message.TEST_FILE_PROTOCOL, Message.SCHEDULE_BOUNDS, Message.DATA_SOURCE,
            Message.PROTOCOL_CONFLICT, Message.TRANSFER_UNFREEZE,
            Message.TUNE_CANDIDATE_TYPE, Message.TUNE_CANDIDATE, Message.SEARCH_SETTING, Message.SEARCH_VALIDATION);

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

    /** Arguments that fill a template: a number for each {@code %d} or {@code %f}, a word for the rest. */
    private static Object[] placeholders(Message message) {
        List<Object> args = new ArrayList<>();
        var m = Pattern.compile("%(\\d+\\$)?[-#+ 0,(]*\\d*(?:\\.\\d+)?([a-zA-Z%])").matcher(message.template());
        int highestIndex = 0;
        while (m.find()) {
            if (m.group(1) != null) { // an explicit index refers to an argument by its position
                highestIndex = Math.max(highestIndex, Integer.parseInt(m.group(1).replace("$", "")));
                continue;
            }
            if (m.group(2).equals("%") || m.group(2).equals("n")) {
                continue; // %% and %n take none
            }
            args.add(switch (m.group(2)) {
                case "d" -> 1;
                case "f" -> 0.5;
                default -> "X";
            });
        }
        while (args.size() < highestIndex) {
            args.add("X");
        }
        return args.toArray();
    }
}
