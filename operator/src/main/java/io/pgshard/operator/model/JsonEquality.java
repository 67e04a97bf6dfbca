package io.pgshard.operator.model;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Whether two API objects (or parts of them) say the same thing. The API classes have no equals;
 * their JSON does, and JSON is what the API server stores.
 */
public final class JsonEquality {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonEquality() {}

  public static boolean same(Object a, Object b) {
    return JSON.valueToTree(a).equals(JSON.valueToTree(b));
  }
}
