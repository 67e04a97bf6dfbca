package io.pgshard.e2e.harness;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cluster DNS for Services: {@code <service>.<namespace>.svc} (and the {@code .cluster.local} form)
 * names an address of its own. The address is handed out on first lookup, so a pod started before
 * its Service exists still gets the address the Service will listen on, as a stable ClusterIP would
 * be. Translation replaces whole names only, wherever they stand in a value.
 */
final class ServiceDns implements UnaryOperator<String> {

  private static final String LABEL = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?";
  private static final Pattern NAME =
      Pattern.compile(
          "(?<![\\w.-])(" + LABEL + ")\\.(" + LABEL + ")\\.svc(?:\\.cluster\\.local)?(?![\\w.-])");

  private final Loopback addresses;
  private final Map<String, String> byService = new ConcurrentHashMap<>();

  ServiceDns(Loopback addresses) {
    this.addresses = addresses;
  }

  /** The address of Service {@code name} in {@code namespace}. */
  String address(String namespace, String name) {
    return byService.computeIfAbsent(namespace + "/" + name, k -> addresses.nextService());
  }

  @Override
  public String apply(String value) {
    if (value == null) {
      return null;
    }
    Matcher m = NAME.matcher(value);
    return m.replaceAll(r -> Matcher.quoteReplacement(address(r.group(2), r.group(1))));
  }
}
