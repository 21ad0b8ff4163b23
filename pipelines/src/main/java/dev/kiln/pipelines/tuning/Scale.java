package dev.kiln.pipelines.tuning;

import java.util.Optional;

/**
 * How a numeric range is searched (AI Platform's {@code scaleType}): evenly, evenly in the
 * logarithm (dense near the minimum), or in reverse log (dense near the maximum).
 */
public enum Scale {
  LINEAR("UNIT_LINEAR_SCALE"),
  LOG("UNIT_LOG_SCALE"),
  REVERSE_LOG("UNIT_REVERSE_LOG_SCALE");

  private final String aiPlatformName;

  Scale(String aiPlatformName) {
    this.aiPlatformName = aiPlatformName;
  }

  public String aiPlatformName() {
    return aiPlatformName;
  }

  public static Optional<Scale> ofAiPlatform(String name) {
    for (Scale s : values()) {
      if (s.aiPlatformName.equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
