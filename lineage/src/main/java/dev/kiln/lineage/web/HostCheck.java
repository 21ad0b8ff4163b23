package dev.kiln.lineage.web;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which {@code Host} headers the viewer answers. A page on another site that re-points its own
 * name at 127.0.0.1 (DNS rebinding) is same-origin with the viewer as far as the browser knows;
 * its requests still carry the attacker's name in {@code Host}, so refusing unknown names closes
 * that door. Accepted: the bound address, {@code localhost}, {@code 127.0.0.1}, {@code [::1]} and
 * the configured extra names, each with or without a port.
 */
final class HostCheck {
  private final Set<String> allowed;

  HostCheck(WebConfig config) {
    Set<String> names = new LinkedHashSet<>();
    names.add("localhost");
    names.add("127.0.0.1");
    names.add("[::1]");
    names.add(normalise(config.bindHost()));
    for (String h : config.allowedHosts()) {
      names.add(normalise(h));
    }
    this.allowed = Set.copyOf(names);
  }

  /** True when the Host header (null when absent) names this viewer. */
  boolean accepts(String hostHeader) {
    if (hostHeader == null || hostHeader.isBlank()) {
      return false;
    }
    String h = hostHeader.strip().toLowerCase(Locale.ROOT);
    String name;
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      if (end < 0) {
        return false;
      }
      name = h.substring(0, end + 1);
      String rest = h.substring(end + 1);
      if (!rest.isEmpty() && !isPort(rest)) {
        return false;
      }
    } else {
      int colon = h.lastIndexOf(':');
      if (colon >= 0) {
        if (h.indexOf(':') != colon || !isPort(h.substring(colon))) {
          return false;
        }
        name = h.substring(0, colon);
      } else {
        name = h;
      }
    }
    return allowed.contains(normalise(name));
  }

  private static boolean isPort(String s) {
    return s.length() > 1 && s.length() <= 6 && s.charAt(0) == ':' && s.substring(1).chars().allMatch(Character::isDigit);
  }

  /** Lower case, a trailing dot dropped, an IPv6 literal in brackets. */
  static String normalise(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.contains(":") && !h.startsWith("[")) {
      h = "[" + h + "]";
    }
    return h;
  }
}
