package dev.convgen.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
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
 * <p>Args: {@code DIR [--runs N] [--seconds S] [--ort CLASSPATH] [--out FOLDER] [--jvm FLAG]...
 * [--variant "[NAME: ]FLAGS"]... [--plain yes|no]} with DIR the folder {@code make_mobilenet_v1.py}
 * wrote.
 * {@code --jvm} flags go to every JVM launched, both engines' (e.g.
 * {@code -XX:+UseTransparentHugePages}), so the comparison stays like for like; each
 * {@code --variant} adds convgen's networks once more, launched with those space-separated flags
 * besides (e.g. {@code --variant "settings: @runtime/cold-start.args"}), labelled NAME when given
 * (the table then lists each name's flags); a variant's {@code -cp PATH} runs another build of
 * the bench instead (e.g. {@code --variant "before: -cp old/benchmarks.jar
 * @runtime/cold-start.args"}), so that two builds share one sitting. Launches go round-robin over
 * the engines, each round starting one engine later than the one before; with {@code --out},
 * every launch's figures are also written to {@code launches.csv}.
 * {@code --plain no} leaves out convgen's launches without flags: a JVM on 4 KB pages leaves
 * the huge pages of the launch after it scarce (measured: a {@code cold-start.args} launch
 * 1.45-1.59 s after a flagless one, 0.86-0.87 s after another huge-page one), so a sitting of
 * the settings alone against ONNX Runtime is fairer without them.
 */
public final class ColdStartBench {

  /** A label and the command line that launches one fresh JVM of it. */
  record Engine(String label, List<String> command) {}

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
    List<String> variants = new ArrayList<>();
    boolean plain = true;
    for (int i = 1; i < args.length; i += 2) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
        case "--ort" -> ort = args[i + 1];
        case "--out" -> out = Path.of(args[i + 1]);
        case "--jvm" -> jvmFlags.add(args[i + 1]);
        case "--variant" -> variants.add(args[i + 1]);
        case "--plain" -> plain = switch (args[i + 1]) {
          case "yes" -> true;
          case "no" -> false;
          default -> throw new IllegalArgumentException("--plain: expected yes or no, got "
              + args[i + 1]);
        };
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (plain) {
      variants.add(0, "");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("java.class.path");
    List<Engine> engines = new ArrayList<>();
    StringBuilder legend = new StringBuilder();
    for (String variant : variants) {
      int colon = variant.indexOf(": ");
      String name = colon < 0 ? variant : variant.substring(0, colon);
      String flags = colon < 0 ? variant : variant.substring(colon + 2);
      if (colon >= 0) {
        legend.append(String.format("%n%s: `%s`%n", name, flags));
      }
      List<String> variantFlags = new ArrayList<>(
          List.of(flags.split(" ")).stream().filter(f -> !f.isEmpty()).toList());
      String variantClassPath = classPath;
      int cp = variantFlags.indexOf("-cp"); // another build of the bench, e.g. before a change
      if (cp >= 0) {
        if (cp + 1 == variantFlags.size()) {
          throw new IllegalArgumentException("--variant: -cp without a class path in \""
              + variant + "\"");
        }
        variantClassPath = variantFlags.get(cp + 1);
        variantFlags.subList(cp, cp + 2).clear();
      }
      for (String network : new String[] {"mobilenet-v1", "mbconv"}) {
        List<String> command = new ArrayList<>(List.of(java, "--add-modules",
            "jdk.incubator.vector"));
        command.addAll(jvmFlags);
        command.addAll(variantFlags);
        command.addAll(List.of("-cp", variantClassPath, ColdStart.class.getName(), network,
            dir.toString(), Double.toString(seconds)));
        engines.add(new Engine("convgen " + network + (name.isEmpty() ? "" : ", " + name),
            command));
      }
    }
    if (ort != null) {
      List<String> command = new ArrayList<>(List.of(java));
      command.addAll(jvmFlags);
      command.addAll(List.of("-cp", ort, "peers.OrtColdStart", dir.toString(),
          Double.toString(seconds), "1"));
      engines.add(new Engine("onnxruntime", command));
    }
    // Round-robin: launch r of every engine before launch r + 1 of any, so a machine that slows
    // down or speeds up during the sitting moves every engine's median alike; each round starts
    // one engine later than the one before (order()), so no engine always follows the same one:
    // the launch after an ONNX Runtime one (a JVM on 4 KB pages) came 150-250 ms later than the
    // same settings' launch after a convgen one.
    List<List<Launch>> launches = new ArrayList<>();
    engines.forEach(e -> launches.add(new ArrayList<>()));
    for (int r = 0; r < runs; r++) {
      for (int i = 0; i < engines.size(); i++) {
        int e = (order(r, engines.size()) + i) % engines.size();
        launches.get(e).add(launch(engines.get(e)));
      }
    }
    String table = table(launches, runs, jvmFlags) + legend + pageCost();
    System.out.print(table);
    if (out != null) {
      Files.createDirectories(out);
      Files.writeString(out.resolve("coldstart.md"), table);
      Files.writeString(out.resolve("coldstart.svg"), chart(launches));
      Files.writeString(out.resolve("launches.csv"), launchesCsv(launches));
    }
  }

  /** The engine that round {@code r} (from 0) of {@code engines} launches first. */
  private static int order(int r, int engines) {
    return r % engines;
  }

  /**
   * Every launch, in the order of the rounds: round, the launch's place in its round (from 1),
   * engine, build, first result, steady pass and when steady (ms), then passes 1-10 (ms); for
   * pairing launches of one round.
   */
  private static String launchesCsv(List<List<Launch>> engines) {
    StringBuilder csv = new StringBuilder("round,place,engine,build,first,steady,steady_from,"
        + "pass1,pass2,pass3,pass4,pass5,pass6,pass7,pass8,pass9,pass10\n");
    int n = engines.size();
    for (int r = 0; r < engines.get(0).size(); r++) {
      for (int e = 0; e < n; e++) {
        Launch l = engines.get(e).get(r);
        int place = (e - order(r, n) + n) % n + 1;
        csv.append(String.format(Locale.ROOT, "%d,%d,\"%s\",%.0f,%.0f,%.2f,%.0f", r + 1, place,
            l.engine(), l.build(), l.first(), l.steady(), l.steadyAt()));
        for (double pass : l.firstTen()) {
          csv.append(String.format(Locale.ROOT, ",%.0f", pass));
        }
        csv.append('\n');
      }
    }
    return csv.toString();
  }

  /** One fresh JVM of {@code engine}, its output parsed. */
  private static Launch launch(Engine engine) throws IOException, InterruptedException {
    List<String> command = engine.command();
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
          launch = new Launch(engine.label(), Double.parseDouble(m.group(2)),
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
    System.err.println(output.toString().lines().filter(l -> !l.startsWith("timeline:"))
        .filter(l -> !l.startsWith("WARNING")).reduce("", (x, y) -> x + y + "\n").strip());
    return new Launch(launch.engine(), launch.build(), launch.first(), launch.firstTen(),
        launch.steady(), launch.steadyAt(), timeline);
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
        flags.isEmpty() ? "" : " (every JVM with " + String.join(" ", flags) + ")"));
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

  /**
   * What a first write to fresh memory costs on this machine, measured after the launches: a
   * fresh JVM pays it on every new page of its heap (a first pass boxing vectors on the default
   * JVM touches ~100,000 of them), and it differs widely between machines (11 us per 4 KB page
   * on the virtual machine of the 2026-11-29 sittings), so the table needs it beside it.
   */
  static String pageCost() {
    int bytes = 256 << 20;
    long start = System.nanoTime();
    ByteBuffer fresh = ByteBuffer.allocateDirect(bytes); // zeroed: every page written once
    long first = System.nanoTime() - start;
    start = System.nanoTime();
    for (int i = 0; i < bytes; i += 4096) {
      fresh.put(i, (byte) 1);
    }
    long again = System.nanoTime() - start;
    double pages = bytes / 4096.0;
    return String.format(Locale.ROOT, "%nFresh memory on this machine: %.2f us per 4 KB page"
        + " written first (256 MB zeroed in %.0f ms), %.3f us per page written again.%n",
        first / 1e3 / pages, first / 1e6, again / 1e3 / pages);
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
    String[] colours = {"#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#d62728", "#8c564b"};
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
          + " stroke-width=\"2\" points=\"%s\"/>%n", colours[e % colours.length],
          points.toString().strip()));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n",
          width - 330, 50 + 16 * e, colours[e % colours.length], launch.engine()));
    }
    return svg.append("</svg>\n").toString();
  }
}
