package ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The project's documentation pages, for the tests that read them: README.md, every docs/*.md, k8s/README.md. */
final class DocPages {

    private DocPages() {
    }

    static List<Path> all() {
        List<Path> pages = new ArrayList<>();
        pages.add(AppSettings.ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(AppSettings.ROOT.resolve("docs"))) {
            docs.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pages.add(AppSettings.ROOT.resolve("k8s/README.md"));
        return pages;
    }

    /** The path from the project's root, with forward slashes, as messages name it. */
    static String name(Path page) {
        return AppSettings.ROOT.relativize(page).toString().replace('\\', '/');
    }
}
