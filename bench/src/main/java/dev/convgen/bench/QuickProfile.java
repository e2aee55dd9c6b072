package dev.convgen.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the quick benchmark profile in one JMH run (every shape as specialized, tuned generic and
 * textbook generic in NCHW, specialized and tuned in NHWC (the layout networks run), whole
 * networks on 1 and 2 threads, plus the FMA peak) and writes {@code jmh.json}, a plain table
 * {@code results.md} and a chart {@code results.svg}. Peers' outputs (the PyTorch and ONNX Runtime
 * scripts in the shared peers folder) can be given to put their figures beside ours.
 *
 * <p>{@code --rounds N} runs the whole profile N times in turn (one fork per configuration and
 * round; the Unroll.FULL variants in the first round only) and reports each configuration's median
 * over the rounds. On a shared machine a burst of host load lasts minutes: it moves a single-fork
 * row by up to a third and would take every fork of a configuration whose forks ran back to back,
 * while rounds a quarter of an hour apart leave the others clear.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.convgen.bench.QuickProfile [--out DIR]
 *     [--torch torch.txt] [--ort ort.txt] [--iterations N] [--rounds N] [--shapes A,B]
 * </pre>
 */
public final class QuickProfile {

  static final List<String> KERNELS = List.of("specialized", "tuned", "textbook");

  public static void main(String[] args) throws RunnerException, IOException {
    Map<String, String> options = parse(args);
    Path out = Path.of(options.getOrDefault("--out", "bench/target/profile"));
    Files.createDirectories(out);
    int iterations = Integer.parseInt(options.getOrDefault("--iterations", "3"));
    int rounds = Integer.parseInt(options.getOrDefault("--rounds", "1"));
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds: expected at least 1, got " + rounds);
    }
    List<String> mainShapes = new ArrayList<>();
    List<String> fullShapes = new ArrayList<>();
    for (BenchShape shape : BenchShape.values()) {
      (shape.isFullUnroll() ? fullShapes : mainShapes).add(shape.name());
    }
    if (options.containsKey("--shapes")) {
      List<String> only = List.of(options.get("--shapes").split(","));
      mainShapes.retainAll(only);
      fullShapes.retainAll(only);
    }
    // each configuration's results, one per round
    Map<String, List<RunResult>> byConfiguration = new LinkedHashMap<>();
    for (int round = 1; round <= rounds; round++) {
      String suffix = round == 1 ? ".json" : "-round" + round + ".json";
      List<RunResult> results = new ArrayList<>();
      // 1. every shape, three implementations; 2. Unroll.FULL variants, generated only;
      // 3. one vs two threads; 4. the FMA peak.
      results.addAll(run(out.resolve("jmh" + suffix), iterations,
          ConvBenchmark.class.getSimpleName() + ".forward",
          Map.of("shape", mainShapes, "kernel", KERNELS), true, WARMUP));
      if (!fullShapes.isEmpty() && round == 1) {
        // a side comparison of two generated forms with 25 s of warm-up each: one round
        results.addAll(run(out.resolve("jmh-unroll-full" + suffix), iterations,
            ConvBenchmark.class.getSimpleName() + ".forward",
            Map.of("shape", fullShapes, "kernel", List.of("specialized")), true, FULL_WARMUP));
      }
      results.addAll(run(out.resolve("jmh-nhwc" + suffix), iterations,
          ConvBenchmark.class.getSimpleName() + ".forward", Map.of("shape", mainShapes, "kernel",
              List.of("specialized", "tuned"), "layout", List.of("nhwc")), false, WARMUP));
      results.addAll(run(out.resolve("jmh-threads" + suffix), iterations,
          ParallelBenchmark.class.getSimpleName(), Map.of(), false, WARMUP));
      results.addAll(run(out.resolve("jmh-network" + suffix), iterations,
          NetworkBenchmark.class.getSimpleName(), Map.of(), false, NETWORK_WARMUP));
      results.addAll(run(out.resolve("jmh-peak" + suffix), iterations,
          PeakFmaBenchmark.class.getSimpleName(), Map.of(), false, WARMUP));
      for (RunResult result : results) {
        byConfiguration.computeIfAbsent(configuration(result), c -> new ArrayList<>())
            .add(result);
      }
    }

