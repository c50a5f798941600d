/** Kiln on Apache Spark: batch scoring on a cluster. Its own artifact, {@code kiln-spark}. */
package io.kiln.spark;
