package routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import gateway.local.LocalReceiver;
import gateway.testing.GatewayTestApp;
import gateway.testing.ScriptedReceiver;

/**
 * The gateway as the route tests of callers start it: a receiver per name (each on a loopback port of its own, none
 * checking signatures: a test checks each with the secret that receiver should see), then a callers file written from
 * them (their URLs and ports) and the app reading it with the test's settings. {@link #reset()} before each test,
 * {@link #close()} after the class.
 */
final class CallersTestbed implements AutoCloseable {

    private final Map<String, ScriptedReceiver> receivers = new LinkedHashMap<>();
    private Path callersFile;
    private GatewayTestApp app;

    private CallersTestbed() {
    }

    /** The receivers started, by the names the test gives them; the app is started next ({@link #start}). */
    static CallersTestbed withReceivers(String... names) {
        CallersTestbed bed = new CallersTestbed();
        for (String name : names) {
            bed.receivers.put(name, ScriptedReceiver.startOnRandomPort(null));
        }
        return bed;
    }

    /** The app, reading a callers file of this YAML, with the test's overrides ({@code gateway.callers.file} added). */
    CallersTestbed start(String callers, Map<String, String> settings) throws Exception {
        try {
            callersFile = Files.createTempFile("callers", ".yaml");
            Files.writeString(callersFile, callers);
            Map<String, String> all = new HashMap<>(settings);
            all.put("gateway.callers.file", callersFile.toString());
            app = GatewayTestApp.start(all);
            return this;
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    ScriptedReceiver receiver(String name) {
        return receivers.get(name);
    }

    GatewayTestApp app() {
        return app;
    }

    Path callersFile() {
        return callersFile;
    }

    /** Every receiver up, with nothing kept and answering 200; the deliveries DLQ empty. */
    void reset() {
        for (ScriptedReceiver receiver : receivers.values()) {
            receiver.start();
            receiver.clear();
            receiver.respondByDefault(LocalReceiver.Response.status(200));
        }
        app.drain(app.dlq("deliveries"));
    }

    @Override
    public void close() throws Exception {
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            receivers.values().forEach(LocalReceiver::close);
            if (callersFile != null) {
                Files.deleteIfExists(callersFile);
            }
        }
    }
}
