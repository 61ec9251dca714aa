package io.fedfactory.aggregator.upload;

import static io.fedfactory.proto.errors.TypedErrors.FIELD;
import static io.fedfactory.proto.errors.TypedErrors.LIMIT;
import static io.fedfactory.proto.errors.TypedErrors.VALUE;
import com.google.protobuf.ByteString;
import io.fedfactory.aggregator.store.PartWriter;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.UploadHeader;

import static io.fedfactory.aggregator.upload.UploadRefusedException.invalid;
import static io.fedfactory.aggregator.upload.UploadRefusedException.precondition;

/** One stream's upload after its header was accepted: appends chunks, enforcing offsets and limits. */
final class ReceivingUpload {

    final UploadHeader header;
    final FederationSpec spec;
    final long startedNanos = System.nanoTime();
    private final PartWriter part;
    private final int maxChunkBytes;
    private final String maxChunkProperty;

    ReceivingUpload(UploadHeader header, FederationSpec spec, PartWriter part, int maxChunkBytes) {
        this.header = header;
        this.spec = spec;
        this.part = part;
        this.maxChunkBytes = maxChunkBytes;
        this.maxChunkProperty = "fedfactory.upload.max-chunk-bytes";
    }

    String uploadId() {
        return header.getUploadId();
    }

    long stored() {
        return part.length();
    }

    PartWriter part() {
        return part;
    }

    /** Appends one chunk's data; a chunk without data only has to be well-formed. */
    void append(long offset, ByteString data) {
        if (data.size() > maxChunkBytes) {
            throw invalid("chunk_size", "chunk data is " + data.size() + " bytes; the limit is " + maxChunkBytes
                    + " bytes per chunk (" + maxChunkProperty + ")").with(FIELD, "data").with(VALUE, data.size())
                    .with(LIMIT, maxChunkProperty + "=" + maxChunkBytes);
        }
        if (data.isEmpty()) return;
        long stored = part.length();
        if (offset != stored) {
            throw precondition("offset", "chunk offset " + offset + " must equal the bytes stored so far (" + stored
                    + "); ask GetUploadOffset and resume from there").with(FIELD, "offset").with(VALUE, offset)
                    .with(LIMIT, "stored_bytes=" + stored);
        }
        if (stored + data.size() > header.getTotalBytes()) {
            throw invalid("total_bytes", "chunk at offset " + offset + " with " + data.size()
                    + " bytes would exceed header.total_bytes " + header.getTotalBytes()).with(FIELD, "data")
                    .with(VALUE, stored + data.size()).with(LIMIT, "header.total_bytes=" + header.getTotalBytes());
        }
        part.append(data);
    }
}
