package io.kiln.spark;

import org.apache.spark.SparkConf;

/**
 * Spark for the tests: a local master, or a local cluster of two executor JVMs of one core and
 * 1 GB each, started from this JVM's class path (Spark's testing mode: no Spark installation), with
 * the JVM flags of the build ({@code kiln.executorFlags}, set by the pom).
 */
final class SparkTesting {
    static final String LOCAL_CLUSTER = "local-cluster[2,1,1024]";

    private SparkTesting() {}

    static SparkConf conf(String master) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("kiln-test").set("spark.ui.enabled", "false");
        if (master.startsWith("local-cluster")) {
            // executors are launched with this JVM's class path only in testing mode
            System.setProperty("spark.testing", "true");
            // a stand-in Spark home: the launcher reads the Scala version from the name of a build folder
            java.nio.file.Path home = java.nio.file.Path.of("target", "spark-home").toAbsolutePath();
            try {
                java.nio.file.Files.createDirectories(home.resolve("launcher/target/scala-2.12"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            System.setProperty("spark.test.home", home.toString());
            // as system properties, so that a SparkConf made elsewhere in this JVM (the command line's) has them too
            System.setProperty("spark.executorEnv.SPARK_TESTING", "1");
            System.setProperty("spark.executor.extraJavaOptions", System.getProperty("kiln.executorFlags", ""));
            System.setProperty("spark.executor.memory", "1g");
            conf = new SparkConf().setMaster(master).setAppName("kiln-test").set("spark.ui.enabled", "false");
        }
        return conf;
    }
}
