package io.modelfetch.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** The few shapes of option the commands declare, through picocli's programmatic API. */
final class Options {
  private Options() {
  }

  static OptionSpec add(CommandSpec spec, OptionSpec.Builder option) {
    OptionSpec built = option.build();
    spec.addOption(built);
    return built;
  }

  static PositionalParamSpec add(CommandSpec spec, PositionalParamSpec.Builder param) {
    PositionalParamSpec built = param.build();
    spec.addPositional(built);
    return built;
  }

  /** An option that takes one value: {@code --output=DIR}. */
  static OptionSpec.Builder valued(Class<?> type, String label, String description, String... names) {
    return OptionSpec.builder(names).type(type).paramLabel(label).description(description);
  }

  /** An option given once per value: {@code --include=GLOB --include=GLOB}. */
  static OptionSpec.Builder repeatable(String label, String description, String... names) {
    return OptionSpec.builder(names).type(List.class).auxiliaryTypes(String.class).paramLabel(label)
        .description(description);
  }

  static OptionSpec.Builder flag(String description, String... names) {
    return OptionSpec.builder(names).type(boolean.class).description(description);
  }

  static OptionSpec.Builder caFile() {
    return valued(Path.class, "PEM", "also trust the CA certificates in this PEM file", "--ca-file");
  }

  /** {@code -h, --help} and {@code -V, --version}, as picocli's standard help mixin declares them. */
  static void addHelp(CommandSpec spec) {
    add(spec, flag("Show this help message and exit.", "-h", "--help").usageHelp(true));
    add(spec, flag("Print version information and exit.", "-V", "--version").versionHelp(true));
  }

  /** The parsed value, or {@code otherwise} when the option was not given. */
  static <T> T valueOr(ArgSpec arg, T otherwise) {
    T value = arg.getValue();
    return value == null ? otherwise : value;
  }
}
