package io.pgshard.operator.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Service as kube-proxy makes it: an address of its own that forwards TCP to the pod its selector
 * currently matches. Retargeting (a relabel on failover) drops the connections to the old pod, as
 * its deletion would; with no target, connections are refused.
 */
public final class LocalServiceProxy implements AutoCloseable {

  private final ServerSocket server;
  private final Map<Socket, InetSocketAddress> open = new ConcurrentHashMap<>();
  private final AtomicInteger next = new AtomicInteger();
  private final int targetPort;
  private volatile List<InetSocketAddress> targets = List.of();
  private volatile boolean closed;

  public LocalServiceProxy(String ip, int port) {
    this(ip, port, port);
  }

  /** A Service port {@code port} at {@code ip} forwarding to {@code targetPort} of its pods. */
  public LocalServiceProxy(String ip, int port, int targetPort) {
    this.targetPort = targetPort;
    try {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(ip), port));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread accept = new Thread(this::acceptLoop, "service-proxy-" + ip);
    accept.setDaemon(true);
    accept.start();
  }

  public String ip() {
    return server.getInetAddress().getHostAddress();
  }

  /** Points the Service at {@code ip} (null: no endpoints). A change drops open connections. */
  public void retarget(String ip) {
    retarget(ip == null ? List.of() : List.of(ip));
  }

  /**
   * Sets the Service's endpoints (new connections go round-robin among them). Connections to an
   * address no longer among them are dropped, as the pod's deletion would.
   */
  public synchronized void retarget(List<String> ips) {
    List<InetSocketAddress> next =
        ips.stream().map(ip -> new InetSocketAddress(ip, targetPort)).toList();
    if (next.equals(targets)) {
      return;
    }
    targets = next;
    for (var entry : Map.copyOf(open).entrySet()) {
      if (!next.contains(entry.getValue())) {
        closeQuietly(entry.getKey());
        open.remove(entry.getKey());
      }
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        List<InetSocketAddress> now = targets;
        if (now.isEmpty()) {
          closeQuietly(client);
          continue;
        }
        InetSocketAddress to = now.get(Math.floorMod(next.getAndIncrement(), now.size()));
        Socket upstream = new Socket();
        try {
          upstream.connect(to, 1000);
        } catch (IOException e) {
          closeQuietly(client);
          closeQuietly(upstream);
          continue;
        }
        open.put(client, to);
        open.put(upstream, to);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, n);
                }
              } catch (IOException ignored) {
                // either side went away: close both
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "service-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // already closed
    }
    open.keySet().forEach(LocalServiceProxy::closeQuietly);
  }
}
