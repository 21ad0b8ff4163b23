package dev.kiln.serving;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/** The endpoint's counters, written as Prometheus text (format 0.0.4) on {@code GET /metrics}. */
final class EndpointMetrics {
  static final double[] LATENCY_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };
  static final int[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128};

  private final String model;
  private final Map<String, LongAdder> requests = new TreeMap<>();
  private final Map<String, LongAdder> errors = new TreeMap<>();
  private final AtomicLongArray latencyCounts = new AtomicLongArray(LATENCY_BUCKETS.length + 1);
  private final LongAdder latencyMicros = new LongAdder();
  private final AtomicLongArray batchCounts = new AtomicLongArray(BATCH_BUCKETS.length + 1);
  private final LongAdder batchSum = new LongAdder();
  private final LongAdder images = new LongAdder();
  private final IntSupplier queueDepth;

  EndpointMetrics(String model, IntSupplier queueDepth) {
    this.model = model;
    this.queueDepth = queueDepth;
  }

  /** One answered request of a protocol. */
  void request(String protocol, int status, long nanos) {
    String key = protocol + "\u0000" + status;
    synchronized (requests) {
      requests.computeIfAbsent(key, k -> new LongAdder()).increment();
      if (status >= 400) {
        errors.computeIfAbsent(key, k -> new LongAdder()).increment();
      }
    }
    double s = nanos / 1e9;
    int i = 0;
    while (i < LATENCY_BUCKETS.length && s > LATENCY_BUCKETS[i]) {
      i++;
    }
    latencyCounts.incrementAndGet(i);
    latencyMicros.add(nanos / 1000);
  }

  /** One forward pass of {@code size} images. */
  void batch(int size) {
    int i = 0;
    while (i < BATCH_BUCKETS.length && size > BATCH_BUCKETS[i]) {
      i++;
    }
    batchCounts.incrementAndGet(i);
    batchSum.add(size);
    images.add(size);
  }

  String render() {
    StringBuilder b = new StringBuilder();
    String m = "model=\"" + model + "\"";
    b.append("# HELP kiln_endpoint_requests_total HTTP requests answered, by protocol and status.\n");
    b.append("# TYPE kiln_endpoint_requests_total counter\n");
    synchronized (requests) {
      counters(b, "kiln_endpoint_requests_total", requests, m);
      b.append("# HELP kiln_endpoint_errors_total Requests answered with a 4xx or 5xx status.\n");
      b.append("# TYPE kiln_endpoint_errors_total counter\n");
      counters(b, "kiln_endpoint_errors_total", errors, m);
    }
    b.append("# HELP kiln_endpoint_request_duration_seconds Time from request to answer.\n");
    b.append("# TYPE kiln_endpoint_request_duration_seconds histogram\n");
    long cum = 0;
    for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
      cum += latencyCounts.get(i);
      b.append("kiln_endpoint_request_duration_seconds_bucket{").append(m).append(",le=\"")
          .append(num(LATENCY_BUCKETS[i])).append("\"} ").append(cum).append('\n');
    }
    cum += latencyCounts.get(LATENCY_BUCKETS.length);
    b.append("kiln_endpoint_request_duration_seconds_bucket{").append(m).append(",le=\"+Inf\"} ")
        .append(cum).append('\n');
    b.append("kiln_endpoint_request_duration_seconds_sum{").append(m).append("} ")
        .append(num(latencyMicros.sum() / 1e6)).append('\n');
    b.append("kiln_endpoint_request_duration_seconds_count{").append(m).append("} ")
        .append(cum).append('\n');
    b.append("# HELP kiln_endpoint_batch_size Images per forward pass.\n");
    b.append("# TYPE kiln_endpoint_batch_size histogram\n");
    cum = 0;
    for (int i = 0; i < BATCH_BUCKETS.length; i++) {
      cum += batchCounts.get(i);
      b.append("kiln_endpoint_batch_size_bucket{").append(m).append(",le=\"")
          .append(BATCH_BUCKETS[i]).append("\"} ").append(cum).append('\n');
    }
    cum += batchCounts.get(BATCH_BUCKETS.length);
    b.append("kiln_endpoint_batch_size_bucket{").append(m).append(",le=\"+Inf\"} ").append(cum)
        .append('\n');
    b.append("kiln_endpoint_batch_size_sum{").append(m).append("} ").append(batchSum.sum())
        .append('\n');
    b.append("kiln_endpoint_batch_size_count{").append(m).append("} ").append(cum).append('\n');
    b.append("# HELP kiln_endpoint_images_total Images run through the model.\n");
    b.append("# TYPE kiln_endpoint_images_total counter\n");
    b.append("kiln_endpoint_images_total{").append(m).append("} ").append(images.sum())
        .append('\n');
    b.append("# HELP kiln_endpoint_queue_depth Images waiting for a forward pass.\n");
    b.append("# TYPE kiln_endpoint_queue_depth gauge\n");
    b.append("kiln_endpoint_queue_depth{").append(m).append("} ").append(queueDepth.getAsInt())
        .append('\n');
    return b.toString();
  }

  private static void counters(
      StringBuilder b, String name, Map<String, LongAdder> values, String model) {
    for (Map.Entry<String, LongAdder> e : values.entrySet()) {
      String[] k = e.getKey().split("\u0000");
      b.append(name).append('{').append(model).append(",protocol=\"").append(k[0])
          .append("\",code=\"").append(k[1]).append("\"} ").append(e.getValue().sum())
          .append('\n');
    }
  }

  private static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15
        ? String.format(Locale.ROOT, "%.1f", d)
        : String.valueOf(d);
  }
}
