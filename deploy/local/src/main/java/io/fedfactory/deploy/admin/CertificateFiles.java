package io.fedfactory.deploy.admin;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.fedfactory.proto.v1.UnlearningCertificate;
import io.fedfactory.storage.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An unlearning certificate saved to a file: protobuf JSON (readable, the default) or binary protobuf
 * (a name ending in {@code .pb}). Either form parses back to the same message, so its signature, made
 * over the deterministic binary form, verifies from both.
 */
final class CertificateFiles {

    private CertificateFiles() {
    }

    static boolean binary(Path file) {
        return file.getFileName().toString().endsWith(".pb");
    }

    static void write(Path file, UnlearningCertificate cert) throws IOException {
        byte[] bytes = binary(file) ? cert.toByteArray()
                : (JsonFormat.printer().print(cert) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, bytes);
    }

    /** @throws IOException naming the file and what is wrong with it */
    static UnlearningCertificate read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            if (binary(file)) return UnlearningCertificate.parseFrom(bytes);
            UnlearningCertificate.Builder b = UnlearningCertificate.newBuilder();
            JsonFormat.parser().merge(new String(bytes, StandardCharsets.UTF_8), b);
            return b.build();
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(file + " is not an UnlearningCertificate (" + (binary(file) ? "binary protobuf" : "protobuf JSON")
                    + "): " + e.getMessage(), e);
        }
    }
}
