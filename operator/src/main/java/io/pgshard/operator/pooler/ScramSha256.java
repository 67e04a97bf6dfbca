package io.pgshard.operator.pooler;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL and PgBouncer speak it:
 * without channel binding, the user name taken from the startup message. One instance per
 * authentication exchange. The password is used as given (no SASLprep): the operator generates
 * ASCII passwords.
 */
final class ScramSha256 {

  static final String MECHANISM = "SCRAM-SHA-256";
  private static final String GS2_HEADER = "n,,";

  private final String password;
  private final String clientNonce;
  private boolean verified;
  private String clientFirstBare;
  private byte[] expectedServerSignature;

  ScramSha256(String password) {
    this(password, randomNonce());
  }

  /** With a fixed nonce: for the RFC test vector only. */
  ScramSha256(String password, String clientNonce) {
    this.password = password;
    this.clientNonce = clientNonce;
  }

  /** {@code user} is empty for PostgreSQL and PgBouncer (the startup message names it). */
  String clientFirst(String user) {
    clientFirstBare = "n=" + user + ",r=" + clientNonce;
    return GS2_HEADER + clientFirstBare;
  }

  String clientFinal(String serverFirst) {
    Map<String, String> fields = fields(serverFirst);
    String nonce = fields.get("r");
    if (nonce == null || !nonce.startsWith(clientNonce)) {
      throw new IllegalStateException("SCRAM server nonce does not extend the client nonce");
    }
    byte[] salt = Base64.getDecoder().decode(fields.get("s"));
    int iterations = Integer.parseInt(fields.get("i"));
    String withoutProof =
        "c="
            + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.US_ASCII))
            + ",r="
            + nonce;
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] salted = hi(password.getBytes(StandardCharsets.UTF_8), salt, iterations);
    byte[] clientKey = hmac(salted, "Client Key");
    byte[] storedKey = sha256(clientKey);
    byte[] signature = hmac(storedKey, authMessage);
    byte[] proof = new byte[clientKey.length];
    for (int i = 0; i < proof.length; i++) {
      proof[i] = (byte) (clientKey[i] ^ signature[i]);
    }
    expectedServerSignature = hmac(hmac(salted, "Server Key"), authMessage);
    return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
  }

  /** Checks the server's proof that it knows the password too. */
  void verifyServerFinal(String serverFinal) {
    Map<String, String> fields = fields(serverFinal);
    if (fields.containsKey("e")) {
      throw new IllegalStateException("SCRAM authentication failed: " + fields.get("e"));
    }
    byte[] signature = Base64.getDecoder().decode(fields.getOrDefault("v", ""));
    if (expectedServerSignature == null
        || !MessageDigest.isEqual(signature, expectedServerSignature)) {
      throw new IllegalStateException("SCRAM server signature does not match");
    }
    verified = true;
  }

  /** Whether the server proved it knows the password (its final message was checked). */
  boolean verified() {
    return verified;
  }

  private static Map<String, String> fields(String message) {
    Map<String, String> fields = new HashMap<>();
    for (String part : message.split(",")) {
      int eq = part.indexOf('=');
      if (eq == 1) {
        fields.put(part.substring(0, 1), part.substring(2));
      }
    }
    return fields;
  }

  /** Hi() of RFC 5802: PBKDF2 with HMAC-SHA-256, one block. */
  private static byte[] hi(byte[] password, byte[] salt, int iterations) {
    byte[] first = new byte[salt.length + 4];
    System.arraycopy(salt, 0, first, 0, salt.length);
    first[first.length - 1] = 1;
    byte[] u = hmac(password, first);
    byte[] result = u.clone();
    for (int i = 1; i < iterations; i++) {
      u = hmac(password, u);
      for (int j = 0; j < result.length; j++) {
        result[j] ^= u[j];
      }
    }
    return result;
  }

  private static byte[] hmac(byte[] key, String message) {
    return hmac(key, message.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String randomNonce() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
