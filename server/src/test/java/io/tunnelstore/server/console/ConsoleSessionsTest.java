package io.tunnelstore.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.server.http.Principal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Session expiry with explicit times (idle timeout, absolute lifetime, logout). */
class ConsoleSessionsTest {

    private final ConsoleIdentity identity = new ConsoleIdentity("ak", null, new byte[32],
            Map.of("main", new Principal("ak", true)));
    private final ConsoleSessions sessions = new ConsoleSessions(new SecureRandom(), Duration.ofMinutes(10),
            Duration.ofMinutes(25));

    @Test
    void idleTimeoutRestartsOnUseAndTheLifetimeCapsIt() {
        String id = sessions.create(identity, 0);
        assertThat(id).matches("[A-Za-z0-9_-]{43}");
        assertThat(sessions.use(id, 9 * 60_000)).isPresent();          // idle 9 min: alive, timer restarts
        assertThat(sessions.use(id, 18 * 60_000)).isPresent();         // idle 9 min again
        assertThat(sessions.use(id, 24 * 60_000)).isPresent();
        assertThat(sessions.use(id, 25 * 60_000)).isEmpty();           // 25 min after login: over
        assertThat(sessions.size()).isZero();
    }

    @Test
    void idleSessionsExpireAndLogoutEndsOne() {
        String idle = sessions.create(identity, 0);
        assertThat(sessions.use(idle, 10 * 60_000 - 1)).isPresent();   // 1 ms before the idle timeout
        assertThat(sessions.use(idle, 20 * 60_000 - 1)).isEmpty();     // exactly 10 min idle: expired

        String other = sessions.create(identity, 0);
        String third = sessions.create(identity, 0);
        assertThat(other).isNotEqualTo(third);
        sessions.remove(other);
        assertThat(sessions.use(other, 1)).isEmpty();
        assertThat(sessions.use(third, 1)).isPresent();
        assertThat(sessions.use(null, 1)).isEmpty();
        assertThat(sessions.use("unknown", 1)).isEmpty();
    }
}
