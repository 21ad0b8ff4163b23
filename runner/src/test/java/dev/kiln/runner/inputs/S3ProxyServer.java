package dev.kiln.runner.inputs;

import dev.kiln.lineage.artifact.S3Settings;
import dev.kiln.lineage.artifact.S3Uri;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 API server (S3Proxy) in this JVM on a free port, keeping its objects as plain files
 * under {@code dir/<bucket>/<key>}, so a test can corrupt one behind the server's back.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "kiln-test-access";
  public static final String SECRET_KEY = "kiln-test-secret";

  private final Path dir;
  private final BlobStoreContext context;
  private final S3Proxy proxy;

  public S3ProxyServer(Path dir, String... buckets) throws Exception {
    this.dir = dir;
    Properties props = new Properties();
    props.setProperty("jclouds.filesystem.basedir", dir.toString());
    context =
        ContextBuilder.newBuilder("filesystem")
            .credentials("identity", "credential")
            .overrides(props)
            .build(BlobStoreContext.class);
    for (String bucket : buckets) {
      context.getBlobStore().createContainerInLocation(null, bucket);
    }
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    while (!"STARTED".equals(proxy.getState())) {
      Thread.sleep(5);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  public S3Settings settings() {
    return S3Settings.of(endpoint(), ACCESS_KEY, SECRET_KEY);
  }

  /** The file the server keeps an object in. */
  public Path fileOf(S3Uri uri) {
    return dir.resolve(uri.bucket()).resolve(uri.key());
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop S3Proxy", e);
    } finally {
      context.close();
    }
  }
}
