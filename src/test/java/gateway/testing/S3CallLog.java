package gateway.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * The S3 calls a client makes, by operation name ({@code GetObject}, {@code PutObject}...): add it to a
 * test client with {@code overrideConfiguration(c -> c.addExecutionInterceptor(log))} to count what a
 * piece of code costs in S3 calls.
 */
public class S3CallLog implements ExecutionInterceptor {

    private final List<String[]> calls = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String key = context.request().getValueForField("Key", String.class).orElse("");
        calls.add(new String[] {attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), key});
    }

    public List<String> calls() {
        return calls.stream().map(c -> c[0]).toList();
    }

    /** The calls on an object whose key starts with {@code prefix} (the question index's {@code index/}, say). */
    public List<String> callsUnder(String prefix) {
        return calls.stream().filter(c -> c[1].startsWith(prefix)).map(c -> c[0]).toList();
    }

    /** The calls on anything else (a listing, whose request names no key, among them). */
    public List<String> callsOutside(String prefix) {
        return calls.stream().filter(c -> !c[1].startsWith(prefix)).map(c -> c[0]).toList();
    }

    public void clear() {
        calls.clear();
    }
}
