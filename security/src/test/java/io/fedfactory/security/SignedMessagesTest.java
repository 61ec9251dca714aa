package io.fedfactory.security;

import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SignedMessagesTest {

    private static final Identity AGGREGATOR = Identity.service("aggregator");
    private final SecureRandom random = new SecureRandom();
    private final CertificateAuthority ca = CertificateAuthority.create("ca", Instant.now().minusSeconds(5),
            Duration.ofDays(1), random);
    private final Credential aggregator = ca.issueLoopback(AGGREGATOR, Instant.now().minusSeconds(5), Duration.ofDays(1));

    @Test
    void signedMessageVerifiesAndAnyAlterationFails() throws Exception {
        Message signed = SignedMessages.sign(doc("module abc deleted"), aggregator);
        SignedMessages.verify(signed, ca.certificate(), AGGREGATOR, Instant.now());

        Message tampered = signed.toBuilder().setField(field("body"), "module xyz deleted").build();
        var e = assertThrows(SignedMessages.SignatureException.class,
                () -> SignedMessages.verify(tampered, ca.certificate(), AGGREGATOR, Instant.now()));
        assertTrue(e.getMessage().contains("altered"), e.getMessage());
    }

    @Test
    void unsignedOrForeignSignersAreRefused() throws Exception {
        var e = assertThrows(SignedMessages.SignatureException.class,
                () -> SignedMessages.verify(doc("x"), ca.certificate(), AGGREGATOR, Instant.now()));
        assertTrue(e.getMessage().contains("not signed"), e.getMessage());

        Credential site = ca.issueLoopback(Identity.site("site-01"), Instant.now().minusSeconds(5), Duration.ofDays(1));
        Message bySite = SignedMessages.sign(doc("x"), site);
        e = assertThrows(SignedMessages.SignatureException.class,
                () -> SignedMessages.verify(bySite, ca.certificate(), AGGREGATOR, Instant.now()));
        assertTrue(e.getMessage().contains("expected service:aggregator"), e.getMessage());

        CertificateAuthority other = CertificateAuthority.create("ca", Instant.now().minusSeconds(5), Duration.ofDays(1), random);
        Message byOther = SignedMessages.sign(doc("x"),
                other.issueLoopback(AGGREGATOR, Instant.now().minusSeconds(5), Duration.ofDays(1)));
        e = assertThrows(SignedMessages.SignatureException.class,
                () -> SignedMessages.verify(byOther, ca.certificate(), AGGREGATOR, Instant.now()));
        assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
    }

    private static final Descriptor DOC = descriptor();

    private static Message doc(String body) {
        return DynamicMessage.newBuilder(DOC).setField(field("body"), body).build();
    }

    private static com.google.protobuf.Descriptors.FieldDescriptor field(String name) {
        return DOC.findFieldByName(name);
    }

    private static Descriptor descriptor() {
        DescriptorProto doc = DescriptorProto.newBuilder().setName("Doc")
                .addField(f("body", 1, FieldDescriptorProto.Type.TYPE_STRING))
                .addField(f("signature", 2, FieldDescriptorProto.Type.TYPE_BYTES))
                .addField(f("signer_certificate_pem", 3, FieldDescriptorProto.Type.TYPE_STRING))
                .build();
        try {
            return FileDescriptor.buildFrom(FileDescriptorProto.newBuilder().setName("doc.proto").setSyntax("proto3")
                    .addMessageType(doc).build(), new FileDescriptor[0]).findMessageTypeByName("Doc");
        } catch (com.google.protobuf.Descriptors.DescriptorValidationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FieldDescriptorProto f(String name, int number, FieldDescriptorProto.Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).build();
    }
}
