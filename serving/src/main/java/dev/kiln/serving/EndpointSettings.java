package dev.kiln.serving;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * How an endpoint listens and batches. {@code of(name)} gives the defaults of {@code kiln endpoint
 * serve}; {@code with*} change one field.
 *
 * @param name the model name in URLs ({@code /v2/models/NAME/infer})
 * @param bind the address to listen on; 127.0.0.1 unless the user says otherwise
 * @param port 0 for any free port
 * @param maxBatchSize the most images of one forward pass (1: no batching)
 * @param maxDelayMillis how long the first waiting image waits for others
 * @param maxBodyBytes the largest request body (413 above)
 * @param queueCapacity images that may wait; more get 503 with {@code Retry-After}
 * @param maxPixels the largest decoded image (width x height), against decompression bombs
 */
public record EndpointSettings(
    String name,
    String bind,
    int port,
    int maxBatchSize,
    long maxDelayMillis,
    long maxBodyBytes,
    int queueCapacity,
    long maxPixels) {
  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final int DEFAULT_PORT = 8501;

  public EndpointSettings {
    checkArgument(name != null && name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}"),
        "model name must be letters, digits, '.', '_' or '-' (starting with a letter or digit),"
            + " got \"%s\"", name);
    checkArgument(bind != null && !bind.isBlank(), "bind address must not be blank");
    checkArgument(port >= 0 && port <= 65535, "port must be 0..65535, got %s", port);
    checkArgument(maxBatchSize >= 1 && maxBatchSize <= 1024,
        "max batch size must be 1..1024, got %s", maxBatchSize);
    checkArgument(maxDelayMillis >= 0 && maxDelayMillis <= 10_000,
        "max delay must be 0..10000 ms, got %s", maxDelayMillis);
    checkArgument(maxBodyBytes >= 1024, "max body must be at least 1 KiB, got %s", maxBodyBytes);
    checkArgument(queueCapacity >= maxBatchSize,
        "queue capacity must be at least the batch size %s, got %s", maxBatchSize, queueCapacity);
    checkArgument(maxPixels >= 1, "max pixels must be positive, got %s", maxPixels);
  }

  /** The defaults: 127.0.0.1:8501, batches of 16 within 5 ms, 20 MB bodies, 40 MP images. */
  public static EndpointSettings of(String name) {
    return new EndpointSettings(
        name, DEFAULT_BIND, DEFAULT_PORT, 16, 5, 20L << 20, 256, 40_000_000L);
  }

  public EndpointSettings withBind(String v) {
    return new EndpointSettings(name, v, port, maxBatchSize, maxDelayMillis, maxBodyBytes,
        queueCapacity, maxPixels);
  }

  public EndpointSettings withPort(int v) {
    return new EndpointSettings(name, bind, v, maxBatchSize, maxDelayMillis, maxBodyBytes,
        queueCapacity, maxPixels);
  }

  /** Also raises the queue capacity to 16 batches when it would be below that. */
  public EndpointSettings withMaxBatchSize(int v) {
    return new EndpointSettings(name, bind, port, v, maxDelayMillis, maxBodyBytes,
        Math.max(queueCapacity, v * 16), maxPixels);
  }

  public EndpointSettings withMaxDelayMillis(long v) {
    return new EndpointSettings(name, bind, port, maxBatchSize, v, maxBodyBytes, queueCapacity,
        maxPixels);
  }

  public EndpointSettings withMaxBodyBytes(long v) {
    return new EndpointSettings(name, bind, port, maxBatchSize, maxDelayMillis, v, queueCapacity,
        maxPixels);
  }

  public EndpointSettings withQueueCapacity(int v) {
    return new EndpointSettings(name, bind, port, maxBatchSize, maxDelayMillis, maxBodyBytes, v,
        maxPixels);
  }

  public EndpointSettings withMaxPixels(long v) {
    return new EndpointSettings(name, bind, port, maxBatchSize, maxDelayMillis, maxBodyBytes,
        queueCapacity, v);
  }
}
