/** Several trained networks as one network that predicts their average. */
package io.kiln.runtime.internal.ensemble;
