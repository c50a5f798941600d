/**
 * Internal: reading data and choosing rows. CSV and ARFF tables with line numbers ({@link
 * io.kiln.runtime.internal.data.CsvTable}, {@link io.kiln.runtime.internal.data.ArffReader}), IDX images
 * ({@link io.kiln.runtime.internal.data.IdxReader}), typed rows and targets ({@link
 * io.kiln.runtime.internal.data.LabeledData}), seeded splits and folds ({@link
 * io.kiln.runtime.internal.data.Splits}, {@link io.kiln.runtime.internal.data.TemporalKeys}), token masks,
 * and the row helpers shared by training, inference and reports ({@link io.kiln.runtime.internal.data.Rows}).
 */
package io.kiln.runtime.internal.data;
