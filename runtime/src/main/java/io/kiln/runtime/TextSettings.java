package io.kiln.runtime;

import io.kiln.dsl.TextEncoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * <b>Public API</b>. How a {@code @Text} feature becomes numbers: standardization (HTML entities decoded, optionally
 * lower-cased), tokenization (runs of letters and digits), a vocabulary of the most frequent
 * training tokens, and the encoding: token ids padded or truncated to {@code maxTokens} (0 pads, 1
 * is a token outside the vocabulary, {@code i + 2} is vocabulary token {@code i}), or a bag of
 * words (input {@code i} is 1 when the text contains vocabulary token {@code i}).
 *
 * @param maxTokens tokens kept from the start of a text (TOKENS)
 * @param vocabulary most frequent training tokens kept
 * @param lowercase whether texts are lower-cased before tokenizing
 * @param encoding TOKENS or BAG_OF_WORDS
 */
public record TextSettings(int maxTokens, int vocabulary, boolean lowercase, TextEncoding encoding) {
    /** The id of padding after a text's last token. */
    public static final int PADDING = 0;
    /** The id of a token outside the vocabulary. */
    public static final int UNKNOWN = 1;

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});");
    private static final Map<String, String> NAMED = Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"",
            "apos", "'", "nbsp", " ");

    public TextSettings {
        if (maxTokens < 1 || vocabulary < 1) {
            throw new IllegalArgumentException("maxTokens and vocabulary must be positive, were " + maxTokens + " and "
                    + vocabulary);
        }
    }

    /** Network inputs of one text. */
    public int width() {
        return encoding == TextEncoding.TOKENS ? maxTokens : vocabulary;
    }

    /** The tokens of a text, in order, after standardization. */
    public List<String> tokens(String text) {
        return tokenize(text, lowercase);
    }

    static List<String> tokenize(String text, boolean lowercase) {
        String standard = decodeEntities(text);
        if (lowercase) {
            standard = standard.toLowerCase(Locale.ROOT);
        }
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(standard);
        while (m.find()) {
            tokens.add(m.group());
        }
        return tokens;
    }

    /** The number of tokens of a text (what drift monitoring watches for a text feature). */
    public static int tokenCount(String text) {
        int n = 0;
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** {@code &lt;}, {@code &amp;}, {@code &#39;}, ... as the characters they stand for; unknown entities stay. */
    static String decodeEntities(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        Matcher m = ENTITY.matcher(text);
        StringBuilder b = new StringBuilder(text.length());
        while (m.find()) {
            String e = m.group(1);
            String replacement;
            if (e.startsWith("#x")) {
                replacement = Character.toString(Integer.parseInt(e.substring(2), 16));
            } else if (e.startsWith("#")) {
                int code = Integer.parseInt(e.substring(1));
                replacement = Character.isValidCodePoint(code) ? Character.toString(code) : m.group();
            } else {
                replacement = NAMED.getOrDefault(e.toLowerCase(Locale.ROOT), m.group());
            }
            m.appendReplacement(b, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(b);
        return b.toString();
    }

    /**
     * The vocabulary of training texts (null is empty): the {@code vocabulary} most frequent tokens,
     * most frequent first, ties in alphabetical order, so the same texts always give the same ids.
     */
    public List<String> vocabulary(List<String> texts) {
        Map<String, int[]> counts = new HashMap<>();
        for (String text : texts) {
            if (text != null) {
                for (String token : tokens(text)) {
                    counts.computeIfAbsent(token, k -> new int[1])[0]++;
                }
            }
        }
        List<Map.Entry<String, int[]>> entries = new ArrayList<>(counts.entrySet());
        entries.sort((a, b) -> a.getValue()[0] != b.getValue()[0] ? Integer.compare(b.getValue()[0], a.getValue()[0])
                : a.getKey().compareTo(b.getKey()));
        return entries.stream().limit(vocabulary).map(Map.Entry::getKey).toList();
    }

    /** Token to its position in {@code vocabulary}. */
    public static Map<String, Integer> index(List<String> vocabulary) {
        Map<String, Integer> index = new HashMap<>(vocabulary.size() * 2);
        for (int i = 0; i < vocabulary.size(); i++) {
            index.put(vocabulary.get(i), i);
        }
        return index;
    }

    /** Encodes a text into {@code out} at {@code offset}; returns the offset after its {@link #width()} inputs. */
    public int encode(String text, Map<String, Integer> index, float[] out, int offset) {
        Arrays.fill(out, offset, offset + width(), 0f);
        List<String> tokens = tokens(text);
        if (encoding == TextEncoding.TOKENS) {
            for (int i = 0; i < Math.min(tokens.size(), maxTokens); i++) {
                Integer id = index.get(tokens.get(i));
                out[offset + i] = id == null ? UNKNOWN : id + 2;
            }
        } else {
            for (String token : tokens) {
                Integer id = index.get(token);
                if (id != null) {
                    out[offset + id] = 1f;
                }
            }
        }
        return offset + width();
    }
}
