/**
 * The Kiln runtime: everything generated code calls. Data reading ({@link io.kiln.runtime.CsvTable}),
 * schema and preprocessing ({@link io.kiln.runtime.FeatureSchema}, {@link io.kiln.runtime.Preprocessor}),
 * splits ({@link io.kiln.runtime.Splits}), training ({@link io.kiln.runtime.Trainer}), metrics and
 * baselines ({@link io.kiln.runtime.Metrics}), the model file ({@link io.kiln.runtime.KilnModel}) and
 * the command line ({@link io.kiln.runtime.cli.KilnCli}).
 */
package io.kiln.runtime;
