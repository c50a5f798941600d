/**
 * The model server. Its public entry points are {@link io.kiln.runtime.serve.KilnServer} (start, port,
 * refresh, graceful close), {@link io.kiln.runtime.serve.ServerConfig} and {@link
 * io.kiln.runtime.serve.ModelStore}; everything else is package-private, one concern per file:
 *
 * <ul>
 *   <li>HTTP: {@code RequestIntake} (bodies read without blocking within the size limit and the body
 *       timeout; the I/O thread or a worker), {@code Router} (routes by prefix, errors to statuses, metrics
 *       per request), {@code Auth} (the bearer token), {@code Exchanges} (JSON in and out);
 *   <li>one handler per protocol behind {@code ProtocolApi}: {@code OpenInferenceApi} ({@code /v2}),
 *       {@code TfServingApi} ({@code /v1}), {@code KilnApi} ({@code /kiln}); {@code Predictor}, the
 *       prediction and its bookkeeping they share; {@code Inputs}, {@code Outputs}, {@code OpenApi};
 *   <li>registry and A/B: {@code ModelRegistry}, {@code ServedModel}, {@code Batcher}, {@code Traffic}
 *       (splits, counts and the two-proportion test), {@code Outcomes}; {@code ServerMetrics},
 *       {@code AuditLog}.
 * </ul>
 */
package io.kiln.runtime.serve;
