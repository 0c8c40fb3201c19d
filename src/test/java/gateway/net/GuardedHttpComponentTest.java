package gateway.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guarded http and https components against real servers on 127.0.0.1: with the guard on, a POST to any
 * spelling of loopback fails with {@link BlockedAddressException} and the server sees no connection; with
 * 127.0.0.1/32 allowed (or private targets allowed) the same POSTs arrive, over TLS too.
 */
class GuardedHttpComponentTest {

    static final List<String> LOOPBACK_IPV4_SPELLINGS = List.of("localhost", "127.0.0.1", "2130706433", "[::ffff:127.0.0.1]");

    HttpServer server;
    int port;
    final AtomicInteger requests = new AtomicInteger();
    CamelContext camel;
    ProducerTemplate template;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (camel != null) {
            camel.stop();
        }
        server.stop(0);
    }

    void startCamel(AddressGuard guard) {
        startCamel(guard, null);
    }

    void startCamel(AddressGuard guard, SSLContextParameters tls) {
        camel = new DefaultCamelContext();
        for (String scheme : new String[] {"http", "https"}) {
            GuardedHttpComponent component = new GuardedHttpComponent(guard);
            component.setAutomaticRetriesDisabled(true);
            component.setConnectTimeout(5000);
            component.setResponseTimeout(5000);
            if (tls != null) {
                component.setSslContextParameters(tls);
            }
            camel.addComponent(scheme, component);
        }
        camel.start();
        template = camel.createProducerTemplate();
    }

    Exchange post(String url) {
        return template.request(url + "?throwExceptionOnFailure=true&followRedirects=false",
                e -> e.getMessage().setBody("{\"hello\":\"receiver\"}"));
    }

    static BlockedAddressException blocked(Exchange exchange) {
        for (Throwable t = exchange.getException(); t != null; t = t.getCause()) {
            if (t instanceof BlockedAddressException b) {
                return b;
            }
        }
        throw new AssertionError("no BlockedAddressException in the cause chain of " + exchange.getException(),
                exchange.getException());
    }

    @ParameterizedTest(name = "http://{0}:<port>/")
    @ValueSource(strings = {"localhost", "127.0.0.1", "2130706433", "[::ffff:127.0.0.1]", "[::1]"})
    void theGuardRefusesEverySpellingOfLoopbackBeforeAnyConnection(String host) {
        startCamel(AddressGuard.of(false, ""));
        Exchange done = post("http://" + host + ":" + port + "/hook");
        BlockedAddressException blocked = blocked(done);
        assertThat(blocked).hasMessageStartingWith("blocked_address: ")
                .hasMessageContaining("is loopback")
                .hasMessageEndingWith("(set WEBHOOK_ALLOW_PRIVATE_TARGETS or WEBHOOK_ALLOWED_CIDRS to allow it)");
        assertThat(blocked.address().isLoopbackAddress()).isTrue();
        assertThat(done.getException()).as("passed through HttpClient unchanged").isInstanceOf(BlockedAddressException.class);
        assertThat(requests).as("the receiver saw no request").hasValue(0);
    }

    @Test
    void theMessageNamesTheHostAsTheUrlSpelledItBesideTheAddress() {
        startCamel(AddressGuard.of(false, ""));
        assertThat(blocked(post("http://localhost:" + port + "/")))
                .hasMessageStartingWith("blocked_address: localhost (127.0.0.1) is loopback (127.0.0.0/8)");
        assertThat(blocked(post("http://2130706433:" + port + "/")))
                .hasMessageStartingWith("blocked_address: 127.0.0.1 is loopback (127.0.0.0/8)");
    }

    @Test
    void anAllowedCidrLetsEverySpellingOfThatAddressThroughAndNoOther() {
        startCamel(AddressGuard.of(false, "127.0.0.1/32"));
        for (String host : LOOPBACK_IPV4_SPELLINGS) {
            Exchange done = post("http://" + host + ":" + port + "/hook");
            assertThat(done.getException()).as(host).isNull();
            assertThat(done.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).as(host).isEqualTo(204);
        }
        assertThat(requests).hasValue(LOOPBACK_IPV4_SPELLINGS.size());
        assertThat(blocked(post("http://[::1]:" + port + "/hook")))
                .as("::1 is not 127.0.0.1/32").hasMessageContaining("is loopback (::1)");
        assertThat(requests).hasValue(LOOPBACK_IPV4_SPELLINGS.size());
    }

    @Test
    void allowingPrivateTargetsLetsLoopbackThrough() {
        startCamel(AddressGuard.of(true, ""));
        for (String host : LOOPBACK_IPV4_SPELLINGS) {
            assertThat(post("http://" + host + ":" + port + "/").getException()).as(host).isNull();
        }
        assertThat(requests).hasValue(LOOPBACK_IPV4_SPELLINGS.size());
    }

    /** A listener that only counts the TCP connections it accepts (and closes them): no TLS, no HTTP. */
    static final class ConnectionCounter implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger accepted = new AtomicInteger();
        final Thread acceptor;

        ConnectionCounter() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        accepted.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "connection-counter");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void anHttpsUrlToLoopbackIsRefusedBeforeAnyTlsHandshake() throws Exception {
        startCamel(AddressGuard.of(false, ""));
        try (ConnectionCounter listener = new ConnectionCounter()) {
            for (String host : List.of("127.0.0.1", "localhost", "[::ffff:127.0.0.1]")) {
                Exchange done = post("https://" + host + ":" + listener.port() + "/hook");
                assertThat(blocked(done)).as(host).hasMessageContaining("is loopback (127.0.0.0/8)");
            }
            assertThat(listener.accepted).as("no connection was ever opened to the listener").hasValue(0);

            // the control: with 127.0.0.1 allowed the same URL does connect (and its handshake fails: nothing speaks TLS)
            camel.stop();
            startCamel(AddressGuard.of(false, "127.0.0.1/32"));
            Exchange allowed = post("https://127.0.0.1:" + listener.port() + "/hook");
            assertThat(allowed.getException()).isInstanceOf(IOException.class).isNotInstanceOf(BlockedAddressException.class);
            assertThat(listener.accepted).hasValue(1);
        }
    }

    @Test
    void tlsIsLayeredOverTheGuardedSocketAsBefore(@TempDir Path dir) throws Exception {
        Path keystore = selfSignedKeystore(dir);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls(keystore)));
        AtomicInteger tlsRequests = new AtomicInteger();
        https.createContext("/", exchange -> {
            tlsRequests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        https.start();
        try {
            KeyStoreParameters trusted = new KeyStoreParameters();
            trusted.setResource("file:" + keystore);
            trusted.setPassword(PASSWORD);
            trusted.setType("PKCS12");
            TrustManagersParameters trust = new TrustManagersParameters();
            trust.setKeyStore(trusted);
            SSLContextParameters tls = new SSLContextParameters();
            tls.setTrustManagers(trust);
            startCamel(AddressGuard.of(false, "127.0.0.1/32"), tls);
            int httpsPort = https.getAddress().getPort();

            Exchange done = post("https://127.0.0.1:" + httpsPort + "/hook");
            assertThat(done.getException()).isNull();
            assertThat(done.getMessage().getBody(String.class)).isEqualTo("ok");
            // the certificate names 127.0.0.1 and localhost only: hostname verification still runs on the layered socket
            assertThat(post("https://localhost:" + httpsPort + "/hook").getException()).isNull();
            assertThat(tlsRequests).hasValue(2);
            Exchange wrongName = post("https://2130706433:" + httpsPort + "/hook");
            assertThat(wrongName.getException()).as("the certificate does not name 2130706433")
                    .isInstanceOf(javax.net.ssl.SSLException.class);
            assertThat(tlsRequests).hasValue(2);
        } finally {
            https.stop(0);
        }
    }

    static final String PASSWORD = "changeit";

    /** A self-signed certificate for 127.0.0.1 and localhost, made by the JDK's keytool. */
    static Path selfSignedKeystore(Path dir) throws Exception {
        Path keystore = dir.resolve("receiver.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "receiver", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-keypass", PASSWORD).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(out, StandardCharsets.UTF_8)).isZero();
        assertThat(Files.exists(keystore)).isTrue();
        return keystore;
    }

    static SSLContext serverTls(Path keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }
}
