package dev.kiln.serving;

import static com.google.common.base.Preconditions.checkArgument;

import dev.kiln.pipelines.spi.Predictor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Dynamic batching in front of a predictor: inputs that arrive within {@code maxDelay} of the
 * first one waiting are run as one forward pass of at most {@code maxBatchSize}, and each answer
 * goes to the future of its own input. The queue is bounded; a request whose inputs do not all
 * fit is refused whole (503), so memory stays bounded. One worker thread runs the forward
 * passes. When a batch fails, its inputs are run one by one, so one bad input fails only its own
 * request.
 */
final class Batcher<I, O> implements AutoCloseable {
  private record Job<I, O>(I input, CompletableFuture<O> result) {}

  private final Predictor<I, O> predictor;
  private final int maxBatchSize;
  private final long maxDelayNanos;
  private final BlockingQueue<Job<I, O>> queue;
  private final IntConsumer batchSizes;
  private final Thread worker;
  private final Object submitLock = new Object();
  private volatile boolean closed;

  Batcher(Predictor<I, O> predictor, int maxBatchSize, long maxDelayMillis, int capacity,
      IntConsumer batchSizes) {
    checkArgument(maxBatchSize >= 1, "max batch size must be at least 1, got %s", maxBatchSize);
    checkArgument(maxDelayMillis >= 0, "max delay must be >= 0 ms, got %s", maxDelayMillis);
    checkArgument(capacity >= maxBatchSize, "queue capacity %s below the batch size %s",
        capacity, maxBatchSize);
    this.predictor = predictor;
    this.maxBatchSize = maxBatchSize;
    this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(maxDelayMillis);
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.batchSizes = batchSizes;
    this.worker = new Thread(this::work, "kiln-endpoint-batcher");
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /** Inputs waiting for a forward pass. */
  int queueDepth() {
    return queue.size();
  }

  /**
   * Queues every input, or none: a 503 with {@code Retry-After} when they do not all fit or the
   * endpoint is stopping.
   */
  List<CompletableFuture<O>> submitAll(List<I> inputs) {
    List<CompletableFuture<O>> out = new ArrayList<>(inputs.size());
    synchronized (submitLock) {
      if (closed) {
        throw new EndpointException(503, "the endpoint is stopping", Map.of("Retry-After", "1"));
      }
      if (queue.remainingCapacity() < inputs.size()) {
        throw new EndpointException(
            503,
            "the endpoint is busy: " + queue.size() + " images are waiting and the queue holds "
                + (queue.size() + queue.remainingCapacity()) + "; retry later",
            Map.of("Retry-After", "1"));
      }
      for (I in : inputs) {
        CompletableFuture<O> f = new CompletableFuture<>();
        queue.add(new Job<>(in, f));
        out.add(f);
      }
    }
    return out;
  }

  private void work() {
    List<Job<I, O>> batch = new ArrayList<>(maxBatchSize);
    while (true) {
      try {
        Job<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closed) {
            return;
          }
          continue;
        }
        batch.add(first);
        long deadline = System.nanoTime() + maxDelayNanos;
        while (batch.size() < maxBatchSize) {
          long left = deadline - System.nanoTime();
          Job<I, O> next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
          if (next == null) {
            break;
          }
          batch.add(next);
        }
        run(batch);
      } catch (InterruptedException e) {
        for (Job<I, O> j : batch) {
          j.result().completeExceptionally(e);
        }
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void run(List<Job<I, O>> batch) {
    batchSizes.accept(batch.size());
    List<I> inputs = new ArrayList<>(batch.size());
    for (Job<I, O> j : batch) {
      inputs.add(j.input());
    }
    try {
      List<O> outs = predictor.batchPredict(inputs);
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).result().complete(outs.get(i));
      }
    } catch (RuntimeException e) {
      if (batch.size() == 1) {
        batch.get(0).result().completeExceptionally(e);
        return;
      }
      for (Job<I, O> j : batch) {
        try {
          j.result().complete(predictor.predict(j.input()));
        } catch (RuntimeException one) {
          j.result().completeExceptionally(one);
        }
      }
    }
  }

  /** Refuses new inputs, answers those queued, then stops the worker (waits up to 30 s). */
  @Override
  public void close() {
    synchronized (submitLock) {
      closed = true;
    }
    try {
      worker.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
