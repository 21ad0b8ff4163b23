/**
 * Git triggers: a push to a repository runs the pipeline defined in that commit, and every run
 * records which code it ran. {@link dev.kiln.runner.git.GitWatcher} polls a branch (JGit fetch into
 * a bare mirror under {@code KILN_HOME/git}), checks each new commit out into {@code
 * KILN_HOME/worktrees/SHA} and runs it there through {@link dev.kiln.runner.git.CommitRunner};
 * {@link dev.kiln.runner.git.WebhookHandler} turns a verified GitHub or GitLab push webhook into a
 * poll of the matching watcher ({@link dev.kiln.runner.git.WebhookRoute} serves it on Javalin,
 * {@link dev.kiln.runner.git.GitTriggers} runs several watchers for a server). {@link
 * dev.kiln.runner.git.GitInfo} reads the commit of a working copy for {@code kiln run}. Credentials
 * come from the environment or a credentials file and are never recorded: URLs are stored without
 * their user-info and error text is redacted.
 *
 * <p>This is the only package that sees JGit types.
 */
package dev.kiln.runner.git;
