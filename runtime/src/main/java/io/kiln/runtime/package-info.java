/**
 * The Kiln runtime's <b>public API</b>: what generated code calls and what applications may call
 * from Java. Generated code names these classes (and saved models record some of them), so their
 * names and this package are fixed:
 *
 * <ul>
 *   <li>the spec as data: {@link io.kiln.runtime.ModelDefinition}, {@link io.kiln.runtime.FeatureSchema},
 *       {@link io.kiln.runtime.FeatureKind}, {@link io.kiln.runtime.LabelSchema}, {@link io.kiln.runtime.LabelCoding},
 *       {@link io.kiln.runtime.CsvSource}, {@link io.kiln.runtime.ImagePixels}, {@link io.kiln.runtime.ImageAugmentation},
 *       {@link io.kiln.runtime.SeriesWindow}, {@link io.kiln.runtime.TextSettings}, {@link io.kiln.runtime.FitSettings},
 *       {@link io.kiln.runtime.EarlyStopping}, {@link io.kiln.runtime.LearningRate},
 *       {@link io.kiln.runtime.ReduceOnPlateau}, {@link io.kiln.runtime.NetworkFactory}, {@link io.kiln.runtime.GraphFactory};
 *   <li>the evaluation protocols, which carry their own splitting and running:
 *       {@link io.kiln.runtime.EvaluationProtocol}, {@link io.kiln.runtime.HoldoutProtocol},
 *       {@link io.kiln.runtime.KFoldProtocol}, {@link io.kiln.runtime.TemporalProtocol};
 *   <li>training and its result: {@link io.kiln.runtime.Trainer}, {@link io.kiln.runtime.TrainOptions},
 *       {@link io.kiln.runtime.EpochListener}, {@link io.kiln.runtime.TrainingResult},
 *       {@link io.kiln.runtime.TrainingDivergedException}, {@link io.kiln.runtime.Report};
 *   <li>inference: {@link io.kiln.runtime.KilnModel}, {@link io.kiln.runtime.ModelMetadata},
 *       {@link io.kiln.runtime.Predictions}, {@link io.kiln.runtime.FeatureRow}, {@link io.kiln.runtime.Network},
 *       {@link io.kiln.runtime.DataException}; drift: {@link io.kiln.runtime.DriftReport},
 *       {@link io.kiln.runtime.DriftMonitor};
 *   <li>classes recorded by name inside saved DL4J configurations: {@link io.kiln.runtime.Momentum} (the
 *       classical momentum updater), {@link io.kiln.runtime.KilnSchedule} (the learning-rate schedule),
 *       {@link io.kiln.runtime.SequenceInput} (the series input preprocessor). Moving or renaming them
 *       would stop saved models from loading.
 * </ul>
 *
 * <p>Everything else is {@code io.kiln.runtime.internal.*} (data, preprocess, train, evaluate,
 * inference, drift, model, batch, report): implementation, free to change between versions, never
 * called by generated code. Some internal types appear in public signatures (for example
 * {@code Trainer.Prepared} holds {@code internal.data.LabeledData}); treat those as opaque.
 * Three other packages export one entry point each: the command line,
 * {@link io.kiln.runtime.cli.KilnCli} (called by every generated {@code <Name>Main}); the server,
 * {@code io.kiln.runtime.serve.KilnServer} with its {@code ServerConfig} and {@code ModelStore};
 * and batch scoring, {@link io.kiln.runtime.batch.BatchScorer}. The rest of those packages is
 * package-private.
 */
package io.kiln.runtime;
