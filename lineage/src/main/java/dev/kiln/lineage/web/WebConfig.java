package dev.kiln.lineage.web;

import java.util.Objects;

/**
 * Where the viewer listens and the token that guards state-changing endpoints. Required: {@code
 * bindHost}; {@code port} 0 picks a free port (tests); {@code token} null disables every
 * state-changing endpoint (403), so a viewer started without one can only be looked at.
 */
public record WebConfig(String bindHost, int port, String token) {
  /** Loopback by default: the viewer shows logs and artifacts and has no user accounts. */
  public static final String DEFAULT_BIND = "127.0.0.1";

  public static final int DEFAULT_PORT = 8080;

  public WebConfig {
    Objects.requireNonNull(bindHost, "bindHost");
    if (bindHost.isBlank()) {
      throw new IllegalArgumentException("bind address must not be blank");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (token != null && token.isBlank()) {
      token = null;
    }
  }

  /** 127.0.0.1:8080, no token. */
  public static WebConfig defaults() {
    return new WebConfig(DEFAULT_BIND, DEFAULT_PORT, null);
  }

  public WebConfig withPort(int port) {
    return new WebConfig(bindHost, port, token);
  }

  public WebConfig withBind(String bindHost) {
    return new WebConfig(bindHost, port, token);
  }

  public WebConfig withToken(String token) {
    return new WebConfig(bindHost, port, token);
  }

  /** Hides the token so a config can be printed or logged. */
  @Override
  public String toString() {
    return "WebConfig[bind=" + bindHost + ", port=" + port + ", token=" + (token == null ? "none" : "set") + "]";
  }
}
