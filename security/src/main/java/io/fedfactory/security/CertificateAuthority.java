package io.fedfactory.security;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The federation's certificate authority: a self-signed root that issues one certificate per
 * participant. Keys are ECDSA P-256 (fast handshakes, accepted by every TLS stack here); certificates
 * are signed with SHA-256. Issued certificates carry both TLS server and client usage, since the
 * services are both, and loopback subject alternative names so a service's certificate verifies at
 * 127.0.0.1 and localhost.
 */
public final class CertificateAuthority {

    private static final String KEY_ALGORITHM = "EC";
    private static final String CURVE = "secp256r1";
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    private final Credential root;
    private final SecureRandom random;

    private CertificateAuthority(Credential root, SecureRandom random) {
        this.root = root;
        this.random = random;
    }

    /** A new root, valid from {@code notBefore} for {@code validity}. */
    public static CertificateAuthority create(String name, Instant notBefore, Duration validity, SecureRandom random) {
        KeyPair keys = newKeyPair(random);
        X500Principal subject = new X500Principal("CN=" + name + ",O=" + Identity.ORGANIZATION);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(random),
                    Date.from(notBefore), Date.from(notBefore.plus(validity)), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new CertificateAuthority(new Credential(signWith(b, keys.getPrivate(), random), keys.getPrivate()), random);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create certificate authority", e);
        }
    }

    /** An existing root, from its certificate and key. */
    public static CertificateAuthority of(Credential root, SecureRandom random) {
        if (root.certificate().getBasicConstraints() < 0) {
            throw new IllegalArgumentException("certificate " + root.certificate().getSubjectX500Principal()
                    + " is not a CA certificate (no basicConstraints CA:true)");
        }
        return new CertificateAuthority(root, random);
    }

    public X509Certificate certificate() {
        return root.certificate();
    }

    public Credential credential() {
        return root;
    }

    /**
     * Issues a certificate for {@code identity}, valid from {@code notBefore} for {@code validity}, with
     * the given DNS names and IP addresses as subject alternative names.
     */
    public Credential issue(Identity identity, Instant notBefore, Duration validity, List<String> dnsNames,
                            List<String> ipAddresses) {
        KeyPair keys = newKeyPair(random);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(root.certificate(), serial(random),
                    Date.from(notBefore), Date.from(notBefore.plus(validity)),
                    new X500Principal(identity.subject()), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(root.certificate()));
            List<GeneralName> names = new ArrayList<>();
            for (String dns : dnsNames) names.add(new GeneralName(GeneralName.dNSName, dns));
            for (String ip : ipAddresses) names.add(new GeneralName(GeneralName.iPAddress, ip));
            if (!names.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            return new Credential(signWith(b, root.privateKey(), random), keys.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue certificate for " + identity, e);
        }
    }

    /** Issues with loopback names (localhost, 127.0.0.1, ::1). */
    public Credential issueLoopback(Identity identity, Instant notBefore, Duration validity) {
        return issue(identity, notBefore, validity, List.of("localhost"), List.of("127.0.0.1", "::1"));
    }

    /**
     * Checks that {@code certificate} was issued by this authority and is valid at {@code at}.
     *
     * @throws CertificateException naming what failed: issuer, signature or validity period
     */
    public void verify(X509Certificate certificate, Instant at) throws CertificateException {
        verify(certificate, root.certificate(), at);
    }

    /** {@link #verify} against a CA certificate alone (what an offline verifier holds). */
    public static void verify(X509Certificate certificate, X509Certificate ca, Instant at) throws CertificateException {
        if (!certificate.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            throw new CertificateException("certificate " + certificate.getSubjectX500Principal() + " was issued by "
                    + certificate.getIssuerX500Principal() + ", not by the trusted CA " + ca.getSubjectX500Principal());
        }
        try {
            certificate.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new CertificateException("certificate " + certificate.getSubjectX500Principal()
                    + " does not carry a valid signature of the trusted CA " + ca.getSubjectX500Principal(), e);
        }
        certificate.checkValidity(Date.from(at));
    }

    private static KeyPair newKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(KEY_ALGORITHM);
            g.initialize(new ECGenParameterSpec(CURVE), random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate " + CURVE + " key pair", e);
        }
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(127, random).add(BigInteger.ONE);
    }

    private static X509Certificate signWith(X509v3CertificateBuilder b, java.security.PrivateKey key,
                                            SecureRandom random) throws CertificateException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).setSecureRandom(random).build(key);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign certificate", e);
        }
    }
}
