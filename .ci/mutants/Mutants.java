import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A hand-written mutation pass: each {@code *.mutant} file in this folder names one source file,
 * one exact piece of code in it and its replacement (the smallest change that breaks one
 * behaviour), and the tests that should notice. For each mutant this program applies the change,
 * runs those tests through the reactor, records whether they failed (killed) or passed (survived),
 * and puts the file back, also when interrupted.
 *
 * <pre>
 *   java .ci/mutants/Mutants.java                 # every mutant
 *   java .ci/mutants/Mutants.java 03 html         # mutants whose file name contains "03" or "html"
 * </pre>
 *
 * Run from the repository root with a clean work tree; not part of CI (each mutant costs a build).
 * The table it prints goes to {@code .ci/mutants/last-run.md} as well.
 */
public final class Mutants {
  private record Mutant(String id, String behaviour, String breaks, Path file, String module, String tests,
      String find, String replace) {
  }

  private record Outcome(Mutant mutant, String verdict, List<String> failed, long seconds) {
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of("").toAbsolutePath();
    Path folder = root.resolve(".ci/mutants");
    List<Mutant> mutants = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".mutant")).sorted().toList()) {
        String name = p.getFileName().toString();
        if (args.length == 0 || Stream.of(args).anyMatch(name::contains)) {
          mutants.add(parse(p));
        }
      }
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (Mutant m : mutants) {
      outcomes.add(run(root, m));
      System.out.println(row(outcomes.get(outcomes.size() - 1)));
    }
    StringBuilder table = new StringBuilder("| mutant | behaviour | what it breaks | verdict | failing tests |\n"
        + "|---|---|---|---|---|\n");
    outcomes.forEach(o -> table.append(row(o)).append('\n'));
    Files.writeString(folder.resolve("last-run.md"), table, StandardCharsets.UTF_8);
    System.out.print(table);
    if (outcomes.stream().anyMatch(o -> !o.verdict().equals("killed"))) {
      System.exit(1);
    }
  }

  private static String row(Outcome o) {
    return "| " + o.mutant().id() + " | " + o.mutant().behaviour() + " | " + o.mutant().breaks() + " | "
        + o.verdict() + " (" + o.seconds() + " s) | " + String.join("<br>", o.failed()) + " |";
  }

  private static Mutant parse(Path p) throws IOException {
    String text = Files.readString(p, StandardCharsets.UTF_8);
    Map<String, String> fields = new TreeMap<>();
    Matcher f = Pattern.compile("(?m)^(behaviour|breaks|file|module|tests): *(.*)$").matcher(text);
    while (f.find()) {
      fields.put(f.group(1), f.group(2).strip());
    }
    Matcher change = Pattern.compile("(?s)\n<<<<\n(.*?)\n====\n(.*?)\n?>>>>").matcher(text);
    if (!change.find() || fields.size() != 5) {
      throw new IllegalArgumentException(p + ": needs behaviour, breaks, file, module, tests and a <<<< ==== >>>> block");
    }
    String id = p.getFileName().toString().replace(".mutant", "");
    return new Mutant(id, fields.get("behaviour"), fields.get("breaks"), Path.of(fields.get("file")),
        fields.get("module"), fields.get("tests"), change.group(1), change.group(2));
  }

  private static Outcome run(Path root, Mutant m) throws Exception {
    Path source = root.resolve(m.file());
    String original = Files.readString(source, StandardCharsets.UTF_8);
    int at = original.indexOf(m.find());
    if (at < 0 || original.indexOf(m.find(), at + 1) >= 0) {
      return new Outcome(m, "stale (code to change " + (at < 0 ? "not found" : "found twice") + ")", List.of(), 0);
    }
    Thread restore = new Thread(() -> write(source, original));
    Runtime.getRuntime().addShutdownHook(restore);
    long start = System.nanoTime();
    try {
      write(source, original.substring(0, at) + m.replace() + original.substring(at + m.find().length()));
      clearReports(root);
      Path log = Files.createTempFile("mutant-" + m.id(), ".log");
      List<String> command = new ArrayList<>(List.of("./mvnw", "-B", "-q", "-pl", m.module(), "-am", "verify",
          "-Dtest=" + m.tests(), "-Dsurefire.failIfNoSpecifiedTests=false",
          // every module's tests run even when an earlier module's fail, so the table lists all killers
          "-Dmaven.test.failure.ignore=true"));
      String extra = System.getenv().getOrDefault("MUTANTS_MAVEN_ARGS", "");
      if (!extra.isBlank()) {
        command.addAll(List.of(extra.trim().split("\\s+")));
      }
      int exit = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start().waitFor();
      String output = Files.readString(log, StandardCharsets.UTF_8);
      long seconds = (System.nanoTime() - start) / 1_000_000_000L;
      if (output.contains("COMPILATION ERROR")) {
        return new Outcome(m, "invalid (does not compile, see " + log + ")", List.of(), seconds);
      }
      List<String> failed = failedTests(root);
      if (!failed.isEmpty()) {
        return new Outcome(m, "killed", failed, seconds);
      }
      return new Outcome(m, exit == 0 ? "SURVIVED" : "killed by the build, not a test (see " + log + ")",
          failed, seconds);
    } finally {
      write(source, original);
      Runtime.getRuntime().removeShutdownHook(restore);
    }
  }

  /** Surefire's reports of earlier runs, in every module, so a failure is never blamed on the wrong mutant. */
  private static void clearReports(Path root) throws IOException {
    for (Path reports : reportFolders(root)) {
      try (Stream<Path> files = Files.list(reports)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  private static List<Path> reportFolders(Path root) throws IOException {
    try (Stream<Path> modules = Files.list(root)) {
      return modules.map(m -> m.resolve("target/surefire-reports")).filter(Files::isDirectory).toList();
    }
  }

  /** Test methods that failed or erred, as {@code Class.method}, from surefire's XML reports in every module. */
  private static List<String> failedTests(Path root) throws IOException {
    List<String> failed = new ArrayList<>();
    Pattern testcase = Pattern.compile("(?s)<testcase name=\"([^\"]*)\" classname=\"([^\"]*)\"[^>]*?(/>|>(.*?)</testcase>)");
    for (Path reports : reportFolders(root)) {
      try (Stream<Path> files = Files.list(reports)) {
        for (Path p : files.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).toList()) {
          Matcher t = testcase.matcher(Files.readString(p, StandardCharsets.UTF_8));
          while (t.find()) {
            String body = t.group(4) == null ? "" : t.group(4);
            if (body.contains("<failure") || body.contains("<error")) {
              String cls = t.group(2);
              failed.add(cls.substring(cls.lastIndexOf('.') + 1) + "." + t.group(1));
            }
          }
        }
      }
    }
    return failed;
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
