package dev.kiln.runner.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A Git server over SSH for tests, on 127.0.0.1: Apache MINA sshd that accepts one public key and
 * answers {@code git-upload-pack '/path'} with JGit's {@link UploadPack} on that repository.
 */
final class SshGitServer implements AutoCloseable {
  final KeyPair hostKey = ecKeyPair();
  final SshServer server = SshServer.setUpDefaultServer();
  final AtomicInteger commands = new AtomicInteger();
  final java.util.Set<String> users = java.util.concurrent.ConcurrentHashMap.newKeySet();

  SshGitServer(PublicKey allowedUser) throws IOException {
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator(
        (user, key, session) -> {
          users.add(user);
          return KeyUtils.compareKeys(key, allowedUser);
        });
    server.setCommandFactory((channel, command) -> new UploadPackCommand(command, commands));
    server.start();
  }

  int port() {
    return server.getPort();
  }

  /** The line for a known_hosts file that trusts this server. */
  String knownHostsLine() {
    return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
  }

  static KeyPair ecKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@code key} as an unencrypted OpenSSH private key file, readable by its owner only. */
  static Path writePrivateKey(KeyPair key, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(
          key, "kiln-test", (OpenSSHKeyEncryptionContext) null, out);
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  @Override
  public void close() throws IOException {
    server.stop(true);
  }

  private static final class UploadPackCommand implements Command {
    private final String command;
    private final AtomicInteger count;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    UploadPackCommand(String command, AtomicInteger count) {
      this.command = command;
      this.count = count;
    }

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
      this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      count.incrementAndGet();
      Thread t =
          new Thread(
              () -> {
                int code = 0;
                try {
                  if (!command.startsWith("git-upload-pack ")) {
                    throw new IOException("only git-upload-pack is served, not: " + command);
                  }
                  String path = command.substring("git-upload-pack ".length()).replace("'", "");
                  try (Repository repo =
                      new FileRepositoryBuilder().setGitDir(Path.of(path).toFile()).setMustExist(true).build()) {
                    new UploadPack(repo).upload(in, out, err);
                  }
                } catch (IOException | RuntimeException e) {
                  code = 1;
                  try {
                    err.write((e + "\n").getBytes(StandardCharsets.UTF_8));
                    err.flush();
                  } catch (IOException ignored) {
                    // the client went away
                  }
                } finally {
                  exit.onExit(code);
                }
              },
              "ssh-git-upload-pack");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void destroy(ChannelSession channel) {}
  }
}
