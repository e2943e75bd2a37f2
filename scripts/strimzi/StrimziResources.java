// Parses Strimzi resources (Kafka, KafkaNodePool, KafkaTopic) with Strimzi's own Java API model (io.strimzi:api) and
// refuses what the operator would not understand: an unknown kind or apiVersion, a value of the wrong type, and any
// field the model does not know (the model keeps those aside in `additionalProperties`; here each one is an error).
// Prints one line per resource; exits 1 when any is refused. Run with the jars of scripts/config/strimzi-api.pom.xml:
//   java -cp 'LIBS/*' scripts/strimzi/StrimziResources.java k8s/kafka/*.yaml
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.File;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

public class StrimziResources {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private static final Map<String, Class<?>> KINDS =
      Map.of("Kafka", Kafka.class, "KafkaNodePool", KafkaNodePool.class, "KafkaTopic", KafkaTopic.class);
  private static final Map<String, List<String>> VERSIONS =
      Map.of("Kafka", Kafka.VERSIONS, "KafkaNodePool", KafkaNodePool.VERSIONS, "KafkaTopic", KafkaTopic.VERSIONS);

  public static void main(String[] args) throws Exception {
    int refused = 0;
    for (String file : args) {
      var parser = new YAMLFactory().createParser(new File(file));
      List<JsonNode> documents = MAPPER.readValues(parser, JsonNode.class).readAll();
      for (JsonNode document : documents) {
        if (document == null || document.isNull() || document.isEmpty()) continue;
        String kind = document.path("kind").asText();
        String name = document.path("metadata").path("name").asText();
        List<String> problems = check(document, kind);
        if (problems.isEmpty()) {
          System.out.printf("valid    %s %s/%s%n", file, kind, name);
        } else {
          refused++;
          for (String problem : problems) System.out.printf("refused  %s %s/%s: %s%n", file, kind, name, problem);
        }
      }
    }
    System.exit(refused == 0 ? 0 : 1);
  }

  static List<String> check(JsonNode document, String kind) {
    List<String> problems = new ArrayList<>();
    Class<?> type = KINDS.get(kind);
    if (type == null) {
      problems.add("kind " + kind + " is not one of " + KINDS.keySet());
      return problems;
    }
    String apiVersion = document.path("apiVersion").asText();
    String group = "kafka.strimzi.io/";
    if (!apiVersion.startsWith(group) || !VERSIONS.get(kind).contains(apiVersion.substring(group.length()))) {
      problems.add("apiVersion " + apiVersion + " is not served for " + kind + " (" + VERSIONS.get(kind) + ")");
    }
    Object resource;
    try {
      resource = MAPPER.treeToValue(document, type);
    } catch (Exception e) {
      problems.add(e.getMessage().split("\n")[0]);
      return problems;
    }
    unknownFields(resource, "", problems, new IdentityHashMap<>());
    return problems;
  }

  /** Walks the parsed model: every field the model kept aside as unknown is a problem, named by its path. */
  static void unknownFields(Object value, String path, List<String> problems, IdentityHashMap<Object, Boolean> seen) {
    if (value == null || seen.containsKey(value)) return;
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) unknownFields(item, path + "[" + i++ + "]", problems, seen);
      return;
    }
    if (value instanceof Map<?, ?> map) {
      for (var entry : map.entrySet()) unknownFields(entry.getValue(), path + "." + entry.getKey(), problems, seen);
      return;
    }
    String pkg = value.getClass().getPackageName();
    if (!pkg.startsWith("io.strimzi") && !pkg.startsWith("io.fabric8")) return;
    seen.put(value, true);
    try {
      Method getter = value.getClass().getMethod("getAdditionalProperties");
      Object extra = getter.invoke(value);
      if (extra instanceof Map<?, ?> map) {
        for (Object key : map.keySet()) problems.add("unknown field " + (path.isEmpty() ? "" : path + ".") + key);
      }
    } catch (NoSuchMethodException e) {
      // a model class without a place for unknown fields: Jackson already refused them when parsing
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    var description = MAPPER.getSerializationConfig().introspect(MAPPER.constructType(value.getClass()));
    for (BeanPropertyDefinition property : description.findProperties()) {
      if (property.getAccessor() == null || property.getName().equals("additionalProperties")) continue;
      Object child;
      try {
        child = property.getAccessor().getValue(value);
      } catch (Exception e) {
        continue;
      }
      unknownFields(child, (path.isEmpty() ? "" : path + ".") + property.getName(), problems, seen);
    }
  }
}
