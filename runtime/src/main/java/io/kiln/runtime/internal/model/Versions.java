package io.kiln.runtime.internal.model;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Versions of Kiln and Deeplearning4j, written into the runtime jar at build time. */
public final class Versions {
    private static final Properties PROPERTIES = new Properties();

    static {
        try (InputStream in = Versions.class.getResourceAsStream("/io/kiln/runtime/kiln.properties")) {
            if (in != null) {
                PROPERTIES.load(in);
            }
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Versions() {}

    public static String kiln() {
        return PROPERTIES.getProperty("kiln.version", "unknown");
    }

    public static String dl4j() {
        return PROPERTIES.getProperty("dl4j.version", "unknown");
    }
}
