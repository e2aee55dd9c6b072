package dev.convgen.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link JitSettings} read in fresh JVMs whose collector and loop flags the test chooses: the
 * Serial collector leaves counted loops without strip mining unless told otherwise, G1 turns it on;
 * and a JVM started with the README's cold-start settings.
 */
class JitSettingsTest {

  /** Prints what a JVM started with some flags reports. */
  public static final class Report {
    public static void main(String[] args) {
      System.out.print(JitSettings.countedLoopsWithoutStripMining());
    }
  }

  @Test
  void serialCollectorAloneCompilesLoopsWithoutStripMining() throws Exception {
    assertEquals("true", report("-XX:+UseSerialGC"));
  }

  @Test
  void serialCollectorWithStripMiningOrG1DoNot() throws Exception {
    assertEquals("false", report("-XX:+UseSerialGC", "-XX:+UseCountedLoopSafepoints",
        "-XX:LoopStripMiningIter=1000"));
    assertEquals("false", report("-XX:+UseG1GC"));
  }

  /**
   * {@code runtime/cold-start.args}, used as the README says (from the repository's root), starts
   * a JVM: its directives file is found and parsed (the JVM says so on stderr, not on the
   * program's stdout), and counted loops get strip mining. A broken or moved file stops the JVM.
   */
  @Test
  void coldStartSettingsStartAJvmWithTheirDirectives() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent(); // tests run in runtime/
    Launch launch = launch(root, "-XX:+IgnoreUnrecognizedVMOptions", // huge pages: Linux only
        "@runtime/cold-start.args");
    assertTrue(launch.err().contains("1 compiler directives added"), launch.err());
    assertEquals("false", launch.out().strip(),
        "stdout: " + launch.out() + ", stderr: " + launch.err());
  }

  private static String report(String... flags) throws IOException, InterruptedException {
    return launch(Path.of(""), flags).out().strip();
  }

  /** What a JVM that runs {@link Report} printed: stdout is the report, stderr JVM notices. */
  private record Launch(String out, String err) {}

  /**
   * Runs {@link Report} in a fresh JVM with {@code flags}, started in {@code directory}, and
   * requires it to exit normally.
   */
  private static Launch launch(Path directory, String... flags)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(flags));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Report.class.getName()));
    // the report is stdout; the JVM may print notices on stderr ("Picked up JAVA_TOOL_OPTIONS")
    Process process = new ProcessBuilder(command).directory(directory.toAbsolutePath().toFile())
        .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), out + err);
    return new Launch(out, err);
  }
}
