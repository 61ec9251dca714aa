package io.fedfactory.aggregator.audit;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

import java.util.ArrayList;
import java.util.List;

/** What an audited request acts on, read from its fields by name so every RPC is covered the same way. */
public record AuditTargets(String federationId, String target, String reason) {

    private static final String[] NESTED = {"spec", "header"};
    private static final String[] TARGET_FIELDS = {"module_ids", "site_id", "certificate_id", "version", "upload_id"};

    public static AuditTargets of(Object request) {
        if (!(request instanceof Message m)) return new AuditTargets("", "", "");
        String federation = string(m, "federation_id");
        for (String nested : NESTED) {
            FieldDescriptor f = m.getDescriptorForType().findFieldByName(nested);
            if (federation.isEmpty() && f != null && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && m.hasField(f)) {
                federation = string((Message) m.getField(f), "federation_id");
            }
        }
        List<String> parts = new ArrayList<>();
        if (!federation.isEmpty()) parts.add(federation);
        for (String name : TARGET_FIELDS) {
            FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
            if (f == null) continue;
            if (f.isRepeated()) {
                for (int i = 0; i < m.getRepeatedFieldCount(f); i++) parts.add(String.valueOf(m.getRepeatedField(f, i)));
            } else if (f.getJavaType() == FieldDescriptor.JavaType.STRING && !((String) m.getField(f)).isEmpty()) {
                parts.add(name + "=" + m.getField(f));
            }
        }
        return new AuditTargets(federation, String.join(",", parts), string(m, "reason"));
    }

    private static String string(Message m, String name) {
        FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
        if (f == null || f.isRepeated() || f.getJavaType() != FieldDescriptor.JavaType.STRING) return "";
        return (String) m.getField(f);
    }
}
