package dev.convgen.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cold-start bench: {@link ColdStart} in several fresh JVMs per network (MobileNet-v1 as the
 * samples build it, and {@link MbConvNetwork}), and the peers' {@code OrtColdStart} on the same
 * MobileNet-v1 in the same sitting when its class path is given; medians of every figure in a
 * Markdown table, and a chart of pass time against time since JVM start (the median launch of
 * each engine) as SVG.
 *
 * <p>Args: {@code DIR [--runs N] [--seconds S] [--ort CLASSPATH] [--out FOLDER] [--jvm FLAG]...}
 * with DIR the folder {@code make_mobilenet_v1.py} wrote; {@code --jvm} flags go to convgen's
 * JVMs (e.g. {@code -XX:CompileThresholdScaling=0.1}).
 */
public final class ColdStartBench {

  /** One launch's figures, in milliseconds; {@code timeline} pairs (time since start, pass). */
  record Launch(String engine, double build, double first, double[] firstTen, double steady,
      double steadyAt, double[][] timeline) {}

  private static final Pattern SUMMARY = Pattern.compile("(\\S+(?: \\S+)?): build (\\d+) ms;"
      + " first result (\\d+) ms after JVM start; first 10 passes \\[([\\d, ]+)\\] ms; steady"
      + " ([\\d.]+) ms .*within 1.25x of steady from ([\\d.]+) s");

  private ColdStartBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int runs = 5;
    double seconds = 10;
    String ort = null;
    Path out = null;
    List<String> jvmFlags = new ArrayList<>();
    for (int i = 1; i < args.length; i += 2) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
        case "--ort" -> ort = args[i + 1];
        case "--out" -> out = Path.of(args[i + 1]);
        case "--jvm" -> jvmFlags.add(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("java.class.path");
    List<List<Launch>> engines = new ArrayList<>();
    for (String network : new String[] {"mobilenet-v1", "mbconv"}) {
      List<String> command = new ArrayList<>(List.of(java, "--add-modules",
          "jdk.incubator.vector"));
      command.addAll(jvmFlags);
      command.addAll(List.of("-cp", classPath, ColdStart.class.getName(), network,
          dir.toString(), Double.toString(seconds)));
      engines.add(launches(command, runs));
    }
    if (ort != null) {
      engines.add(launches(List.of(java, "-cp", ort, "peers.OrtColdStart", dir.toString(),
          Double.toString(seconds), "1"), runs));
    }
    String table = table(engines, runs, jvmFlags);
    System.out.print(table);
    if (out != null) {
      Files.createDirectories(out);
      Files.writeString(out.resolve("coldstart.md"), table);
      Files.writeString(out.resolve("coldstart.svg"), chart(engines));
    }
  }

