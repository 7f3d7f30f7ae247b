package io.tunnelstore.coordinator;

import java.util.Objects;

/**
 * One durable piece of a coordinator's state, and the unit in which its changes are persisted (Kafka group
 * coordinator style: a change is a set of records; the store writes them, then the coordinator publishes them).
 *
 * <p>Every record has a {@link #key()}: the item of state it replaces. A newer record for the same key supersedes the
 * older one, so the store keeps exactly one value per key and a change writes only the keys it touched — a
 * checkpoint writes its channel and the header, whatever the number of channels. {@link ClientGone} is the tombstone
 * of a {@link Client} (the store deletes the key).
 *
 * <p>The whole state is the set of records of every key ({@link TunnelRecords#of(TunnelSnapshot)}); rebuilding a
 * coordinator from stored records goes through {@link TunnelCoordinator#replay}.
 */
public sealed interface TunnelRecord {

    /** Key of the {@link Header}. */
    String HEADER_KEY = "h";

    /** The item of state this record replaces: {@code h}, {@code c/<channelId>}, {@code s/<clientId>} or {@code l/<index>}. */
    String key();

    /**
     * Tunnel-wide fields.
     *
     * @param changeCount number of durable changes so far (kept by the coordinator: a header given to
     *                    {@code transition} does not set it)
     */
    record Header(TunnelStage stage, LifecycleMark expired, LifecycleMark disabled, long nextClientSerial,
                  long changeCount) implements TunnelRecord {
        public Header {
            Objects.requireNonNull(stage, "stage");
        }

        @Override
        public String key() {
            return HEADER_KEY;
        }

        Header withStage(TunnelStage s) {
            return new Header(s, expired, disabled, nextClientSerial, changeCount);
        }

        Header withExpired(LifecycleMark m) {
            return new Header(stage, m, disabled, nextClientSerial, changeCount);
        }

        Header withDisabled(LifecycleMark m) {
            return new Header(stage, expired, m, nextClientSerial, changeCount);
        }

        Header withNextClientSerial(long serial) {
            return new Header(stage, expired, disabled, serial, changeCount);
        }
    }

    /** One channel: its fixed definition and its current state. */
    record Channel(ChannelDefinition definition, ChannelState state) implements TunnelRecord {
        public Channel {
            Objects.requireNonNull(definition, "definition");
            Objects.requireNonNull(state, "state");
        }

        @Override
        public String key() {
            return channelKey(definition.channelId());
        }
    }

    /** A registered client session. */
    record Client(ClientSession session) implements TunnelRecord {
        public Client {
            Objects.requireNonNull(session, "session");
        }

        @Override
        public String key() {
            return clientKey(session.clientId());
        }
    }

    /** A client session that ended (shut down or expired): the store deletes its key. */
    record ClientGone(String clientId) implements TunnelRecord {
        public ClientGone {
            Objects.requireNonNull(clientId, "clientId");
        }

        @Override
        public String key() {
            return clientKey(clientId);
        }
    }

    /** The {@code index}-th recorded data loss (0-based; loss events are only ever appended). */
    record Loss(int index, LossEvent event) implements TunnelRecord {
        public Loss {
            Objects.requireNonNull(event, "event");
            if (index < 0) {
                throw new IllegalArgumentException("negative loss index " + index);
            }
        }

        @Override
        public String key() {
            return lossKey(index);
        }
    }

    static String channelKey(String channelId) {
        return "c/" + channelId;
    }

    static String clientKey(String clientId) {
        return "s/" + clientId;
    }

    /** Zero-padded so that the store lists losses in order. */
    static String lossKey(int index) {
        return String.format("l/%010d", index);
    }
}