    Map<BenchShape, Map<String, Double>> micros = new EnumMap<>(BenchShape.class);
    Map<BenchShape, double[]> threads = new EnumMap<>(BenchShape.class);
    Map<BenchShape, Double> bytesPerOp = new EnumMap<>(BenchShape.class);
    Map<String, double[]> networks = new LinkedHashMap<>();
    double peak = 0;
    for (List<RunResult> perRound : byConfiguration.values()) {
      RunResult result = perRound.get(0);
      String benchmark = result.getParams().getBenchmark();
      double score = Medians.of(perRound.stream()
          .mapToDouble(r -> r.getPrimaryResult().getScore()).toArray());
      if (benchmark.endsWith("fma256") || benchmark.endsWith("fma512")) {
        // ops/us, 2 x lanes flop per FMA; the preferred width is the faster one (a width the CPU
        // lacks is not intrinsified)
        peak = Math.max(peak, score * (benchmark.endsWith("fma512") ? 32 : 16) / 1000);
      } else if (benchmark.contains(NetworkBenchmark.class.getSimpleName())) {
        int count = Integer.parseInt(result.getParams().getParam("threads"));
        networks.computeIfAbsent(result.getParams().getParam("network"), n -> new double[3])
            [count] = score;
      } else if (benchmark.contains(ParallelBenchmark.class.getSimpleName())) {
        BenchShape shape = BenchShape.valueOf(result.getParams().getParam("shape"));
        int count = Integer.parseInt(result.getParams().getParam("threads"));
        threads.computeIfAbsent(shape, s -> new double[3])[count] = score;
      } else {
        BenchShape shape = BenchShape.valueOf(result.getParams().getParam("shape"));
        String kernel = result.getParams().getParam("kernel")
            + ("nhwc".equals(result.getParams().getParam("layout")) ? NHWC : "");
        micros.computeIfAbsent(shape, s -> new LinkedHashMap<>()).put(kernel, score);
        Result<?> allocated = result.getSecondaryResults().get("gc.alloc.rate.norm");
        if (allocated != null && kernel.equals("specialized")) {
          bytesPerOp.put(shape, allocated.getScore());
        }
      }
    }
    Map<BenchShape, Double> torch = peers(options.get("--torch"));
    Map<BenchShape, Double> ort = peers(options.get("--ort"));
    Report report = new Report(micros, peak, torch, ort, threads, bytesPerOp, networks, rounds);
    Files.writeString(out.resolve("results.md"), report.table());
    Files.writeString(out.resolve("results.svg"), report.chart());
    System.out.println(report.table());
    System.out.println("wrote " + out.resolve("results.md") + ", " + out.resolve("results.svg")
        + " and the JMH JSON files in " + out);
  }

  /** Warm-up iterations of 1 s. */
  private static final int WARMUP = 2;

  /** Warm-up iterations of 1 s for whole networks (steady state after about 2-3 s). */
  private static final int NETWORK_WARMUP = 4;

  /** Suffix of the NHWC results' kernel keys. */
  static final String NHWC = " nhwc";

  /**
   * Warm-up iterations of 1 s for the Unroll.FULL variants: their many straight-line methods run
   * first as C1 code, where Vector API operations are not intrinsified (measured on 512 -> 512:
   * 0.6-1.4 s per forward for the first ~10 s), and reach C2 only after about 20 s.
   */
  private static final int FULL_WARMUP = 25;

  /** A configuration's name: its benchmark method and parameter values. */
  private static String configuration(RunResult result) {
    StringBuilder name = new StringBuilder(result.getParams().getBenchmark());
    for (String key : new TreeSet<>(result.getParams().getParamsKeys())) {
      name.append(' ').append(key).append('=').append(result.getParams().getParam(key));
    }
    return name.toString();
  }

  private static Collection<RunResult> run(Path json, int iterations, String include,
      Map<String, List<String>> params, boolean allocation, int warmup) throws RunnerException {
    OptionsBuilder jmh = new OptionsBuilder();
    jmh.include(include)
        .forks(1)
        .warmupIterations(warmup).warmupTime(TimeValue.seconds(1))
        .measurementIterations(iterations).measurementTime(TimeValue.seconds(1))
        .result(json.toString())
        .resultFormat(ResultFormatType.JSON);
    params.forEach((name, values) -> jmh.param(name, values.toArray(new String[0])));
    if (allocation) {
      jmh.addProfiler(GCProfiler.class);
    }
    return new Runner(jmh.build()).run();
  }

  private static final Pattern PEER_LINE =
      Pattern.compile("^(.*?)\\s+([0-9.]+) us\\s+([0-9.]+) GFLOP/s\\s*$");

  /** GFLOP/s per shape from a peer script's output; empty when no file was given. */
  static Map<BenchShape, Double> peers(String file) throws IOException {
    Map<BenchShape, Double> figures = new EnumMap<>(BenchShape.class);
    if (file == null) {
      return figures;
    }
    Map<String, BenchShape> byName = new LinkedHashMap<>();
    for (BenchShape shape : BenchShape.values()) {
      for (String name : shape.peerNames()) {
        byName.put(name, shape);
      }
    }
    for (String line : Files.readAllLines(Path.of(file))) {
      Matcher m = PEER_LINE.matcher(line.trim());
      if (m.matches() && byName.containsKey(m.group(1).trim())) {
        figures.put(byName.get(m.group(1).trim()), Double.parseDouble(m.group(3)));
      }
    }
    return figures;
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("options: expected --name value pairs, got " + args[i]);
      }
      options.put(args[i], args[i + 1]);
    }
    return options;
  }

  /** Turns the timings into GFLOP/s, ratios, a Markdown table and an SVG chart. */
  static final class Report {
    private final Map<BenchShape, Map<String, Double>> micros;
    private final double peak;
    private final Map<BenchShape, Double> torch;
    private final Map<BenchShape, Double> ort;
    private final Map<BenchShape, double[]> threads;
    private final Map<BenchShape, Double> bytesPerOp;
    /** Whole networks: microseconds on {@code [1]} and {@code [2]} threads. */
    private final Map<String, double[]> networks;
    /** Rounds of the profile; each figure is a configuration's median over them. */
    private final int rounds;

    Report(Map<BenchShape, Map<String, Double>> micros, double peak,
        Map<BenchShape, Double> torch, Map<BenchShape, Double> ort,
        Map<BenchShape, double[]> threads, Map<BenchShape, Double> bytesPerOp,
        Map<String, double[]> networks, int rounds) {
      this.networks = networks;
      this.rounds = rounds;
      this.bytesPerOp = bytesPerOp;
      this.micros = micros;
      this.peak = peak;
      this.torch = torch;
      this.ort = ort;
      this.threads = threads;
    }

    static double flops(BenchShape shape) {
      return 2.0 * shape.specialized().macs(shape.batch, shape.size, shape.size);
    }

    double gflops(BenchShape shape, String kernel) {
      Double us = micros.getOrDefault(shape, Map.of()).get(kernel);
      return us == null ? Double.NaN : flops(shape) / (us * 1e3);
    }

    /** MobileNet-v1's 13 blocks: total flop over total time, for one implementation. */
    double mobileNetTotal(String kernel) {
      double flop = 0;
      double us = 0;
      for (BenchShape shape : BenchShape.values()) {
        Double time = micros.getOrDefault(shape, Map.of()).get(kernel);
        if (shape.mobileNetRepeats > 0) {
          if (time == null) {
            return Double.NaN;
          }
          flop += flops(shape) * shape.mobileNetRepeats;
          us += time * shape.mobileNetRepeats;
        }
      }
      return flop / (us * 1e3);
    }

    double peerMobileNetTotal(Map<BenchShape, Double> peer) {
      double flop = 0;
      double seconds = 0;
      for (BenchShape shape : BenchShape.values()) {
        if (shape.mobileNetRepeats > 0) {
          if (!peer.containsKey(shape)) {
            return Double.NaN;
          }
          flop += flops(shape) * shape.mobileNetRepeats;
          seconds += flops(shape) * shape.mobileNetRepeats / (peer.get(shape) * 1e9);
        }
      }
      return flop / seconds / 1e9;
    }

    String table() {
      StringBuilder t = new StringBuilder();
      t.append(String.format(Locale.ROOT, "Single thread, GFLOP/s = 2 x MACs / time; FMA peak"
          + " measured in the same run: %.1f GFLOP/s. Noisy shared machine: compare ratios.%n",
          peak));
      t.append(rounds == 1 ? String.format("Each figure: one fork's mean.%n%n")
          : String.format(Locale.ROOT, "Each figure: the median of %d rounds, one fork each"
              + " (Unroll.FULL: the first round).%n%n", rounds));
      t.append("| shape | MFLOP | specialized | tuned generic | textbook | spec/tuned | spec/textbook"
          + " | specialized NHWC | tuned NHWC | PyTorch | ONNX Runtime | specialized B/op |\n"
          + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      List<Double> seedTextbook = new ArrayList<>();
      List<Double> allTuned = new ArrayList<>();
      List<Double> allTunedNhwc = new ArrayList<>();
      for (BenchShape shape : micros.keySet()) {
        if (shape.isFullUnroll()) {
          continue;
        }
        double spec = gflops(shape, "specialized");
        double tuned = gflops(shape, "tuned");
        double textbook = gflops(shape, "textbook");
        if (shape.isSeed()) {
          seedTextbook.add(spec / textbook);
        }
        allTuned.add(spec / tuned); // dense included: the tuned dense kernel is a GEMM
        double specNhwc = gflops(shape, "specialized" + NHWC);
        double tunedNhwc = gflops(shape, "tuned" + NHWC);
        if (!Double.isNaN(specNhwc / tunedNhwc)) {
          allTunedNhwc.add(specNhwc / tunedNhwc);
        }
        t.append(String.format(Locale.ROOT,
            "| %s | %.1f | %.1f | %.1f | %.2f | %.2fx | %.1fx | %s | %s | %s | %s | %s |%n",
            shape.label, flops(shape) / 1e6, spec, tuned, textbook, spec / tuned,
            spec / textbook, peer(specNhwc), peer(tunedNhwc), peer(torch.get(shape)),
            peer(ort.get(shape)),
            bytesPerOp.containsKey(shape)
                ? String.format(Locale.ROOT, "%.0f", bytesPerOp.get(shape)) : ""));
      }
      t.append(String.format(Locale.ROOT,
          "| **MobileNet-v1, 13 blocks** | | **%.1f** | %.1f | %.2f | %.2fx | %.1fx | %s | %s"
              + " | %s | %s | |%n%n",
          mobileNetTotal("specialized"), mobileNetTotal("tuned"), mobileNetTotal("textbook"),
          mobileNetTotal("specialized") / mobileNetTotal("tuned"),
          mobileNetTotal("specialized") / mobileNetTotal("textbook"),
          peer(mobileNetTotal("specialized" + NHWC)), peer(mobileNetTotal("tuned" + NHWC)),
          peer(peerMobileNetTotal(torch)), peer(peerMobileNetTotal(ort))));
      t.append(String.format(Locale.ROOT, "- specialized / textbook, geometric mean over the seed"
          + " shapes: %.1fx%n", geometricMean(seedTextbook)));
      t.append(String.format(Locale.ROOT, "- specialized / tuned generic, geometric mean over all"
          + " shapes (dense: both run the runtime's NHWC body for NCHW calls):"
          + " %.2fx (min %.2fx)%n", geometricMean(allTuned),
          allTuned.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN)));
      if (!allTunedNhwc.isEmpty()) {
        t.append(String.format(Locale.ROOT, "- in NHWC (what networks run): specialized / tuned"
            + " generic %.2fx: both run the runtime's NHWC bodies%n",
            geometricMean(allTunedNhwc)));
      }
      if (!networks.isEmpty()) {
        t.append("\nWhole networks, one 224x224 image, NCHW in and out (NetworkBenchmark):\n\n"
            + "| network | 1 thread, ms | 2 threads, ms | speed-up |\n|---|---:|---:|---:|\n");
        networks.forEach((name, us) -> t.append(String.format(Locale.ROOT,
            "| %s | %.2f | %.2f | %.2fx |%n", name, us[1] / 1e3, us[2] / 1e3, us[1] / us[2])));
      }
      List<BenchShape> standard =
          micros.keySet().stream().filter(BenchShape::isStandard).toList();
      if (!standard.isEmpty()) {
        t.append("\nStandard 3x3 convolution vs the depthwise-separable block, both generated:\n\n"
            + "| shape | params | MACs | time (us) | GFLOP/s |\n|---|---:|---:|---:|---:|\n");
        for (BenchShape shape : standard) {
          BenchShape separable = shape.separableCounterpart();
          if (!micros.containsKey(separable)) {
            continue;
          }
          for (BenchShape s : List.of(shape, separable)) {
            var layer = s.specialized();
            t.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %.1f | %.1f |%n", s.label,
                layer.parameterCount(), layer.macs(s.batch, s.size, s.size),
                micros.get(s).get("specialized"), gflops(s, "specialized")));
          }
          t.append(String.format(Locale.ROOT, "| separable: | x%.1f fewer | x%.1f fewer |"
                  + " x%.1f faster | |%n",
              (double) shape.specialized().parameterCount()
                  / separable.specialized().parameterCount(),
              flops(shape) / flops(separable),
              micros.get(shape).get("specialized") / micros.get(separable).get("specialized")));
        }
      }
      List<BenchShape> full = micros.keySet().stream().filter(BenchShape::isFullUnroll).toList();
      if (!full.isEmpty()) {
        t.append("\nUnroll.FULL vs the planner's choice (generated kernels, GFLOP/s):\n\n"
            + "| shape | AUTO | FULL | FULL / AUTO |\n|---|---:|---:|---:|\n");
        for (BenchShape shape : full) {
          BenchShape auto = BenchShape.valueOf(shape.name().replace("_FULL", ""));
          double a = gflops(auto, "specialized");
          double f = gflops(shape, "specialized");
          t.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2fx |%n", auto.label, a, f,
              f / a));
        }
      }
      if (!threads.isEmpty()) {
        t.append("\nSpecialized, 1 thread vs 2 threads (ParallelLayer over a caller's executor):\n\n"
            + "| shape | 1 thread GFLOP/s | 2 threads GFLOP/s | speed-up |\n|---|---:|---:|---:|\n");
        for (Map.Entry<BenchShape, double[]> e : threads.entrySet()) {
          double one = flops(e.getKey()) / (e.getValue()[1] * 1e3);
          double two = flops(e.getKey()) / (e.getValue()[2] * 1e3);
          t.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2fx |%n", e.getKey().label,
              one, two, two / one));
        }
      }
      return t.toString();
    }

    private static String peer(Double value) {
      return value == null || value.isNaN() ? "" : String.format(Locale.ROOT, "%.1f", value);
    }

    static double geometricMean(List<Double> values) {
      return Math.exp(values.stream().mapToDouble(Math::log).average().orElse(Double.NaN));
    }

    /** Horizontal grouped bars: GFLOP/s per shape and implementation. */
    String chart() {
      String[] names = {"specialized", "tuned generic", "textbook", "PyTorch", "ONNX Runtime"};
      String[] colors = {"#1f77b4", "#ff7f0e", "#9e9e9e", "#2ca02c", "#d62728"};
      List<BenchShape> shapes = micros.keySet().stream()
          .filter(shape -> !shape.isFullUnroll()).toList();
      double max = 1;
      for (BenchShape shape : shapes) {
        for (double v : values(shape)) {
          if (!Double.isNaN(v)) {
            max = Math.max(max, v);
          }
        }
      }
      max = Math.max(max, peak);
      int bar = 9;
      int group = bar * 5 + 10;
      int left = 320;
      int plot = 600;
      int height = 60 + group * shapes.size() + 40;
      StringBuilder svg = new StringBuilder();
      svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
          + " height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n", left + plot + 60,
          height));
      svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
      svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"14\">convgen:"
          + " GFLOP/s per shape, single thread (FMA peak %.0f)</text>%n", peak));
      for (int i = 0; i < names.length; i++) {
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"30\" width=\"10\" height=\"10\""
            + " fill=\"%s\"/><text x=\"%d\" y=\"39\">%s</text>%n", 10 + i * 130, colors[i],
            24 + i * 130, names[i]));
      }
      for (int tick = 0; tick <= max; tick += 10) {
        double x = left + plot * tick / max;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"50\" x2=\"%.1f\" y2=\"%d\""
            + " stroke=\"#eee\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
            x, x, height - 30, x, height - 15, tick));
      }
      int y = 55;
      for (BenchShape shape : shapes) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s"
            + "</text>%n", left - 6, y + group / 2, escape(shape.label)));
        double[] v = values(shape);
        for (int i = 0; i < v.length; i++) {
          if (!Double.isNaN(v[i])) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\""
                + " height=\"%d\" fill=\"%s\"><title>%s %.1f</title></rect>%n", left,
                y + i * bar, plot * v[i] / max, bar - 1, colors[i], names[i], v[i]));
          }
        }
        y += group;
      }
      return svg.append("</svg>\n").toString();
    }

    private double[] values(BenchShape shape) {
      return new double[] {gflops(shape, "specialized"), gflops(shape, "tuned"),
          gflops(shape, "textbook"), torch.getOrDefault(shape, Double.NaN),
          ort.getOrDefault(shape, Double.NaN)};
    }

    private static String escape(String text) {
      return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
  }
}
