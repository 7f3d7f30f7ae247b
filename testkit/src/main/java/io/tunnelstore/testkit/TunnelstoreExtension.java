package io.tunnelstore.testkit;

import io.tunnelstore.client.ClientConfig;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.server.tunnel.TunnelServiceConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension that runs tests against an in-process Tunnelstore (see {@link TunnelstoreHandle}) and
 * injects it and ready clients as parameters.
 *
 * <h3>Two ways to use it</h3>
 * <pre>{@code
 * @TunnelstoreTest                                   // annotation form: one service per class
 * class MyConsumerTest { ... }
 *
 * class MyConsumerTest {                             // builder form, for every option
 *     @RegisterExtension
 *     static final TunnelstoreExtension TS = TunnelstoreExtension.builder()
 *             .lifecycle(TunnelstoreOptions.Lifecycle.PER_METHOD)
 *             .callTimeout(Duration.ofSeconds(2))
 *             .build();
 *
 *     @Test
 *     void survivesDroppedConnections(TunnelstoreHandle ts, TunnelClient tunnels) { ... }
 * }
 * }</pre>
 *
 * <h3>Parameters</h3>
 * {@link TunnelstoreHandle}, {@link TableClient} and {@link TunnelClient} (the handle's shared clients, through
 * the fault proxy), {@link ClientConfig} (the proxied settings), {@link ManualClock} and {@link Faults}.
 *
 * <h3>Lifecycle</h3>
 * {@code PER_CLASS}: the service starts before the first test of the class (or when first needed) and is closed
 * after the last one. {@code PER_METHOD}: a new service for each test, closed right after it. Closing stops the
 * workers started through the handle, the clients, the proxy and the server, and deletes the data directory. The
 * service is kept in JUnit's extension store, so it is closed even when a test fails.
 *
 * <p>Thread-safety: JUnit calls the extension from the test thread; the handle itself is thread-safe.
 */
public final class TunnelstoreExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(TunnelstoreExtension.class);
    private static final Set<Class<?>> SUPPORTED = Set.of(TunnelstoreHandle.class, TableClient.class,
            TunnelClient.class, ClientConfig.class, ManualClock.class, Faults.class);

    /** Options given through the builder; empty for the annotation form (read from the test class). */
    private final Optional<TunnelstoreOptions> configured;

    /** Used by {@link TunnelstoreTest} ({@code @ExtendWith}); options come from the annotation. */
    public TunnelstoreExtension() {
        this.configured = Optional.empty();
    }

    private TunnelstoreExtension(TunnelstoreOptions options) {
        this.configured = Optional.of(options);
    }

    /** The extension with default options ({@link TunnelstoreOptions#defaults()}). */
    public static TunnelstoreExtension withDefaults() {
        return new TunnelstoreExtension(TunnelstoreOptions.defaults());
    }

    /** The extension with {@code options}. */
    public static TunnelstoreExtension of(TunnelstoreOptions options) {
        return new TunnelstoreExtension(Objects.requireNonNull(options, "options"));
    }

    /** A builder over {@link TunnelstoreOptions}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (options(context).lifecycle() == TunnelstoreOptions.Lifecycle.PER_CLASS) {
            handle(context);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        handle(context); // starts the per-method service before @BeforeEach methods run
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return SUPPORTED.contains(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        TunnelstoreHandle handle = handle(context);
        if (type == TunnelstoreHandle.class) {
            return handle;
        } else if (type == TableClient.class) {
            return handle.tableClient();
        } else if (type == TunnelClient.class) {
            return handle.tunnelClient();
        } else if (type == ClientConfig.class) {
            return handle.clientConfig();
        } else if (type == ManualClock.class) {
            return handle.clock();
        } else if (type == Faults.class) {
            return handle.faults();
        }
        throw new ParameterResolutionException("TunnelstoreExtension cannot resolve " + type.getName());
    }

    /**
     * The running service for {@code context}, started on first use and stored in the class-level (PER_CLASS) or
     * method-level (PER_METHOD) store, which closes it when that scope ends.
     *
     * @throws ParameterResolutionException for PER_METHOD outside a test method (e.g. in a constructor)
     */
    public TunnelstoreHandle handle(ExtensionContext context) {
        TunnelstoreOptions options = options(context);
        ExtensionContext scope;
        if (options.lifecycle() == TunnelstoreOptions.Lifecycle.PER_METHOD) {
            if (context.getTestMethod().isEmpty()) {
                throw new ParameterResolutionException("a PER_METHOD Tunnelstore exists only inside a test method "
                        + "and its @BeforeEach/@AfterEach methods, not in " + context.getDisplayName());
            }
            scope = context;
        } else {
            scope = classScope(context);
        }
        return scope.getStore(NAMESPACE)
                .getOrComputeIfAbsent(StoredHandle.class, k -> new StoredHandle(TunnelstoreHandle.start(options)),
                        StoredHandle.class)
                .handle();
    }

    /** The nearest enclosing context of a test class (the class itself for class-level callbacks). */
    private static ExtensionContext classScope(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    private TunnelstoreOptions options(ExtensionContext context) {
        if (configured.isPresent()) {
            return configured.get();
        }
        Optional<TunnelstoreTest> annotation = context.getTestClass()
                .flatMap(c -> AnnotationSupport.findAnnotation(c, TunnelstoreTest.class));
        TunnelstoreOptions.Builder b = TunnelstoreOptions.builder();
        annotation.ifPresent(a -> b.lifecycle(a.lifecycle()).instanceName(a.instanceName()));
        return b.build();
    }

    /**
     * Closes the handle when JUnit discards the store it lives in. JUnit 5.13+ closes {@link AutoCloseable} store
     * values; older platforms only {@code CloseableResource} ones (deprecated since), so both are implemented and
     * the handle's idempotent {@code close()} makes a double call harmless.
     */
    @SuppressWarnings("deprecation")
    private record StoredHandle(TunnelstoreHandle handle)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            handle.close();
        }
    }

    /** Builder of a {@link TunnelstoreExtension}; the setters are those of {@link TunnelstoreOptions.Builder}. */
    public static final class Builder {
        private final TunnelstoreOptions.Builder options = TunnelstoreOptions.builder();

        private Builder() {
        }

        public Builder lifecycle(TunnelstoreOptions.Lifecycle lifecycle) {
            options.lifecycle(lifecycle);
            return this;
        }

        public Builder perMethod() {
            options.perMethod();
            return this;
        }

        public Builder instanceName(String instanceName) {
            options.instanceName(instanceName);
            return this;
        }

        public Builder accessKey(String accessKeyId, String accessKeySecret) {
            options.accessKey(accessKeyId, accessKeySecret);
            return this;
        }

        public Builder tunnelService(TunnelServiceConfig config) {
            options.tunnelService(config);
            return this;
        }

        public Builder callTimeout(Duration callTimeout) {
            options.callTimeout(callTimeout);
            return this;
        }

        public Builder clockStart(Instant start) {
            options.clockStart(start);
            return this;
        }

        public TunnelstoreExtension build() {
            return new TunnelstoreExtension(options.build());
        }
    }
}
