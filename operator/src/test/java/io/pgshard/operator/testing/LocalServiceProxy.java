package io.pgshard.operator.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Service as kube-proxy makes it: an address of its own that forwards TCP to the pod its selector
 * currently matches. Retargeting (a relabel on failover) drops the connections to the old pod, as
 * its deletion would; with no target, connections are refused.
 */
public final class LocalServiceProxy implements AutoCloseable {

  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile InetSocketAddress target;
  private volatile boolean closed;

  public LocalServiceProxy(String ip, int port) {
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
  public synchronized void retarget(String ip) {
    InetSocketAddress next = ip == null ? null : new InetSocketAddress(ip, server.getLocalPort());
    if (next == null ? target == null : next.equals(target)) {
      return;
    }
    target = next;
    open.forEach(LocalServiceProxy::closeQuietly);
    open.clear();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        InetSocketAddress to = target;
        if (to == null) {
          closeQuietly(client);
          continue;
        }
        Socket upstream = new Socket();
        try {
          upstream.connect(to, 1000);
        } catch (IOException e) {
          closeQuietly(client);
          closeQuietly(upstream);
          continue;
        }
        open.add(client);
        open.add(upstream);
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
    open.forEach(LocalServiceProxy::closeQuietly);
  }
}
