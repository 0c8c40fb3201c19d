package ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the app itself says about its settings, read from its sources rather than restated in the
 * ops tests: the environment variables it reads ({{env:NAME:default}} in application*.properties,
 * ${env:NAME:-default} in log4j2.xml) and their defaults.
 */
public final class AppSettings {

    /**
     * Variables the JVM or Camel Main read directly, not through a placeholder. (JAVA_OPTS is not one: the image's
     * entrypoint is exec-form java, and no start script reads it.)
     */
    static final Set<String> FIXED_NAMES = Set.of("CAMEL_MAIN_PROFILE", "JAVA_TOOL_OPTIONS",
            // read by the OpenTelemetry SDK's autoconfiguration itself when tracing is on (docs/tracing.md)
            "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_RESOURCE_ATTRIBUTES");

    private static final Pattern PROPERTY_ENV = Pattern.compile("\\{\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}}");
    private static final Pattern LOG4J_ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)");

    static final Path ROOT = projectRoot();
    static final Path RESOURCES = ROOT.resolve("src/main/resources");
    static final Path LOCAL_RESOURCES = ROOT.resolve("src/local/resources");

    private AppSettings() {
    }

    /** Every environment variable name the app reads. */
    static Set<String> envNames() {
        Set<String> names = new TreeSet<>(FIXED_NAMES);
        for (Path file : propertyFiles()) {
            Matcher m = PROPERTY_ENV.matcher(withoutComments(read(file)));
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        Path log4j = RESOURCES.resolve("log4j2.xml");
        if (Files.exists(log4j)) {
            Matcher m = LOG4J_ENV.matcher(read(log4j));
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** The default application.properties gives NAME, if it reads NAME with a default. */
    static Optional<String> defaultOf(String name) {
        return defaultIn(RESOURCES.resolve("application.properties"), name);
    }

    /** The default the given properties file gives NAME, if it reads NAME with a default. */
    static Optional<String> defaultIn(Path file, String name) {
        Matcher m = PROPERTY_ENV.matcher(withoutComments(read(file)));
        while (m.find()) {
            if (m.group(1).equals(name) && m.group(2) != null) {
                return Optional.of(m.group(2).trim());
            }
        }
        return Optional.empty();
    }

    public static String requiredDefault(String name) {
        return defaultOf(name).orElseThrow(() -> new AssertionError(
                "application.properties has no {{env:" + name + ":default}} placeholder"));
    }

    /** The profiles' property files: src/main/resources and the local profile's in src/local/resources. */
    static List<Path> propertyFiles() {
        List<Path> all = new java.util.ArrayList<>();
        for (Path dir : List.of(RESOURCES, LOCAL_RESOURCES)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> p.getFileName().toString().matches("application(-[\\w.-]+)?\\.properties"))
                        .forEach(all::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        all.sort(java.util.Comparator.comparing(p -> p.getFileName().toString()));
        return all;
    }

    /** Properties comments (lines starting with # or !) may show placeholders as examples. */
    static String withoutComments(String properties) {
        return properties.lines().filter(l -> !l.stripLeading().startsWith("#") && !l.stripLeading().startsWith("!"))
                .reduce("", (a, b) -> a + b + "\n");
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no pom.xml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
