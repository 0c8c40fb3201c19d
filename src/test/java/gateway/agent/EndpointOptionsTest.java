package gateway.agent;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import gateway.sqs.SqsBatchEndpoint;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.util.TimeUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code @UriEndpoint}/{@code @UriParam} metadata of the two own components, which Camel's tooling lists
 * (camel-package-maven-plugin turns it into the component JSON), says what the endpoints do: every option has
 * a description, every setter is an annotated option, each option binds from the URI under its name, and each
 * default is the one the endpoint starts with.
 */
class EndpointOptionsTest {

    @ParameterizedTest
    @ValueSource(classes = { BedrockAgentEndpoint.class, SqsBatchEndpoint.class })
    void everyOptionIsAnnotatedDescribedBindableAndItsDefaultTrue(Class<? extends Endpoint> type) throws Exception {
        UriEndpoint meta = type.getAnnotation(UriEndpoint.class);
        assertThat(meta).as("@UriEndpoint on %s", type.getSimpleName()).isNotNull();
        assertThat(meta.producerOnly()).isTrue();
        assertThat(meta.headersClass()).isNotEqualTo(Void.class);

        try (CamelContext context = new DefaultCamelContext()) { // not started: the endpoints are only configured
            String base = meta.scheme() + ":path-value";
            Endpoint plain = context.getEndpoint(base);
            Set<String> options = new TreeSet<>();
            for (Field field : type.getDeclaredFields()) {
                UriPath path = field.getAnnotation(UriPath.class);
                UriParam param = field.getAnnotation(UriParam.class);
                if (path != null) {
                    assertThat(path.description()).as("description of the path of %s", type.getSimpleName()).isNotBlank();
                    field.setAccessible(true);
                    assertThat(field.get(plain)).isEqualTo("path-value");
                }
                if (param == null) {
                    continue;
                }
                String name = param.name().isEmpty() ? field.getName() : param.name();
                options.add(name);
                assertThat(param.description()).as("description of %s", name).isNotBlank();
                field.setAccessible(true);
                if (!param.defaultValue().isEmpty()) {
                    assertThat(normalised(field.get(plain), param)).as("default of %s", name).isEqualTo(normalised(param.defaultValue(), param));
                }
                String sample = sample(field.getType(), param);
                if (sample != null) {
                    Endpoint bound = context.getEndpoint(base + "?" + name + "=" + sample);
                    assertThat(normalised(field.get(bound), param)).as("%s bound from the URI", name).isEqualTo(normalised(sample, param));
                }
            }
            List<String> setters = new ArrayList<>();
            for (Method method : type.getDeclaredMethods()) {
                if (Modifier.isPublic(method.getModifiers()) && method.getName().startsWith("set") && method.getParameterCount() == 1) {
                    String property = method.getName().substring(3);
                    setters.add(property.substring(0, 1).toLowerCase(Locale.ROOT) + property.substring(1));
                }
            }
            assertThat(options).as("annotated options of %s", type.getSimpleName()).containsAll(setters);
        }
    }

    /** A value other than the default, for the option types the URI can carry (null: a bean reference). */
    private static String sample(Class<?> type, UriParam param) {
        if (!param.enums().isEmpty()) {
            String[] values = param.enums().split(",");
            return values[values.length - 1];
        }
        if (type == boolean.class) {
            return Boolean.toString(!"true".equals(param.defaultValue()));
        }
        if (param.javaType().equals("java.time.Duration")) {
            return "90s";
        }
        if (type == int.class || type == long.class) {
            return "7";
        }
        return type == String.class ? "sample" : null;
    }

    private static String normalised(Object value, UriParam param) {
        if (param.javaType().equals("java.time.Duration")) {
            return Long.toString(value instanceof Number n ? n.longValue() : TimeUtils.toMilliSeconds(value.toString()));
        }
        return String.valueOf(value);
    }
}
