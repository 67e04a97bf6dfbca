package io.pgshard.operator.monitor;

import io.pgshard.operator.failover.Promoter;
import io.pgshard.operator.sql.PromotionStatements;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promotes over a connection of its own (not a probe's): pg_promote waits for the end of recovery,
 * longer than a probe's socket timeout.
 */
public final class JdbcPromoter implements Promoter {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcPromoter.class);

  static final int WAIT_SECONDS = 60;

  private final DirectConnection connections;

  public JdbcPromoter(DirectConnection connections) {
    this.connections = connections;
  }

  @Override
  public void promote(String pod) throws PromotionFailedException {
    try (Connection db = connections.open(pod, WAIT_SECONDS + 30)) {
      PromotionStatements.promote(db, WAIT_SECONDS);
    } catch (SQLException e) {
      throw new PromotionFailedException("promotion of " + pod + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void afterPromotion(String pod) {
    try (Connection db = connections.open(pod, WAIT_SECONDS + 30)) {
      PromotionStatements.checkpoint(db);
    } catch (SQLException e) {
      // a rejoining former primary checkpoints the new one itself before pg_rewind
      LOG.warn("checkpoint after promoting {} failed: {}", pod, e.getMessage());
    }
  }
}
