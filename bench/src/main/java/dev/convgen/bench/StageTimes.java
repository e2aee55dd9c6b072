package dev.convgen.bench;

import dev.convgen.runtime.internal.UnitKernel;
import dev.convgen.runtime.network.LayerTable;
import dev.convgen.runtime.network.Sequential;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Where a network's pass goes: every stage (blocks expanded into their named stages) timed inside
 * a chained pass, each stage's output the next one's input, in arrays shared by length and in
 * the layouts of the network (channel-blocked from a pointwise stage into a depthwise one), and
 * alone, the same call repeated on data it has just used; best and median of several passes,
 * in NHWC, one thread. The chained columns are what a network pays for each stage, weights and
 * activations coming from wherever the previous stages left the caches; the difference from the
 * stage alone is that cost. Each round of the loop runs two whole passes ({@code forwardNhwc};
 * the second, right after the first as in a loop of passes, is the steady pass the ratios use),
 * the chained stages and every stage alone (twice, the second timed), so that all see the same
 * phase of a noisy machine. Each layer of the network (a block, the stem, the head) is also timed
 * alone, as its stages run one after another on data they have just used, in the same layouts
 * (a residual block's addition left out): what a per-layer benchmark measures. The last lines are
 * the whole network against the sum of its stages and of its layers alone (a sum of bests is
 * lower than any one pass's best, so the medians' ratios are the fairer ones). Compare with ONNX
 * Runtime's per-node profile (results README).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.convgen.bench.StageTimes \
 *     [mobilenet-v1|mobilenet-v1-blocks|mbconv] [passes]
 * </pre>
 *
 * Random weights and input (MobileNet-v1 as the samples build it, {@link MbConvNetwork}), 224x224
 * (112x112 for MobileNet-v1's 13 blocks alone, {@link BenchNetworks#byName}).
 */
public final class StageTimes {

  private StageTimes() {}

  public static void main(String[] args) {
    String network = args.length > 0 ? args[0] : "mobilenet-v1";
    int passes = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    Sequential model = BenchNetworks.byName(network);
    int size = BenchNetworks.inputSize(network);
    List<LayerTable.Row> stages = LayerTable.rows(model, size, size);
    int n = stages.size();
    float[][] tensors = chainedTensors(stages);
    boolean[] blocked = blockedTensors(stages);
    float[] scores = new float[tensors[n].length];
    long[][] chained = new long[n][passes];
    long[][] alone = new long[n][passes];
    List<int[]> layers = layers(stages);
    long[][] layerAlone = new long[layers.size()][passes];
    long[] wholeFirst = new long[passes]; // after the stages and layers alone
    long[] whole = new long[passes]; // right after another pass, as a loop of passes runs them
    long[] chainedPass = new long[passes];
    for (int round = 0; round < 3; round++) { // the first two compile and settle
      for (int p = 0; p < passes; p++) { // whole passes, stages chained, stages and layers alone
        long start = System.nanoTime();
        model.forwardNhwc(tensors[0], 1, size, size, scores);
        wholeFirst[p] = System.nanoTime() - start;
        start = System.nanoTime();
        model.forwardNhwc(tensors[0], 1, size, size, scores);
        whole[p] = System.nanoTime() - start;
        long pass = 0;
        for (int i = 0; i < n; i++) {
          start = System.nanoTime();
          run(stages.get(i), tensors[i], blocked[i], tensors[i + 1], blocked[i + 1]);
          chained[i][p] = System.nanoTime() - start;
          pass += chained[i][p];
        }
        chainedPass[p] = pass;
        for (int i = 0; i < n; i++) { // each stage once more, on the data it has just used
          run(stages.get(i), tensors[i], blocked[i], tensors[i + 1], blocked[i + 1]);
          start = System.nanoTime();
          run(stages.get(i), tensors[i], blocked[i], tensors[i + 1], blocked[i + 1]);
          alone[i][p] = System.nanoTime() - start;
        }
        for (int l = 0; l < layers.size(); l++) { // each layer's stages, twice, the second timed
          int[] range = layers.get(l);
          for (int repeat = 0; repeat < 2; repeat++) {
            start = System.nanoTime();
            for (int i = range[0]; i < range[1]; i++) {
              run(stages.get(i), tensors[i], blocked[i], tensors[i + 1], blocked[i + 1]);
            }
            layerAlone[l][p] = System.nanoTime() - start;
          }
        }
      }
    }
    System.out.printf("%s, %dx%d, 1 thread, %d passes (us)%n%n", network, size, size, passes);
    System.out.println(
        "| stage | kind | chained best | chained median | alone best | alone median |");
    System.out.println("|---|---|---:|---:|---:|---:|");
    double[] sums = new double[4];
    for (int i = 0; i < n; i++) {
      LayerTable.Row row = stages.get(i);
      double[] figures = {best(chained[i]), median(chained[i]), best(alone[i]),
          median(alone[i])};
      System.out.printf("| %s | %s | %.1f | %.1f | %.1f | %.1f |%n", row.name(),
          row.layer().kind(), figures[0], figures[1], figures[2], figures[3]);
      for (int f = 0; f < 4; f++) {
        sums[f] += figures[f];
      }
    }
    System.out.printf("| sum | | %.1f | %.1f | %.1f | %.1f |%n%n", sums[0], sums[1], sums[2],
        sums[3]);
    System.out.println("| layer | stages | alone best | alone median |");
    System.out.println("|---|---:|---:|---:|");
    double[] layerSums = new double[2];
    for (int l = 0; l < layers.size(); l++) {
      int[] range = layers.get(l);
      double[] figures = {best(layerAlone[l]), median(layerAlone[l])};
      System.out.printf("| %s | %d | %.1f | %.1f |%n", layerName(stages.get(range[0])),
          range[1] - range[0], figures[0], figures[1]);
      layerSums[0] += figures[0];
      layerSums[1] += figures[1];
    }
    System.out.printf("| sum | | %.1f | %.1f |%n%n", layerSums[0], layerSums[1]);
    System.out.printf("whole pass (forwardNhwc) after another: best %.1f, median %.1f us; after"
        + " the stages alone: best %.1f, median %.1f us; chained pass best %.1f, median %.1f"
        + " us%n", best(whole), median(whole), best(wholeFirst), median(wholeFirst),
        best(chainedPass), median(chainedPass));
    System.out.printf("whole pass / sum of the stages alone: %.3f (bests), %.3f (medians)%n",
        best(whole) / sums[2], median(whole) / sums[3]);
    System.out.printf("whole pass / sum of the layers alone: %.3f (bests), %.3f (medians)%n",
        best(whole) / layerSums[0], median(whole) / layerSums[1]);
  }

  /** The network's own layers as ranges {@code [first, end)} of its stages, in order. */
  static List<int[]> layers(List<LayerTable.Row> stages) {
    List<int[]> layers = new ArrayList<>();
    for (int first = 0, end; first < stages.size(); first = end) {
      String name = layerName(stages.get(first));
      end = first + 1;
      while (end < stages.size() && layerName(stages.get(end)).equals(name)) {
        end++;
      }
      layers.add(new int[] {first, end});
    }
    return layers;
  }

  /** The name of the network's layer a stage belongs to: {@code block3} for {@code block3.dw}. */
  private static String layerName(LayerTable.Row stage) {
    int dot = stage.name().indexOf('.');
    return dot < 0 ? stage.name() : stage.name().substring(0, dot);
  }

  private static double best(long[] nanos) {
    return Arrays.stream(nanos).min().orElseThrow() / 1e3;
  }

  private static double median(long[] nanos) {
    return Medians.of(nanos, 0, nanos.length) / 1e3;
  }

  /**
   * The arrays the stages read and write, {@code [i]} stage {@code i}'s input and {@code [n]} the
   * last output, shared by length as a network pass shares them (each output takes the array of
   * its length that was freed longest ago, as {@code ArrayPool} lends them; an input is freed
   * once its stage has run): the chained column then sees the caches a pass sees.
   */
  private static float[][] chainedTensors(List<LayerTable.Row> stages) {
    int n = stages.size();
    float[][] tensors = new float[n + 1][];
    Deque<float[]> free = new ArrayDeque<>(); // freed longest ago first
    for (int i = 0; i <= n; i++) {
      int length = i < n ? lengthIn(stages.get(i))
          : stages.get(n - 1).layer().outChannels()
              * stages.get(n - 1).layer().outputHeight(stages.get(n - 1).height())
              * stages.get(n - 1).layer().outputWidth(stages.get(n - 1).width());
      float[] array = null;
      for (float[] candidate : free) {
        if (candidate.length == length) {
          array = candidate;
          break;
        }
      }
      if (array == null) {
        array = new float[length];
      } else {
        free.remove(array);
      }
      tensors[i] = array;
      if (i > 1) { // the network's input stays
        free.addLast(tensors[i - 1]);
      }
    }
    return tensors;
  }

  private static int lengthIn(LayerTable.Row stage) {
    return stage.layer().inChannels() * stage.height() * stage.width();
  }

  /**
   * Which tensors are channel-blocked, {@code [i]} stage {@code i}'s input: those a pointwise
   * stage that can write them hands to a depthwise stage that can read them, as between the
   * network's separable blocks.
   */
  private static boolean[] blockedTensors(List<LayerTable.Row> stages) {
    boolean[] blocked = new boolean[stages.size() + 1];
    for (int i = 1; i < stages.size(); i++) {
      LayerTable.Row from = stages.get(i - 1);
      LayerTable.Row to = stages.get(i);
      blocked[i] = from.layer() instanceof UnitKernel pw && pw.writesBlocked(from.height(),
          from.width()) && to.layer() instanceof UnitKernel dw
          && dw.readsBlocked(to.height(), to.width());
    }
    return blocked;
  }

  private static void run(LayerTable.Row stage, float[] input, boolean inputBlocked,
      float[] output, boolean outputBlocked) {
    if (inputBlocked || outputBlocked) {
      ((UnitKernel) stage.layer()).forwardNhwcBlocked(input, inputBlocked, 1, stage.height(),
          stage.width(), output, outputBlocked);
    } else {
      stage.layer().forwardNhwc(input, 1, stage.height(), stage.width(), output);
    }
  }
}
