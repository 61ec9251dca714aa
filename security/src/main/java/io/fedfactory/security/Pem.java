package io.fedfactory.security;

import io.fedfactory.storage.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM files as TLS stacks read them: certificates, and private keys as unencrypted PKCS#8
 * ("BEGIN PRIVATE KEY"), which both Netty and the JDK accept. Errors name the file.
 */
public final class Pem {

    private Pem() {}

    public static String encode(X509Certificate certificate) {
        return write(certificate);
    }

    public static String encode(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null).generate());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode private key", e);
        }
    }

    private static String write(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(object);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode PEM", e);
        }
        return out.toString();
    }

    /** Writes a certificate crash-safely. */
    public static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
        AtomicFiles.write(file, encode(certificate).getBytes(StandardCharsets.US_ASCII));
    }

    /** Writes a private key crash-safely, readable by its owner only where the file system allows. */
    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        AtomicFiles.write(file, encode(key).getBytes(StandardCharsets.US_ASCII));
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // Not a POSIX file system: the directory's permissions are all there is.
        }
    }

    /** Every certificate in a PEM file (a chain or a trust bundle), in file order. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        return parseCertificates(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    }

    /** The one certificate in a PEM file (its first, when it holds a chain). */
    public static X509Certificate readCertificate(Path file) throws IOException {
        return readCertificates(file).get(0);
    }

    public static X509Certificate parseCertificate(String pem, String source) {
        return parseCertificates(pem, source).get(0);
    }

    private static List<X509Certificate> parseCertificates(String pem, String source) {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof X509CertificateHolder holder) {
                    out.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new IllegalArgumentException(source + ": not a readable PEM certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) throw new IllegalArgumentException(source + ": no PEM certificate (BEGIN CERTIFICATE) found");
        return out;
    }

    public static PrivateKey readPrivateKey(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(in)) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) return converter.getPrivateKey(info);
            if (o instanceof PEMKeyPair pair) return converter.getKeyPair(pair).getPrivate();
            throw new IllegalArgumentException(file + ": no unencrypted private key (BEGIN PRIVATE KEY) found");
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) throw e;
            throw new IllegalArgumentException(file + ": not a readable PEM private key: " + e.getMessage(), e);
        }
    }
}
