package io.pgshard.operator;

import ch.qos.logback.classic.Level;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgshard.operator.config.OperatorConfig;
import io.pgshard.operator.config.ServerCapabilities;
import io.pgshard.operator.kube.ClusterSecrets;
import io.pgshard.operator.kube.KubernetesEvents;
import io.pgshard.operator.kube.LeaseRelease;
import io.pgshard.operator.kube.ServerDiscovery;
import io.pgshard.operator.metrics.BackupMetrics;
import io.pgshard.operator.metrics.HttpEndpoints;
import io.pgshard.operator.metrics.InstanceMetrics;
import io.pgshard.operator.pooler.PauseLocks;
import io.pgshard.operator.reconciler.BackupStep;
import io.pgshard.operator.reconciler.FailoverStep;
import io.pgshard.operator.reconciler.InstanceEventSource;
import io.pgshard.operator.reconciler.MaintenanceStep;
import io.pgshard.operator.reconciler.PostgresShardReconciler;
import io.pgshard.operator.reconciler.RestorePointStep;
import io.pgshard.operator.reconciler.RolloutStep;
import io.pgshard.operator.reconciler.ShardedClusterReconciler;
import io.pgshard.operator.reconciler.StorageStep;
import io.pgshard.operator.status.ClusterStatusUpdater;
import io.pgshard.operator.status.ShardStatusUpdater;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator process. Everything is wired here by constructor; the {@link Clock} and the
 * Kubernetes client are the seams a test (or the local end-to-end harness) may set.
 */
