package io.pgshard.operator.testing;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Runs one container of a pod spec the operator generated as a local process, the way a kubelet
 * would: the container's own command, its env resolved (literals, downward API name and IP, Secret
 * keys), each volume mount path translated to this pod's own directory and each Service DNS name to
 * an address, wherever they appear in the command and env. Processes run as the unprivileged {@code
 * postgres} user when the test runs as root (PostgreSQL refuses root).
 */
public final class LocalPod implements AutoCloseable {

  /** Where the binaries of the images live on this machine (PostgreSQL 15, PgBouncer). */
  public static final String PATH =
      "/usr/lib/postgresql/15/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";

  private final String name;
  private final Path log;
  private final Process process;
  private final Map<String, String> env;
  private final UnaryOperator<String> translate;

  private LocalPod(
      String name,
      Path log,
      Process process,
      Map<String, String> env,
      UnaryOperator<String> translate) {
    this.name = name;
    this.log = log;
    this.process = process;
    this.env = env;
    this.translate = translate;
  }

  /**
   * @param mounts container mount path -> this pod's directory for it
   * @param secrets secret name -> key -> value
   * @param hosts Service DNS name -> address
   */
  public static LocalPod start(
      String name,
      String ip,
      Container container,
      Map<String, Path> mounts,
      Map<String, Map<String, String>> secrets,
      Map<String, String> hosts,
      Path log) {
    Translator translate = new Translator(mounts, hosts);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", PATH);
    env.put("HOME", "/tmp");
    env.put("LANG", "C.UTF-8");
    for (EnvVar var : container.getEnv()) {
      // translated once, by run()
      String value = resolve(var, name, ip, secrets);
      if (value != null) {
        env.put(var.getName(), value);
      }
    }
    List<String> command = new ArrayList<>(container.getCommand());
    command.addAll(container.getArgs());
    return run(name, command, env, translate::apply, log);
  }

  /**
   * Runs {@code command} with exactly {@code env} (already resolved), translating both with {@code
   * translate} (mount paths and host names), output appended to {@code log}.
   */
  public static LocalPod run(
      String name,
      List<String> command,
      Map<String, String> env,
      UnaryOperator<String> translate,
      Path log) {
    Map<String, String> translated = new LinkedHashMap<>();
    env.forEach((k, v) -> translated.put(k, translate.apply(v)));
    Process process = run(command, translated, translate, log);
    return new LocalPod(name, log, process, translated, translate);
  }

  private static Process run(
      List<String> command, Map<String, String> env, UnaryOperator<String> translate, Path log) {
    // a process group of its own, as a container's PID namespace: kill() reaches what it forked
    List<String> line = new ArrayList<>(List.of("setsid"));
    if (OsUser.isRoot()) {
      line.addAll(OsUser.dropTo(OsUser.POSTGRES));
    }
    command.forEach(c -> line.add(translate.apply(c)));
    try {
      ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().clear();
      builder.environment().putAll(env);
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs a command in this pod's environment (as a probe or {@code kubectl exec} would) and returns
   * its exit code; output goes to the pod's log.
   */
  public int exec(List<String> command) {
    return exec(command, Duration.ofSeconds(30));
  }

  /** As {@link #exec(List)}, giving up (-1) after {@code timeout}. */
  public int exec(List<String> command, Duration timeout) {
    Process p = run(command, env, translate, log);
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String resolve(
      EnvVar var, String podName, String ip, Map<String, Map<String, String>> secrets) {
    if (var.getValueFrom() == null) {
      return var.getValue();
    }
    if (var.getValueFrom().getFieldRef() != null) {
      return switch (var.getValueFrom().getFieldRef().getFieldPath()) {
        case "metadata.name" -> podName;
        case "status.podIP" -> ip;
        default ->
            throw new IllegalArgumentException(
                "unsupported fieldRef " + var.getValueFrom().getFieldRef().getFieldPath());
      };
    }
    if (var.getValueFrom().getSecretKeyRef() != null) {
      var ref = var.getValueFrom().getSecretKeyRef();
      String value = secrets.getOrDefault(ref.getName(), Map.of()).get(ref.getKey());
      if (value == null && Boolean.TRUE.equals(ref.getOptional())) {
        return null; // as the kubelet: an optional key that is missing leaves the variable unset
      }
      if (value == null) {
        throw new IllegalArgumentException("no secret key " + ref.getName() + "/" + ref.getKey());
      }
      return value;
    }
    throw new IllegalArgumentException("unsupported env source for " + var.getName());
  }

  public String name() {
    return name;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * kill -9 of the whole process tree, as a dead node leaves it: PostgreSQL's backends outlive a
   * killed postmaster long enough to commit, which no process on a dead node can.
   */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    signalGroup("KILL");
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(10));
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    signalGroup("KILL");
  }

  /**
   * Sends {@code signal} to every process of this pod's group, the way a container runtime ends
   * what is left in a PID namespace whose first process has exited.
   */
  public void signalGroup(String signal) {
    kill(signal, List.of("-" + process.pid()));
  }

  /**
   * Sends {@code signal} to the container's process and every descendant, by PID (SIGSTOP freezes
   * them all, SIGCONT thaws them), whatever process groups they are in.
   */
  public void signalTree(String signal) {
    List<String> pids = new ArrayList<>(List.of(Long.toString(process.pid())));
    process.descendants().forEach(d -> pids.add(Long.toString(d.pid())));
    kill(signal, pids);
  }

  /** kill(1) of {@code targets} (PIDs, or -PGID for a process group); no such process is fine. */
  private static void kill(String signal, List<String> targets) {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal, "--"));
    command.addAll(targets);
    try {
      new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The exit code, or null while the process runs. */
  public Integer exitCode() {
    return process.isAlive() ? null : process.exitValue();
  }

  /** Waits up to {@code timeout} for the process to exit; true when it has. */
  public boolean awaitExit(Duration timeout) {
    return waitFor(timeout);
  }

  /** SIGINT: PostgreSQL's fast shutdown; PgBouncer exits too. SIGKILL if it lingers. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!waitFor(Duration.ofSeconds(20))) {
      kill();
    }
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Replaces mount paths and Service host names in one pass, longest key first, and only where a
   * key stands as a whole path or name (so /tmp does not match inside /tmpfs or inside an already
   * translated directory).
   */
  public static final class Translator implements UnaryOperator<String> {
    private final Map<String, String> replacements = new LinkedHashMap<>();
    private final java.util.regex.Pattern pattern;

    public Translator(Map<String, Path> mounts, Map<String, String> hosts) {
      mounts.forEach((path, dir) -> replacements.put(path, dir.toString()));
      replacements.putAll(hosts);
      String alternatives =
          replacements.keySet().stream()
              .sorted(Comparator.comparingInt(String::length).reversed())
              .map(java.util.regex.Pattern::quote)
              .collect(java.util.stream.Collectors.joining("|"));
      pattern =
          replacements.isEmpty()
              ? null
              : java.util.regex.Pattern.compile("(?<![\\w./-])(" + alternatives + ")(?![\\w.-])");
    }

    @Override
    public String apply(String value) {
      if (value == null || pattern == null) {
        return value;
      }
      return pattern
          .matcher(value)
          .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(replacements.get(m.group(1))));
    }
  }
}
