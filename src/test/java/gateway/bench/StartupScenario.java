package gateway.bench;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One way of launching in the start-up benchmark: which app, on which {@code java}, with which archive.
 *
 * @param name       as in the report and {@code bench.startup.scenarios}
 * @param app        what is launched
 * @param java       the {@code java} executable
 * @param javaLabel  its feature version, for the report
 * @param archive    the class-data archive it starts with, or null
 * @param comparedTo the scenario it is the same as but for the archive, or null
 */
record StartupScenario(String name, App app, String java, String javaLabel, ClassArchive archive, String comparedTo) {

    /**
     * What a scenario launches: the baseline app (on the prod jar's classpath), the full jar in its local profile,
     * or the prod jar in its prod profile.
     */
    enum App { BARE, LOCAL, PROD }

    /**
     * The scenario called {@code name}: {@code bare}, {@code local}, {@code prod}, {@code prod+cds} and
     * {@code prod+cds-image} on the tests' Java (17), {@code prod-jdk25} and {@code prod-jdk25+aot} on
     * {@code jdk25Java}; null when that is not there.
     */
    static StartupScenario named(String name, Path archives, String jdk25Java) {
        String java = GatewayProcess.java();
        String version = Integer.toString(Runtime.version().feature());
        return switch (name) {
            case "bare" -> new StartupScenario(name, App.BARE, java, version, null, null);
            case "local" -> new StartupScenario(name, App.LOCAL, java, version, null, null);
            case "prod" -> new StartupScenario(name, App.PROD, java, version, null, null);
            case "prod+cds" -> new StartupScenario(name, App.PROD, java, version,
                    ClassArchive.appCds(archives.resolve("gateway-prod.jsa"), ClassArchive.TrainingRun.UNTIL_READY), "prod");
            case "prod+cds-image" -> new StartupScenario(name, App.PROD, java, version,
                    ClassArchive.appCds(archives.resolve("gateway-image.jsa"), ClassArchive.TrainingRun.IMAGE_BUILD), "prod");
            case "prod-jdk25" -> jdk25Java == null ? null
                    : new StartupScenario(name, App.PROD, jdk25Java, "25", null, null);
            case "prod-jdk25+aot" -> jdk25Java == null ? null
                    : new StartupScenario(name, App.PROD, jdk25Java, "25",
                            ClassArchive.aotCache(archives.resolve("gateway-prod.aot")), "prod-jdk25");
            default -> throw new IllegalArgumentException("unknown start-up scenario " + name
                    + " (bench.startup.scenarios takes " + StartupSettings.DEFAULT_SCENARIOS + ")");
        };
    }

    /**
     * The command line: {@code java <heap> <extra options> <archive options> -jar <jar>}, or for the baseline
     * {@code -cp <jar>:<test classes> gateway.bench.StartupBaselineApp}; {@code training} takes the archive's
     * training options instead of those that use it.
     */
    List<String> command(Path jar, Path baselineClasses, String heap, List<String> jvmArgs, boolean training) {
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap));
        command.addAll(jvmArgs);
        if (archive != null) {
            command.addAll(training ? archive.training() : archive.use());
        }
        if (app == App.BARE) {
            command.addAll(List.of("-cp", jar.toAbsolutePath() + File.pathSeparator + baselineClasses.toAbsolutePath(),
                    StartupBaselineApp.class.getName()));
        } else {
            command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        }
        return command;
    }
}
