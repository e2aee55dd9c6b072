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
 * Serial collector leaves counted loops without strip mining unless told otherwise, G1 turns it on.
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

  private static String report(String... flags) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(flags));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Report.class.getName()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor() == 0, output);
    return output.strip();
  }
}
