package dev.kiln.lineage.web;

import dev.kiln.lineage.model.JsonSupport;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own error answers (a request it cannot parse, a header or URI too long, an ambiguous
 * path) in the API's JSON shape, {@code {"status": N, "error": "..."}}, instead of Jetty's HTML
 * page, so that a client of the API never has to parse two kinds of error.
 */
final class JsonErrorHandler extends ErrorHandler {
  private static final String TYPE = "application/json; charset=utf-8";

  JsonErrorHandler() {
    setShowStacks(false);
    setShowServlet(false);
  }

  static byte[] body(int status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status);
    body.put("error", message == null || message.isBlank() ? reason(status) : message);
    return JsonSupport.write(body).getBytes(StandardCharsets.UTF_8);
  }

  private static String reason(int status) {
    String r = HttpStatus.getMessage(status);
    return r == null ? "error" : r.toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateAcceptableResponse(
      Request baseRequest,
      HttpServletRequest request,
      HttpServletResponse response,
      int code,
      String message)
      throws IOException {
    byte[] bytes = body(code, message);
    response.setContentType(TYPE);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
    baseRequest.setHandled(true);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, TYPE));
    return ByteBuffer.wrap(body(status, reason));
  }
}
