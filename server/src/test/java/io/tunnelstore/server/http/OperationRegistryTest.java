package io.tunnelstore.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.pb.TableProtos;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OperationRegistryTest {

    private final OperationRegistry registry = new OperationRegistry();
    private final HttpRoute metrics = request -> HttpRouteResponse.text(200, "metrics");
    private final HttpRoute console = request -> HttpRouteResponse.text(200, "console");

    @Test
    void anActionCanBeRegisteredOnlyOnce() {
        OperationHandler<TableProtos.ListTableRequest> handler = (ctx, req) ->
                CompletableFuture.completedFuture(TableProtos.ListTableResponse.getDefaultInstance());
        registry.register(Action.LIST_TABLE, TableProtos.ListTableRequest.parser(), handler);
        assertThatThrownBy(() -> registry.register(Action.LIST_TABLE, TableProtos.ListTableRequest.parser(), handler))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a handler is already registered for LIST_TABLE");
        assertThat(registry.registeredActions()).containsExactly(Action.LIST_TABLE);
        assertThat(registry.operation(Action.LIST_TABLE)).isNotNull();
        assertThat(registry.operation(Action.GET_ROW)).isNull();
    }

    @Test
    void subtreeRoutesMatchTheirPathAndBelowLongestFirst() {
        registry.registerHttpSubtree("get", "/console", console);
        registry.registerHttpSubtree("GET", "/console/metrics", metrics);

        assertThat(registry.route("GET", "/console").orElseThrow().route()).isSameAs(console);
        assertThat(registry.route("GET", "/console/tunnels").orElseThrow().route()).isSameAs(console);
        assertThat(registry.route("GET", "/console/metrics/x").orElseThrow().route()).isSameAs(metrics);
        assertThat(registry.route("GET", "/console/metricsx").orElseThrow().route()).isSameAs(console);
        assertThat(registry.route("GET", "/consolex")).isEmpty();
        assertThat(registry.route("POST", "/console")).isEmpty();
        assertThat(registry.route("GET", "/ListTable")).isEmpty();
        assertThat(registry.anyRouteMatches("/console")).isTrue();
        assertThat(registry.anyRouteMatches("/consolex")).isFalse();
        assertThat(registry.anyRouteMatches("/ListTable")).isFalse();
    }

    /** Regression (issue 14, finding 6): {@code /metricsfoo} and {@code /health/livexyz} matched by prefix. */
    @Test
    void exactRoutesMatchOnlyTheirPath() {
        registry.registerHttpRoute("GET", "/metrics", metrics);
        registry.registerHttpRoute("GET", "/health/live", console);

        assertThat(registry.route("GET", "/metrics").orElseThrow().route()).isSameAs(metrics);
        assertThat(registry.route("GET", "/metricsfoo")).isEmpty();
        assertThat(registry.route("GET", "/metrics/")).isEmpty();
        assertThat(registry.route("GET", "/health/live").orElseThrow().route()).isSameAs(console);
        assertThat(registry.route("GET", "/health/livexyz")).isEmpty();
        assertThat(registry.anyRouteMatches("/metricsfoo")).isFalse();
    }

    @Test
    void invalidOrDuplicateRoutesAreRejected() {
        registry.registerHttpRoute("GET", "/metrics", metrics);
        assertThatThrownBy(() -> registry.registerHttpRoute("GET", "/metrics", metrics))
                .isInstanceOf(IllegalStateException.class).hasMessage("route already registered: GET /metrics");
        assertThatThrownBy(() -> registry.registerHttpRoute("GET", "/", metrics))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.registerHttpRoute("GET", "metrics", metrics))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Row writes parse their body with aliasing (the rows' bytes share the body array): the same message comes out,
     * and a body that does not parse, lacks a required field or ends in a stray end-group tag is refused as on the
     * other lanes.
     */
    @Test
    void rowWriteBodiesParseAsOnOtherLanes() throws Exception {
        OperationHandler<TableProtos.PutRowRequest> handler = (ctx, req) ->
                CompletableFuture.completedFuture(TableProtos.PutRowResponse.getDefaultInstance());
        registry.register(Action.PUT_ROW, OperationRegistry.Lane.ROW_WRITE, TableProtos.PutRowRequest.parser(),
                handler);
        RequestContext ctx = new RequestContext("r1", "inst", Action.PUT_ROW, new Principal("ak", true), Map.of(),
                0);
        TableProtos.PutRowRequest request = TableProtos.PutRowRequest.newBuilder().setTableName("t")
                .setRow(ByteString.copyFrom(new byte[] {1, 2, 3}))
                .setCondition(TableProtos.Condition.newBuilder()
                        .setRowExistence(TableProtos.RowExistenceExpectation.IGNORE))
                .build();
        byte[] valid = request.toByteArray();
        assertThat(registry.parse(registry.operation(Action.PUT_ROW), ctx, valid)).isEqualTo(request);

        byte[] strayEndGroup = Arrays.copyOf(valid, valid.length + 1);
        strayEndGroup[valid.length] = 0x0C; // field 1, wire type 4 (END_GROUP), at the top level
        for (byte[] body : List.of(new byte[] {0x0A, (byte) 0xFF, 0x01}, new byte[0], strayEndGroup)) {
            assertThatThrownBy(() -> registry.parse(registry.operation(Action.PUT_ROW), ctx, body))
                    .isInstanceOf(InvalidProtocolBufferException.class);
        }
    }
}
