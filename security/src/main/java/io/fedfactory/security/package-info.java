/**
 * Who is calling: the federation's certificate authority, the identities it certifies and the
 * signatures the aggregator puts on what auditors must be able to check offline.
 *
 * <p>Every participant holds an X.509 certificate issued by one certificate authority
 * ({@link io.fedfactory.security.CertificateAuthority}). Its subject names the participant's
 * {@link io.fedfactory.security.Role} (OU) and name (CN), so the services derive the caller's
 * {@link io.fedfactory.security.Identity} from the certificate the TLS handshake verified, never from
 * what a request claims. {@link io.fedfactory.security.PkiDirectory} keeps a CA and its issued
 * credentials as PEM files; {@link io.fedfactory.security.Signatures} signs and verifies bytes.
 */
package io.fedfactory.security;
