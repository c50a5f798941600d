/**
 * The command line of every generated {@code <Name>Main}: {@link io.kiln.runtime.cli.KilnCli#run} (the
 * entry point generated code calls, the command tree, exit codes and error printing) and one file per
 * command: {@code TrainCommand}, {@code EvaluateCommand}, {@code PredictCommand} (with {@code PredictFile}),
 * {@code ScoreCommand}, {@code ServeCommand}, {@code PublishCommand}, {@code DriftCommand},
 * {@code SanityCommand}, {@code InfoCommand}, {@code SummaryCommand}.
 */
package io.kiln.runtime.cli;
