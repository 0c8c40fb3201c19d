package gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which documented answers and webhooks the tests have seen, and how often: every response and webhook that
 * {@link ApiContract} checked, by document, operation and status. At the end of a surefire run (the property
 * {@code openapi.coverage.file}, set in the pom) it is written out with the documented ones no test saw, so a
 * document's promise that no traffic backs shows.
 */
final class ContractCoverage {

    private static final Map<String, LongAdder> SEEN = new ConcurrentHashMap<>();

    private ContractCoverage() {
    }

    static void seen(String document, String what) {
        SEEN.computeIfAbsent(document + "  " + what, k -> new LongAdder()).increment();
    }

    /** Writes the report where {@code openapi.coverage.file} says (nothing when it is not set). */
    static void write() {
        String file = System.getProperty("openapi.coverage.file");
        if (file == null || SEEN.isEmpty()) {
            return;
        }
        List<String> lines = new ArrayList<>();
        List<String> unseen = new ArrayList<>();
        lines.add("# Answers and webhooks the tests got, checked against the OpenAPI documents (count, document, what)");
        for (ApiContract contract : List.of(ApiContract.gateway(), ApiContract.admin())) {
            for (String what : documented(contract)) {
                LongAdder count = SEEN.get(contract.name() + "  " + what);
                if (count == null) {
                    unseen.add(contract.name() + "  " + what);
                } else {
                    lines.add(String.format("%6d  %s  %s", count.sum(), contract.name(), what));
                }
            }
        }
        lines.add("");
        lines.add("# Documented, seen by no test (" + unseen.size() + ")");
        unseen.forEach(u -> lines.add("     -  " + u));
        try {
            Path path = Path.of(file);
            Files.createDirectories(path.getParent());
            Files.write(path, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every operation's every status, and every webhook, of a document, as {@link ApiContract} names them. */
    private static List<String> documented(ApiContract contract) {
        List<String> all = new ArrayList<>();
        JsonNode paths = contract.document().path("paths");
        for (Iterator<String> p = paths.fieldNames(); p.hasNext();) {
            String path = p.next();
            for (Iterator<Map.Entry<String, JsonNode>> o = paths.get(path).fields(); o.hasNext();) {
                Map.Entry<String, JsonNode> operation = o.next();
                if (ApiContract.METHODS.contains(operation.getKey())) {
                    operation.getValue().path("responses").fieldNames().forEachRemaining(status ->
                            all.add(ApiContract.answer(operation.getKey(), path, status)));
                }
            }
        }
        contract.document().path("webhooks").fieldNames().forEachRemaining(type -> all.add(ApiContract.webhook(type)));
        return all;
    }
}
