package dev.kiln.lineage.web;

import java.util.List;
import java.util.Objects;

/**
 * Where the viewer listens and the token that guards state-changing endpoints. Required: {@code
 * bindHost}; {@code port} 0 picks a free port (tests); {@code token} null disables every
 * state-changing endpoint (403), so a viewer started without one can only be looked at. {@code
 * allowedHosts} are the names, besides the bound address and loopback, that a request's {@code
 * Host} header may carry (a reverse proxy's or the machine's name); any other is refused with 421
 * so that a DNS-rebinding page cannot read the viewer through a browser.
 */
public record WebConfig(String bindHost, int port, String token, List<String> allowedHosts) {
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
    allowedHosts = List.copyOf(allowedHosts == null ? List.of() : allowedHosts);
    for (String h : allowedHosts) {
      if (h.isBlank() || h.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@' || c == '#')) {
        throw new IllegalArgumentException(
            "an allowed host is a bare name or address such as kiln.example.org, got '" + h + "'");
      }
    }
  }

  /** No extra allowed host names. */
  public WebConfig(String bindHost, int port, String token) {
    this(bindHost, port, token, List.of());
  }

  /** 127.0.0.1:8080, no token. */
  public static WebConfig defaults() {
    return new WebConfig(DEFAULT_BIND, DEFAULT_PORT, null);
  }

  public WebConfig withPort(int port) {
    return new WebConfig(bindHost, port, token, allowedHosts);
  }

  public WebConfig withBind(String bindHost) {
    return new WebConfig(bindHost, port, token, allowedHosts);
  }

  public WebConfig withToken(String token) {
    return new WebConfig(bindHost, port, token, allowedHosts);
  }

  public WebConfig withAllowedHosts(List<String> allowedHosts) {
    return new WebConfig(bindHost, port, token, allowedHosts);
  }

  /** Hides the token so a config can be printed or logged. */
  @Override
  public String toString() {
    return "WebConfig[bind=" + bindHost + ", port=" + port + ", token=" + (token == null ? "none" : "set")
        + ", allowedHosts=" + allowedHosts + "]";
  }
}
