package gateway.testing;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the app did outside its OpenAPI documents ({@link ApiContract}). An answer a test receives fails that call at
 * once ({@link #check}); a webhook a test receiver gets arrives on the receiver's thread, so it is recorded
 * ({@link #record}) and fails the test that is running, after it ends: this extension is registered for every test
 * (JUnit's extension auto-detection, {@code junit-platform.properties}). At the end of the run it has
 * {@link ContractCoverage} write what the tests saw.
 */
public final class ContractViolations implements BeforeAllCallback, AfterEachCallback {

    private static final List<String> RECORDED = new ArrayList<>();

    /** Throws when there are problems (the calling test fails where it sent the request). */
    static void check(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new AssertionError("The answer is not what the OpenAPI document says:\n  " + String.join("\n  ", problems));
        }
    }

    /** Keeps problems found off the test's thread, for {@link #afterEach}. */
    static void record(List<String> problems) {
        if (!problems.isEmpty()) {
            synchronized (RECORDED) {
                RECORDED.addAll(problems);
            }
        }
    }

    /** Once per run: the coverage report ({@link ContractCoverage}) is written when the run's root context closes. */
    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(ContractCoverage.class,
                k -> (ExtensionContext.Store.CloseableResource) ContractCoverage::write);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> problems;
        synchronized (RECORDED) {
            problems = new ArrayList<>(RECORDED);
            RECORDED.clear();
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("A webhook the test receiver got is not what the OpenAPI document says:\n  "
                    + String.join("\n  ", problems));
        }
    }
}
