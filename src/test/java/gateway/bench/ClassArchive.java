package gateway.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * A class-data archive a start-up scenario launches with, made first by a training run of the same command line
 * (same JVM, same jar path); the JVM writes the archive as it exits. The training run is either the scenario's own
 * launch, waited for until ready and stopped with SIGTERM, or the Dockerfile's ({@code docker/cds-training.sh}: the
 * prod jar against the full jar's local stand-ins, stopped by Camel a few seconds after it started).
 *
 * <ul>
 *   <li>AppCDS, Java 17: a dynamic archive on top of the JDK's default CDS archive of the classes loaded during
 *       the run ({@code -XX:ArchiveClassesAtExit}, then {@code -XX:SharedArchiveFile}): parsed, verified
 *       classes mapped from the file instead of read from the jar.</li>
 *   <li>AOT cache, Java 25 (JEP 483, one-step training by JEP 514): {@code -XX:AOTCacheOutput} records the run and,
 *       at exit, assembles the cache in a second JVM; {@code -XX:AOTCache} uses it. Besides AppCDS's loaded
 *       classes it holds them linked, and (JEP 515, on by default with these options) the training run's method
 *       profiles, so the JIT starts from them.</li>
 * </ul>
 *
 * @param kind      what it is, for the report
 * @param file      the archive, under the benchmark's output
 * @param run       which training run makes it
 * @param training  the JVM options of the training run
 * @param use       the JVM options of a run that uses it
 */
record ClassArchive(String kind, Path file, TrainingRun run, List<String> training, List<String> use) {

    /** How the archive's training run goes. */
    enum TrainingRun {
        /** the scenario's own launch, until ready, then SIGTERM */
        UNTIL_READY,
        /** as the Dockerfile trains at image build (docker/cds-training.sh): the prod jar against the local stand-ins */
        IMAGE_BUILD
    }

    static ClassArchive appCds(Path file, TrainingRun run) {
        return new ClassArchive(run == TrainingRun.IMAGE_BUILD ? "AppCDS, trained as the image build does" : "AppCDS",
                file, run, List.of("-XX:ArchiveClassesAtExit=" + file), List.of("-XX:SharedArchiveFile=" + file));
    }

    static ClassArchive aotCache(Path file) {
        return new ClassArchive("AOT cache", file, TrainingRun.UNTIL_READY,
                List.of("-XX:AOTCacheOutput=" + file), List.of("-XX:AOTCache=" + file));
    }
}
