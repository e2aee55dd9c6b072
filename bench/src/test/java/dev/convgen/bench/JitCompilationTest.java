package dev.convgen.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves the generated kernels' hot methods are JIT-compiled by C2 (tier 4) rather than left
 * interpreted: runs {@link JitDriver} in a JVM with {@code -XX:+PrintCompilation} and reads the
 * log. (The processor's tests separately prove no generated method reaches 8000 bytes.)
 */
class JitCompilationTest {

  private static final Pattern COMPILED = Pattern.compile(
      "^\\s*\\d+\\s+\\d+\\s+[%sbn! ]*\\s(\\d)\\s+(dev\\.convgen\\.bench\\.BenchLayers_\\S+)");

  /** At each vector width, forced: the driver's JVM runs that width's SIMD classes. */
  @ParameterizedTest
  @ValueSource(ints = {256, 512})
  void hotGeneratedMethodsReachC2(int bits) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector",
        "-Dconvgen.vector.bits=" + bits, "-XX:+PrintCompilation", "-cp",
        System.getProperty("java.class.path"), JitDriver.class.getName(), "1.5",
        "PW_1x32x32x32_64", "DW_8x32x56x56", "MB2", "MB13")
        .redirectErrorStream(true)
        .start();
    String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), log);
    Set<String> c2 = new TreeSet<>();
    for (String line : log.split("\n")) {
      assertTrue(!(line.contains("BenchLayers_") && (line.contains("COMPILE SKIPPED")
          || line.contains("not compilable"))), line);
      Matcher m = COMPILED.matcher(line);
      if (m.find() && m.group(1).equals("4")) {
        c2.add(m.group(2));
      }
    }
    String simd = "$Simd" + bits;
    // A span leaf may be inlined into its caller's C2 code instead of compiled on its own.
    // (MB2's stride-2 depthwise stage is left out: its NCHW calls run the runtime's NHWC body,
    // and its generated scalar code only where the JVM gives it none.)
    for (List<String> hot : List.of(
        List.of("dev.convgen.bench.BenchLayers_Pointwise32" + simd + "::block"),
        List.of("dev.convgen.bench.BenchLayers_Depthwise56" + simd + "::span",
            "dev.convgen.bench.BenchLayers_Depthwise56" + simd + "::plane"),
        List.of("dev.convgen.bench.BenchLayers_Mb2$Pointwise" + simd + "::block"),
        List.of("dev.convgen.bench.BenchLayers_Mb13$Depthwise" + simd + "::span",
            "dev.convgen.bench.BenchLayers_Mb13$Depthwise" + simd + "::plane"),
        List.of("dev.convgen.bench.BenchLayers_Mb13$Pointwise" + simd + "::block"))) {
      assertTrue(hot.stream().anyMatch(c2::contains),
          hot.get(0) + " not compiled by C2; C2 compiled: " + c2);
    }
  }
}
