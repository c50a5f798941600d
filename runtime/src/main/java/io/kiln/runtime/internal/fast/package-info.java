/**
 * Training in plain Java for the networks whose arithmetic it reproduces exactly (dense stacks), with
 * DL4J's network as the model before and after every epoch.
 */
package io.kiln.runtime.internal.fast;
