package io.fedfactory.security;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * Detached signatures over bytes with a participant's certificate key (ECDSA with SHA-256), so what
 * the aggregator signs (unlearning certificates) can be checked offline against its certificate.
 */
public final class Signatures {

    public static final String ALGORITHM = "SHA256withECDSA";

    private Signatures() {}

    public static byte[] sign(PrivateKey key, byte[] data) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + ALGORITHM + ": " + e.getMessage(), e);
        }
    }

    /** True when {@code signature} is {@code signer}'s signature over exactly {@code data}. */
    public static boolean verify(X509Certificate signer, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(signer.getPublicKey());
            s.update(data);
            return s.verify(signature);
        } catch (java.security.SignatureException e) {
            return false; // malformed signature bytes: not a valid signature
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot verify with " + ALGORITHM + ": " + e.getMessage(), e);
        }
    }
}