public final class OperatorMain implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

  private final OperatorConfig config;

  /** This replica's name in the Lease: the pod name. */
  private final String identity;

  private final KubernetesClient client;
  private final Clock clock;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** Rounds of all shards are started from these; a round waits for its shard's probes. */
  private static final int ROUND_THREADS = 4;

  /** How long a stop waits for the elector's last renewal before releasing the Lease. */
  private static final Duration ELECTOR_STOP_WAIT = Duration.ofSeconds(5);

  /** Shards whose partition maintenance runs at the same time. */
  private static final int MAINTENANCE_THREADS = 8;

  /** Completed with a reason when the process must end (see {@link #main}). */
  private final CompletableFuture<String> fatal = new CompletableFuture<>();

  private volatile boolean closing;

  /** Set when this replica starts leading; the elector then calls {@link #lostLease} when done. */
  private volatile boolean leading;

  /** Opened by the elector's stop-leading callback, after its last renewal has finished. */
  private final CountDownLatch electorStopped = new CountDownLatch(1);

  private Operator operator;
  private HttpEndpoints http;
  private ExecutorService probes;
  private ScheduledExecutorService rounds;
  private ExecutorService maintenance;
  private ExecutorService backups;

  /** Switchovers and restore points pause the same poolers: one at a time per shard. */
  private final PauseLocks pauseLocks = new PauseLocks();

  public OperatorMain(OperatorConfig config, KubernetesClient client, Clock clock) {
    this.config = config;
    this.identity =
        config.identity() != null
            ? config.identity()
            : Optional.ofNullable(System.getenv("HOSTNAME")).orElse(UUID.randomUUID().toString());
    this.client = client;
    this.clock = clock;
  }

  /**
   * Runs until SIGTERM (the shutdown hook stops everything and hands the Lease over) or a fatal
   * error: a start that fails (an informer that cannot list, discovery that cannot answer) or a
   * lost Lease ends the process with status 1, so that Kubernetes restarts it as a follower. The
   * exit is called from this thread, never from the hook: {@code System.exit} inside a shutdown
   * hook blocks forever.
   */
  public static void main(String[] args) {
    OperatorConfig config = OperatorConfig.fromEnvironment(System.getenv());
    setRootLogLevel(config.logLevel());
    OperatorMain main =
        new OperatorMain(config, new KubernetesClientBuilder().build(), Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(main::close, "pgshard-shutdown"));
    try {
      main.start();
    } catch (IOException | RuntimeException e) {
      LOG.error("the operator cannot start: {}", e.toString(), e);
      System.exit(1);
    }
    String reason = main.fatal.join();
    LOG.error("stopping: {}", reason);
    System.exit(1);
  }

  public void start() throws IOException {
    ServerCapabilities server = ServerDiscovery.discover(client);
    LOG.info("API server: {}", server);
    KubernetesEvents events = new KubernetesEvents(client, clock);
    operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withConcurrentReconciliationThreads(config.reconcileThreads())
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
                  .withUseSSAToPatchPrimaryResource(config.useServerSideApply())
                  .withSSABasedCreateUpdateMatchForDependentResources(config.useServerSideApply());
              if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        config.leaseName(),
                        config.leaseNamespace(),
                        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                        identity,
                        new LeaderCallbacks(() -> leading = true, this::lostLease, leader -> {}),
                        // JOSDK would call System.exit from the elector's callback, which also
                        // runs when the shutdown hook stops the operator: a deadlock
                        false));
              }
            });
    operator.register(
        new ShardedClusterReconciler(
            client,
            new ClusterSecrets(client, new SecureRandom()),
            new ClusterStatusUpdater(clock),
            events,
            config.instanceMonitor()
                ? Optional.of(new RestorePointStep(client, pauseLocks, events, clock))
                : Optional.empty()),
        this::namespaces);
    operator.register(
        new PostgresShardReconciler(
            server,
            new ShardStatusUpdater(clock),
            events,
            failoverStep(events),
            maintenanceStep(events),
            backupStep(events),
            config.instanceMonitor()
                ? Optional.of(new RolloutStep(client, events, clock))
                : Optional.empty(),
            new StorageStep(client, events)),
        this::namespaces);
    http =
        new HttpEndpoints(
            config.httpPort(),
            () -> operator.getRuntimeInfo().isStarted(),
            () ->
                operator.getRuntimeInfo().isStarted()
                    && operator.getRuntimeInfo().allEventSourcesAreHealthy(),
            registry);
    http.start();
    operator.start();
    LOG.info(
        "pgshard operator started; watching {}, leader election {}, http :{}",
        config.watchNamespaces().isEmpty() ? "all namespaces" : config.watchNamespaces(),
        config.leaderElection() ? "on" : "off",
        http.port());
  }

  /**
   * The elector stops leading on a lost Lease, and also when {@link #close()} cancels it. Only the
   * first is fatal; it ends the process from the main thread.
   */
  private void lostLease() {
    electorStopped.countDown();
    if (closing || !config.exitOnLostLease()) {
      return;
    }
    fatal.complete(
        "lost the leader Lease "
            + config.leaseName()
            + "; exiting so that no two replicas reconcile");
  }

  /** The instance monitor and failover, unless the configuration turns them off. */
  private Optional<FailoverStep> failoverStep(KubernetesEvents events) {
    if (!config.instanceMonitor()) {
      return Optional.empty();
    }
    // probes of all shards share these threads. A round waits at most its deadline for a probe; a
    // probe of a frozen instance keeps its thread until the socket timeout (about 2 s), so the pool
    // grows with frozen instances instead of starving the probes of healthy shards
    probes = Executors.newCachedThreadPool(daemon("pgshard-probe"));
    rounds = Executors.newScheduledThreadPool(ROUND_THREADS, daemon("pgshard-probe-round"));
    InstanceEventSource monitor =
        new InstanceEventSource(rounds, clock, new InstanceMetrics(registry));
    return Optional.of(
        new FailoverStep(client, monitor, probes, events, registry, clock, pauseLocks));
  }

  /** Schema and partition maintenance need PostgreSQL as failover does: on with the monitor. */
  private Optional<MaintenanceStep> maintenanceStep(KubernetesEvents events) {
    if (!config.instanceMonitor()) {
      return Optional.empty();
    }
    maintenance = Executors.newFixedThreadPool(MAINTENANCE_THREADS, daemon("pgshard-maintenance"));
    return Optional.of(new MaintenanceStep(client, maintenance, events, registry, clock));
  }

  /**
   * Base backups are started and followed over SQL, as maintenance runs: on with the monitor. A
   * backup's thread mostly waits (a backup can take hours): one per running backup.
   */
  private Optional<BackupStep> backupStep(KubernetesEvents events) {
    if (!config.instanceMonitor()) {
      return Optional.empty();
    }
    backups = Executors.newCachedThreadPool(daemon("pgshard-backup"));
    return Optional.of(
        new BackupStep(client, backups, events, clock, new BackupMetrics(registry, clock)));
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private <R extends io.fabric8.kubernetes.api.model.HasMetadata> void namespaces(
      ControllerConfigurationOverrider<R> overrider) {
    if (config.watchNamespaces().isEmpty()) {
      overrider.watchingAllNamespaces();
    } else {
      overrider.settingNamespaces(config.watchNamespaces());
    }
  }

  private void awaitElectorStopped() {
    try {
      if (!electorStopped.await(ELECTOR_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("the leader elector did not stop within {}; releasing anyway", ELECTOR_STOP_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public Operator operator() {
    return operator;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public int httpPort() {
    return http.port();
  }

  /** Idempotent: the shutdown hook and a failed start may both call it. */
  @Override
  public synchronized void close() {
    if (closing) {
      return;
    }
    closing = true;
    if (operator != null) {
      operator.stop();
      if (config.leaderElection() && leading) {
        // Reconciling has stopped: hand the Lease over now instead of letting it expire. Only once
        // the elector has stopped: a renewal still in flight would take the released Lease back
        // (an empty holder is free to anyone), and the follower would wait out its duration.
        awaitElectorStopped();
        LeaseRelease.release(client, config.leaseNamespace(), config.leaseName(), identity);
      }
    }
    if (http != null) {
      http.close();
    }
    if (rounds != null) {
      rounds.shutdownNow();
    }
    if (maintenance != null) {
      maintenance.shutdownNow();
    }
    if (backups != null) {
      backups.shutdownNow();
    }
    if (probes != null) {
      probes.shutdownNow();
    }
  }

  /**
   * The client's HTTP logger prints request and response bodies at TRACE, Secrets among them: it
   * never logs below DEBUG, whatever level is asked for.
   */
  static final String HTTP_BODY_LOGGER = "io.fabric8.kubernetes.client.http";

  static void setRootLogLevel(String level) {
    org.slf4j.Logger root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (root instanceof ch.qos.logback.classic.Logger logback) {
      Level wanted = Level.toLevel(level, Level.INFO);
      logback.setLevel(wanted);
      if (LoggerFactory.getLogger(HTTP_BODY_LOGGER) instanceof ch.qos.logback.classic.Logger http) {
        http.setLevel(wanted.isGreaterOrEqual(Level.DEBUG) ? null : Level.DEBUG);
      }
    }
  }
}
