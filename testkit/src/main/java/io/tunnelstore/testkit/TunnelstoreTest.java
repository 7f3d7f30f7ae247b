package io.tunnelstore.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against an in-process Tunnelstore ({@link TunnelstoreExtension} with options from
 * this annotation). Test constructors, lifecycle methods and test methods may declare parameters of type
 * {@link TunnelstoreHandle}, {@link io.tunnelstore.client.TableClient}, {@link io.tunnelstore.client.TunnelClient},
 * {@link io.tunnelstore.client.ClientConfig}, {@link ManualClock} and {@link Faults}.
 *
 * <pre>{@code
 * @TunnelstoreTest
 * class OrderSyncTest {
 *     @Test
 *     void syncsNewOrders(TableClient tables, TunnelClient tunnels, TunnelstoreHandle ts) { ... }
 * }
 * }</pre>
 *
 * For options not offered here, register the extension with a builder instead
 * ({@link TunnelstoreExtension#builder()}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(TunnelstoreExtension.class)
public @interface TunnelstoreTest {

    /** One service per class (default) or a fresh one for every test method. */
    TunnelstoreOptions.Lifecycle lifecycle() default TunnelstoreOptions.Lifecycle.PER_CLASS;

    /** The instance name served. */
    String instanceName() default "tunnelstore";
}
