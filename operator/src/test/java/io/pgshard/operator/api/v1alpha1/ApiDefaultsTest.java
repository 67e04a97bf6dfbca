package io.pgshard.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.generator.annotation.Default;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Defaults exist twice: in the CRD schema (the API server fills them in) and as Java field
 * initializers (for objects whose parent was absent from the manifest). They must agree.
 */
class ApiDefaultsTest {

  static final List<Class<?>> TYPES =
      List.of(
          ShardTemplateSpec.class,
          ShardedClusterSpec.class,
          PostgresShardSpec.class,
          PostgresSpec.class,
          StorageSpec.class,
          DatabaseSpec.class,
          SchemaSpec.class,
          ConfigMapKeyRef.class,
          ReplicationSpec.class,
          FailoverSpec.class,
          PoolerSpec.class,
          PartitionSpec.class,
          DisruptionBudgetSpec.class,
          SecretNames.class);

  @Test
  void everySchemaDefaultEqualsTheJavaDefault() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> mismatches = new ArrayList<>();
    for (Class<?> type : TYPES) {
      Object instance = type.getDeclaredConstructor().newInstance();
      Map<?, ?> asJson = json.convertValue(instance, Map.class);
      for (Field field : type.getDeclaredFields()) {
        Default annotation = field.getAnnotation(Default.class);
        if (annotation == null) {
          continue;
        }
        String javaValue = String.valueOf(asJson.get(field.getName()));
        if (!annotation.value().equals(javaValue)) {
          mismatches.add(
              type.getSimpleName()
                  + "."
                  + field.getName()
                  + ": schema "
                  + annotation.value()
                  + ", Java "
                  + javaValue);
        }
      }
    }
    assertThat(mismatches).isEmpty();
  }

  @Test
  void everyApiFieldIsDescribedForKubectlExplain() {
    List<String> undescribed = new ArrayList<>();
    for (Class<?> type : TYPES) {
      for (Field field : type.getDeclaredFields()) {
        if (!java.lang.reflect.Modifier.isStatic(field.getModifiers())
            && field.getAnnotation(JsonPropertyDescription.class) == null) {
          undescribed.add(type.getSimpleName() + "." + field.getName());
        }
      }
    }
    assertThat(undescribed).isEmpty();
  }
}
