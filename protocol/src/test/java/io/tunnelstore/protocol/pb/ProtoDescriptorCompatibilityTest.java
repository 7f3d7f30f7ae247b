package io.tunnelstore.protocol.pb;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Our .proto files against the official Java SDK's compiled descriptors (test-scope oracle): every message and
 * enum the SDK shares with us must have the same field numbers, labels and types (our files may add the Go-only
 * fields), except the deliberate differences listed here.
 */
class ProtoDescriptorCompatibilityTest {

    /** Fields we leave out on purpose: message name -> field number. */
    private static final Map<String, Set<Integer>> DELIBERATELY_OMITTED = Map.of(
            "Error", Set.of(3)); // Java's AccessDeniedDetail: never sent (PROTOCOL.md §3.3)

    private static FileDescriptorProto sdk(byte[] serializedFileDescriptor) throws Exception {
        return FileDescriptorProto.parseFrom(serializedFileDescriptor);
    }

    private static void collect(String prefix, List<DescriptorProto> messages, Map<String, DescriptorProto> out,
                                Map<String, EnumDescriptorProto> enums) {
        for (DescriptorProto m : messages) {
            String name = prefix + m.getName();
            out.put(name, m);
            for (EnumDescriptorProto e : m.getEnumTypeList()) {
                enums.put(name + "." + e.getName(), e);
            }
            collect(name + ".", m.getNestedTypeList(), out, enums);
        }
    }

    private record Index(Map<String, DescriptorProto> messages, Map<String, EnumDescriptorProto> enums) {
        static Index of(FileDescriptorProto... files) {
            Map<String, DescriptorProto> m = new HashMap<>();
            Map<String, EnumDescriptorProto> e = new HashMap<>();
            for (FileDescriptorProto f : files) {
                collect("", f.getMessageTypeList(), m, e);
                f.getEnumTypeList().forEach(en -> e.put(en.getName(), en));
            }
            return new Index(m, e);
        }
    }

    private static String simpleType(FieldDescriptorProto f) {
        String t = f.getTypeName();
        return t.isEmpty() ? "" : t.substring(t.lastIndexOf('.') + 1);
    }

    private static List<String> compare(Index ours, Index theirs) {
        List<String> problems = new ArrayList<>();
        int shared = 0;
        for (Map.Entry<String, DescriptorProto> e : theirs.messages().entrySet()) {
            DescriptorProto our = ours.messages().get(e.getKey());
            if (our == null) {
                continue;
            }
            shared++;
            Map<Integer, FieldDescriptorProto> byNumber = new HashMap<>();
            our.getFieldList().forEach(f -> byNumber.put(f.getNumber(), f));
            for (FieldDescriptorProto f : e.getValue().getFieldList()) {
                FieldDescriptorProto mine = byNumber.get(f.getNumber());
                if (mine == null) {
                    if (!DELIBERATELY_OMITTED.getOrDefault(e.getKey(), Set.of()).contains(f.getNumber())) {
                        problems.add(e.getKey() + " lacks field " + f.getNumber() + " " + f.getName());
                    }
                    continue;
                }
                if (mine.getLabel() != f.getLabel() || mine.getType() != f.getType()
                        || !simpleType(mine).equals(simpleType(f))) {
                    problems.add(e.getKey() + "." + f.getName() + " #" + f.getNumber() + ": ours " + mine.getLabel() + " "
                            + mine.getType() + " " + simpleType(mine) + ", SDK " + f.getLabel() + " " + f.getType() + " " + simpleType(f));
                }
                if (!mine.getName().replace("_", "").equalsIgnoreCase(f.getName().replace("_", ""))
                        && !(e.getKey().equals("StreamDetails") && f.getNumber() == 5)) {
                    problems.add(e.getKey() + " #" + f.getNumber() + " named " + mine.getName() + ", SDK " + f.getName());
                }
            }
        }
        for (Map.Entry<String, EnumDescriptorProto> e : theirs.enums().entrySet()) {
            EnumDescriptorProto our = ours.enums().get(e.getKey());
            if (our == null) {
                continue;
            }
            shared++;
            Map<String, Integer> values = new HashMap<>();
            our.getValueList().forEach(v -> values.put(v.getName(), v.getNumber()));
            for (EnumValueDescriptorProto v : e.getValue().getValueList()) {
                if (!Integer.valueOf(v.getNumber()).equals(values.get(v.getName()))) {
                    problems.add("enum " + e.getKey() + " value " + v.getName() + "=" + v.getNumber() + " missing or different");
                }
            }
        }
        if (shared == 0) {
            problems.add("no shared messages at all");
        }
        return problems;
    }

    private static Set<String> sharedMessageNames(Index ours, Index theirs) {
        Set<String> s = new java.util.TreeSet<>(ours.messages().keySet());
        s.retainAll(theirs.messages().keySet());
        return s;
    }

    @Test
    void tableAndFilterMessagesMatchSdk() throws Exception {
        Index theirs = Index.of(
                sdk(com.alicloud.openservices.tablestore.core.protocol.OtsInternalApi.getDescriptor().toProto().toByteArray()),
                sdk(com.alicloud.openservices.tablestore.core.protocol.OtsFilter.getDescriptor().toProto().toByteArray()));
        Index ours = Index.of(TableProtos.getDescriptor().toProto(), FilterProtos.getDescriptor().toProto());
        assertThat(compare(ours, theirs)).isEmpty();
        assertThat(sharedMessageNames(ours, theirs)).contains("GetRangeRequest", "GetStreamRecordResponse.StreamRecord",
                "ComputeSplitPointsBySizeResponse.SplitLocation", "BatchWriteRowRequest", "DescribeTableResponse",
                "SingleColumnValueFilter", "CompositeColumnValueFilter", "Filter");
        assertThat(sharedMessageNames(ours, theirs)).hasSizeGreaterThan(60);
    }

    @Test
    void tunnelMessagesMatchSdk() throws Exception {
        Index theirs = Index.of(
                sdk(com.alicloud.openservices.tablestore.core.protocol.TunnelServiceApi.getDescriptor().toProto().toByteArray()));
        Index ours = Index.of(TunnelProtos.getDescriptor().toProto());
        assertThat(compare(ours, theirs)).isEmpty();
        assertThat(sharedMessageNames(ours, theirs)).contains("Tunnel", "ReadRecordsResponse", "HeartbeatRequest",
                "TokenContentV2", "StreamTunnelConfig", "DescribeTunnelResponse", "Error");
    }
}
