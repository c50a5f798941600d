package io.kiln.dsl;

/**
 * The type of a layer member. A spec declares its network as fields of this type, one annotated
 * field per layer, in source order:
 *
 * <pre>{@code
 * @Dense(units = 64) Layer hidden;
 * @Dropout(rate = 0.2) Layer drop;
 * @Output Layer out;
 * }</pre>
 *
 * <p>The fields are never assigned or read; they name the layers (the field name is the DL4J
 * layer name) and give each layer's annotation a place in the source, so errors point at it.
 */
public interface Layer {}
