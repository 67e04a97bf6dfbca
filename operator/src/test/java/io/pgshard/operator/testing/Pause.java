package io.pgshard.operator.testing;

/** A polling loop's wait between looks; an interrupt ends it and stays set for the loop to see. */
public final class Pause {

  private Pause() {}

  public static void millis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
