package io.fedfactory.security;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * Protobuf messages that carry their own signature: a {@code bytes signature} field holding an ECDSA
 * signature over the message's deterministic serialization with both signature fields cleared, and a
 * {@code string signer_certificate_pem} field holding the signer's certificate. Anyone holding the
 * federation's CA certificate can check such a message offline, with no call to the signer.
 */
public final class SignedMessages {

    public static final String SIGNATURE_FIELD = "signature";
    public static final String SIGNER_FIELD = "signer_certificate_pem";

    private SignedMessages() {}

    /** {@code message} with its signature fields set by {@code signer}. */
    @SuppressWarnings("unchecked")
    public static <M extends Message> M sign(M message, Credential signer) {
        byte[] signature = Signatures.sign(signer.privateKey(), signedBytes(message));
        return (M) message.toBuilder()
                .setField(field(message, SIGNATURE_FIELD), ByteString.copyFrom(signature))
                .setField(field(message, SIGNER_FIELD), Pem.encode(signer.certificate()))
                .build();
    }

    /**
     * Checks a signed message: the signer's certificate was issued by {@code ca} and valid at {@code at},
     * it names {@code expectedSigner}, and the signature covers exactly the message's content.
     *
     * @throws SignatureException saying which of these failed
     */
    public static void verify(Message message, X509Certificate ca, Identity expectedSigner, Instant at)
            throws SignatureException {
        String pem = (String) message.getField(field(message, SIGNER_FIELD));
        ByteString signature = (ByteString) message.getField(field(message, SIGNATURE_FIELD));
        if (pem.isEmpty() || signature.isEmpty()) {
            throw new SignatureException("the " + message.getDescriptorForType().getName()
                    + " is not signed (" + SIGNATURE_FIELD + " or " + SIGNER_FIELD + " is empty)");
        }
        X509Certificate signer;
        try {
            signer = Pem.parseCertificate(pem, SIGNER_FIELD);
            CertificateAuthority.verify(signer, ca, at);
        } catch (CertificateException | IllegalArgumentException e) {
            throw new SignatureException("the signer's certificate is not trusted: " + e.getMessage(), e);
        }
        Identity actual;
        try {
            actual = Identity.of(signer);
        } catch (IllegalArgumentException e) {
            throw new SignatureException("the signer's certificate names no fedfactory identity: " + e.getMessage(), e);
        }
        if (!actual.equals(expectedSigner)) {
            throw new SignatureException("signed by " + actual + ", expected " + expectedSigner);
        }
        if (!Signatures.verify(signer, signedBytes(message), signature.toByteArray())) {
            throw new SignatureException("the signature does not match the content: the "
                    + message.getDescriptorForType().getName() + " was altered after signing");
        }
    }

    /** What the signature covers: the deterministic serialization without the two signature fields. */
    public static byte[] signedBytes(Message message) {
        Message unsigned = message.toBuilder()
                .clearField(field(message, SIGNATURE_FIELD))
                .clearField(field(message, SIGNER_FIELD))
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            CodedOutputStream coded = CodedOutputStream.newInstance(out);
            coded.useDeterministicSerialization();
            unsigned.writeTo(coded);
            coded.flush();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize " + message.getDescriptorForType().getName(), e);
        }
        return out.toByteArray();
    }

    private static FieldDescriptor field(Message message, String name) {
        FieldDescriptor f = message.getDescriptorForType().findFieldByName(name);
        if (f == null) {
            throw new IllegalArgumentException(message.getDescriptorForType().getFullName()
                    + " has no field '" + name + "', so it cannot carry a signature");
        }
        return f;
    }

    /** A signed message that does not verify; the message says why. */
    public static final class SignatureException extends Exception {
        public SignatureException(String message) {
            super(message);
        }

        public SignatureException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
