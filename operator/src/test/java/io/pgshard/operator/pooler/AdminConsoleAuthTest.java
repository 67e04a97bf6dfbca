package io.pgshard.operator.pooler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The admin console client never gives its password away: a peer at the pooler's address that asks
 * for cleartext or MD5, or says AuthenticationOk without a SCRAM exchange, is refused. The peer is
 * a stand-in that speaks just enough of the protocol (a real PgBouncer is configured for
 * scram-sha-256 by the operator and cannot be made to misbehave so).
 */
class AdminConsoleAuthTest {

  static final String PASSWORD = "Kc73U7tJkb1cG0hdIXV83BJeKs4OqZDa";

  @Test
  void aCleartextPasswordRequestIsRefusedAndThePasswordNeverSent() throws Exception {
    String received = exchange(3, new byte[0]);
    assertThat(received).doesNotContain(PASSWORD);
  }

  @Test
  void anMd5PasswordRequestIsRefused() throws Exception {
    String received = exchange(5, new byte[] {1, 2, 3, 4});
    assertThat(received).doesNotContain("md5");
  }

  @Test
  void anAuthenticationOkBeforeAnyScramExchangeIsRefused() throws Exception {
    exchange(0, new byte[0]);
  }

  /**
   * A peer that answers the startup with authentication request {@code code}, then records what the
   * client sends; asserts that the client refuses the login.
   */
  static String exchange(int code, byte[] extra) throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      CompletableFuture<String> peer =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket s = server.accept()) {
                  s.setSoTimeout(2000);
                  DataInputStream in = new DataInputStream(s.getInputStream());
                  int length = in.readInt();
                  in.readNBytes(length - 4); // the startup message
                  ByteArrayOutputStream body = new ByteArrayOutputStream();
                  DataOutputStream b = new DataOutputStream(body);
                  b.writeInt(code);
                  b.write(extra);
                  DataOutputStream out = new DataOutputStream(s.getOutputStream());
                  out.writeByte('R');
                  out.writeInt(body.size() + 4);
                  out.write(body.toByteArray());
                  if (code == 0) {
                    out.writeByte('Z');
                    out.writeInt(5);
                    out.writeByte('I');
                  }
                  out.flush();
                  return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                } catch (java.io.IOException e) {
                  return "";
                }
              });
      assertThatThrownBy(
              () ->
                  AdminConsole.connect(
                      "127.0.0.1",
                      server.getLocalPort(),
                      "pooler_admin",
                      PASSWORD,
                      Duration.ofSeconds(2)))
          .isInstanceOf(AdminConsole.ConsoleException.class)
          .hasMessageContaining(code == 0 ? "before proving" : "only SCRAM-SHA-256");
      return peer.get(5, TimeUnit.SECONDS);
    }
  }
}
