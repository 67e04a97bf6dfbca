package io.pgshard.e2e.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory of another JVM on this machine: a full GC forced with {@code jcmd <pid> GC.run}, then the
 * heap in use after it ({@code GC.heap_info}, the sum of the generations' "used") and the resident
 * set ({@code VmRSS} in {@code /proc/<pid>/status}).
 */
final class JvmMemory {

  /** A generation's or heap's summary line: Serial, Parallel and G1 print them this way. */
  private static final Pattern HEAP_USED =
      Pattern.compile(
          "^\\s*(def new generation|tenured generation|PSYoungGen|ParOldGen|garbage-first heap)"
              + "\\s+total \\d+K, used (\\d+)K",
          Pattern.MULTILINE);

  private static final Pattern METASPACE_USED =
      Pattern.compile("^\\s*Metaspace\\s+used (\\d+)K", Pattern.MULTILINE);

  private static final Pattern VM_RSS = Pattern.compile("^VmRSS:\\s+(\\d+) kB", Pattern.MULTILINE);

  private JvmMemory() {}

  /** One reading, in MiB. */
  record Sample(double rssMib, double heapAfterGcMib, double metaspaceMib) {}

  static Sample afterGc(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    String heapInfo = jcmd(pid, "GC.heap_info");
    String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
    return new Sample(
        kib(VM_RSS, status, "VmRSS") / 1024.0,
        heapUsedKib(heapInfo) / 1024.0,
        kib(METASPACE_USED, heapInfo, "Metaspace used") / 1024.0);
  }

  static long heapUsedKib(String heapInfo) {
    Matcher m = HEAP_USED.matcher(heapInfo);
    long used = 0;
    boolean found = false;
    while (m.find()) {
      used += Long.parseLong(m.group(2));
      found = true;
    }
    if (!found) {
      throw new IllegalStateException("no heap summary in GC.heap_info:\n" + heapInfo);
    }
    return used;
  }

  private static long kib(Pattern pattern, String text, String what) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no " + what + " in:\n" + text);
    }
    return Long.parseLong(m.group(1));
  }

  /** Runs a diagnostic command with the JDK's own jcmd; its output, or an exception. */
  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(List.of(jcmd.toString(), Long.toString(pid), command))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + out);
    }
    return out;
  }
}
