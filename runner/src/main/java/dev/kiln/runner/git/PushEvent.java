package dev.kiln.runner.git;

import java.util.List;
import java.util.Objects;

/**
 * A push as a webhook reported it.
 *
 * @param repoUrls every URL the payload gives for the repository (clone, SSH, web), without
 *     credentials; a watcher matches any of them
 * @param ref the full ref pushed, {@code refs/heads/main}
 * @param after the new tip; all zeros when the branch was deleted
 * @param pusher who pushed (user name), or null when the payload does not say
 */
public record PushEvent(
    Provider provider, List<String> repoUrls, String ref, String after, String pusher) {
  /** Which forge sent it. */
  public enum Provider {
    GITHUB,
    GITLAB
  }

  public PushEvent {
    Objects.requireNonNull(provider, "provider");
    repoUrls = repoUrls.stream().map(GitUrls::stripCredentials).toList();
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(after, "after");
  }

  /** True when the push deleted the ref (GitHub and GitLab send an all-zero {@code after}). */
  public boolean deleted() {
    return after.chars().allMatch(c -> c == '0');
  }

  /** The branch name for a {@code refs/heads/} ref, else null (tags are not watched). */
  public String branch() {
    return ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : null;
  }
}
