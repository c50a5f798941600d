package io.kiln.runtime;

/**
 * <b>Public API</b>. Pretrained word vectors for an embedding layer ({@code @Embedding(vectors = ...)}):
 * the layer's name, the vectors file (text format: a token and its numbers per line), and whether the
 * vectors stay fixed while the other layers train.
 */
public record WordVectors(String layer, String file, boolean freeze) {
    public WordVectors {
        if (file == null || file.isEmpty()) {
            throw new IllegalArgumentException("[kiln.embedding-freeze] Word vectors need a file. Give the vectors "
                    + "file's path.");
        }
    }
}
