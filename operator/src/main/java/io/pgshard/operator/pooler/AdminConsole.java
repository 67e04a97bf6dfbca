package io.pgshard.operator.pooler;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A connection to PgBouncer's admin console (the virtual database {@code pgbouncer}). The console
 * speaks only the simple query protocol and refuses the startup parameters and queries a JDBC
 * driver sends, so this is a small client of the PostgreSQL wire protocol (v3): startup,
 * SCRAM-SHA-256 authentication, simple queries. Not thread-safe.
 *
 * <p>The pooler's admin password is only ever proven with SCRAM-SHA-256, never sent: a pooler that
 * asks for cleartext or MD5, or says AuthenticationOk before it proved (with its SCRAM server
 * signature) that it knows the password, is refused. Something answering at the pooler's address
 * could otherwise collect the password or pose as the pooler.
 */
public final class AdminConsole implements AutoCloseable {

  /** An ErrorResponse from the console, or a protocol failure. */
  public static final class ConsoleException extends IOException {
    private static final long serialVersionUID = 1L;

    ConsoleException(String message) {
      super(message);
    }
  }

  private static final int PROTOCOL_3 = 196608;

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  private AdminConsole(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
  }

  /**
   * Connects and authenticates. {@code timeout} bounds the connect and every later read: a command
   * that has not answered by then fails (PAUSE waits for running transactions, so it is the bound
   * of a pause too).
   */
  public static AdminConsole connect(
      String host, int port, String user, String password, Duration timeout) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      socket.setTcpNoDelay(true);
      AdminConsole console = new AdminConsole(socket);
      console.startup(user, password);
      return console;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Runs one console command; returns its rows (text columns), empty for commands like PAUSE. */
  public List<List<String>> command(String command) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    cstring(body, command);
    send('Q', body.toByteArray());
    List<List<String>> rows = new ArrayList<>();
    String error = null;
    while (true) {
      Message m = receive();
      switch (m.type) {
        case 'D' -> rows.add(dataRow(m.body));
        case 'E' -> error = errorText(m.body);
        case 'Z' -> {
          if (error != null) {
            throw new ConsoleException(command + ": " + error);
          }
          return rows;
        }
        default -> {
          // RowDescription, CommandComplete, NoticeResponse, EmptyQueryResponse
        }
      }
    }
  }

  private void startup(String user, String password) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int32(body, PROTOCOL_3);
    cstring(body, "user");
    cstring(body, user);
    cstring(body, "database");
    cstring(body, "pgbouncer");
    body.write(0);
    byte[] bytes = body.toByteArray();
    out.writeInt(bytes.length + 4);
    out.write(bytes);
    out.flush();
    ScramSha256 scram = null;
    while (true) {
      Message m = receive();
      switch (m.type) {
        case 'R' -> scram = authenticate(m, user, password, scram);
        case 'E' -> throw new ConsoleException("login refused: " + errorText(m.body));
        case 'Z' -> {
          return;
        }
        default -> {
          // ParameterStatus, BackendKeyData
        }
      }
    }
  }

  private ScramSha256 authenticate(Message m, String user, String password, ScramSha256 scram)
      throws IOException {
    DataInputStream body = new DataInputStream(new ByteArrayInputStream(m.body));
    int code = body.readInt();
    switch (code) {
      case 0 -> {
        if (scram == null || !scram.verified()) {
          throw new ConsoleException(
              "the pooler said AuthenticationOk before proving it knows the password (SCRAM);"
                  + " refused");
        }
        return scram;
      }
      case 3, 5 ->
          throw new ConsoleException(
              "the pooler asked for "
                  + (code == 3 ? "a cleartext" : "an MD5")
                  + " password; only SCRAM-SHA-256 is used, the password is not sent");
      case 10 -> {
        String mechanisms = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        if (!mechanisms.contains(ScramSha256.MECHANISM)) {
          throw new ConsoleException("no supported SASL mechanism in " + mechanisms.trim());
        }
        ScramSha256 exchange = new ScramSha256(password);
        byte[] first = exchange.clientFirst("").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        cstring(reply, ScramSha256.MECHANISM);
        int32(reply, first.length);
        reply.write(first);
        send('p', reply.toByteArray());
        return exchange;
      }
      case 11 -> {
        if (scram == null) {
          throw new ConsoleException("SASL continue without a SASL start");
        }
        String serverFirst = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        send('p', scram.clientFinal(serverFirst).getBytes(StandardCharsets.UTF_8));
        return scram;
      }
      case 12 -> {
        if (scram == null) {
          throw new ConsoleException("SASL final without a SASL start");
        }
        try {
          scram.verifyServerFinal(new String(body.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IllegalStateException e) {
          throw new ConsoleException(e.getMessage());
        }
        return scram;
      }
      default -> throw new ConsoleException("unsupported authentication request " + code);
    }
  }

  private record Message(char type, byte[] body) {}

  private Message receive() throws IOException {
    char type = (char) in.readUnsignedByte();
    int length = in.readInt();
    if (length < 4 || length > 16 * 1024 * 1024) {
      throw new ConsoleException("malformed message of length " + length);
    }
    byte[] body = in.readNBytes(length - 4);
    if (body.length != length - 4) {
      throw new ConsoleException("connection closed mid-message");
    }
    return new Message(type, body);
  }

  private void send(char type, byte[] body) throws IOException {
    out.writeByte(type);
    out.writeInt(body.length + 4);
    out.write(body);
    out.flush();
  }

  private static List<String> dataRow(byte[] body) throws IOException {
    DataInputStream row = new DataInputStream(new ByteArrayInputStream(body));
    int columns = row.readUnsignedShort();
    List<String> values = new ArrayList<>(columns);
    for (int i = 0; i < columns; i++) {
      int length = row.readInt();
      values.add(length < 0 ? null : new String(row.readNBytes(length), StandardCharsets.UTF_8));
    }
    return values;
  }

  /** The message field ('M') of an ErrorResponse, with its SQLSTATE ('C'). */
  private static String errorText(byte[] body) {
    String message = "";
    String code = "";
    int i = 0;
    while (i < body.length && body[i] != 0) {
      char field = (char) body[i++];
      int end = i;
      while (end < body.length && body[end] != 0) {
        end++;
      }
      String value = new String(body, i, end - i, StandardCharsets.UTF_8);
      if (field == 'M') {
        message = value;
      } else if (field == 'C') {
        code = value;
      }
      i = end + 1;
    }
    return code.isEmpty() ? message : message + " (" + code + ")";
  }

  private static void cstring(ByteArrayOutputStream out, String value) {
    out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
    out.write(0);
  }

  private static void int32(ByteArrayOutputStream out, int value) {
    out.write(value >>> 24);
    out.write(value >>> 16);
    out.write(value >>> 8);
    out.write(value);
  }

  @Override
  public void close() {
    try {
      send('X', new byte[0]);
    } catch (IOException ignored) {
      // the connection is going away either way
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }
}