  /** Runs {@code command} {@code runs} times, one after the other, and parses each launch. */
  private static List<Launch> launches(List<String> command, int runs)
      throws IOException, InterruptedException {
    List<Launch> launches = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      Launch launch = null;
      double[][] timeline = null;
      StringBuilder output = new StringBuilder();
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null; ) {
          output.append(line).append('\n');
          Matcher m = SUMMARY.matcher(line);
          if (m.find()) {
            double[] ten = Arrays.stream(m.group(4).split(",\\s*")).mapToDouble(Double::parseDouble)
                .toArray();
            launch = new Launch(m.group(1), Double.parseDouble(m.group(2)),
                Double.parseDouble(m.group(3)), ten, Double.parseDouble(m.group(5)),
                Double.parseDouble(m.group(6)) * 1000, null);
          } else if (line.startsWith("timeline:")) {
            timeline = Arrays.stream(line.substring(9).trim().split(" "))
                .map(p -> Arrays.stream(p.split(":")).mapToDouble(Double::parseDouble).toArray())
                .toArray(double[][]::new);
          }
        }
      }
      if (process.waitFor() != 0 || launch == null) {
        throw new IllegalStateException("launch failed: " + command + "\n" + output);
      }
      if (timeline == null) { // ONNX Runtime prints the first 10 passes only
        timeline = new double[10][];
        double end = launch.first();
        for (int i = 0; i < 10; i++) {
          end += i == 0 ? 0 : launch.firstTen()[i];
          timeline[i] = new double[] {end, launch.firstTen()[i]};
        }
      }
      launches.add(new Launch(launch.engine(), launch.build(), launch.first(),
          launch.firstTen(), launch.steady(), launch.steadyAt(), timeline));
      System.err.println(output.toString().lines().filter(l -> !l.startsWith("timeline:"))
          .filter(l -> !l.startsWith("WARNING")).reduce("", (a, b) -> a + b + "\n").strip());
    }
    return launches;
  }

  private static double median(List<Launch> launches, java.util.function.ToDoubleFunction<Launch>
      figure) {
    double[] values = launches.stream().mapToDouble(figure).sorted().toArray();
    return values[values.length / 2];
  }

  /** The launch whose first result is the median one. */
  private static Launch medianLaunch(List<Launch> launches) {
    List<Launch> sorted = new ArrayList<>(launches);
    sorted.sort(Comparator.comparingDouble(Launch::first));
    return sorted.get(sorted.size() / 2);
  }

  private static String table(List<List<Launch>> engines, int runs, List<String> flags) {
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
        "Cold start, batch 1, 1 thread: medians of %d fresh JVMs each%s.%n%n", runs,
        flags.isEmpty() ? "" : " (convgen with " + String.join(" ", flags) + ")"));
    text.append("| engine, network | build ms | first result after JVM start, ms | passes 1-10 of"
        + " the median launch, ms | steady pass, ms | steady (5 passes within 1.25x) from, s |\n"
        + "|---|---:|---:|---|---:|---:|\n");
    for (List<Launch> launches : engines) {
      Launch typical = medianLaunch(launches);
      text.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %s | %.2f | %.1f |%n",
          typical.engine(), median(launches, Launch::build), median(launches, Launch::first),
          Arrays.toString(Arrays.stream(typical.firstTen()).mapToLong(Math::round).toArray()),
          median(launches, Launch::steady), median(launches, Launch::steadyAt) / 1000));
    }
    return text.toString();
  }

  /** Pass time (log scale) against time since JVM start, one polyline per engine. */
  private static String chart(List<List<Launch>> engines) {
    int width = 760;
    int height = 420;
    int left = 60;
    int bottom = 360;
    double maxT = 0;
    for (List<Launch> launches : engines) {
      for (double[] p : medianLaunch(launches).timeline()) {
        maxT = Math.max(maxT, p[0]);
      }
    }
    maxT = Math.min(Math.max(maxT, 1000), 4000);
    double lo = Math.log10(1);
    double hi = Math.log10(5000);
    String[] colours = {"#1f77b4", "#2ca02c", "#d62728"};
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
            + " font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\">Pass time (ms, log scale)"
        + " against time since JVM start (ms), median launch</text>%n", left));
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
        + " stroke=\"black\"/>%n", left, bottom, width - 20, bottom));
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"40\" x2=\"%d\" y2=\"%d\""
        + " stroke=\"black\"/>%n", left, left, bottom));
    for (double ms : new double[] {1, 10, 100, 1000}) {
      double y = bottom - (Math.log10(ms) - lo) / (hi - lo) * (bottom - 40);
      svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%.0f\">%.0f</text>%n", y + 4,
          ms));
    }
    for (int t = 0; t <= maxT; t += 500) {
      double x = left + t / maxT * (width - 20 - left);
      svg.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\">%d</text>%n", x - 10,
          bottom + 18, t));
    }
    for (int e = 0; e < engines.size(); e++) {
      Launch launch = medianLaunch(engines.get(e));
      StringBuilder points = new StringBuilder();
      for (double[] p : launch.timeline()) {
        if (p[0] <= maxT) {
          double x = left + p[0] / maxT * (width - 20 - left);
          double y = bottom - (Math.log10(Math.max(p[1], 1)) - lo) / (hi - lo) * (bottom - 40);
          points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
      }
      svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\""
          + " stroke-width=\"2\" points=\"%s\"/>%n", colours[e % 3], points.toString().strip()));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n",
          width - 250, 50 + 16 * e, colours[e % 3], launch.engine()));
    }
    return svg.append("</svg>\n").toString();
  }
}
