package io.fedfactory.aggregator.audit;

import io.fedfactory.aggregator.errors.Refusal;
import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.AuditEntry;
import io.fedfactory.proto.v1.AuditTrailGrpc;
import io.fedfactory.proto.v1.ListAuditRecordsRequest;
import io.fedfactory.proto.v1.ListAuditRecordsResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.List;

/** gRPC endpoint of the audit trail, for auditors (role checked by the access interceptor). */
public class AuditTrailService extends AuditTrailGrpc.AuditTrailImplBase {

    static final int DEFAULT_RECORDS = 1000;
    static final int MAX_RECORDS = 10_000;

    private final AuditLog log;

    /** Served by {@code GrpcEndpoint} behind the access interceptor (not a Quarkus gRPC service). */
    public AuditTrailService(AuditLog log) {
        this.log = log;
    }

    @Override
    public void listAuditRecords(ListAuditRecordsRequest request, StreamObserver<ListAuditRecordsResponse> response) {
        if (request.getMaxRecords() < 0 || request.getMaxRecords() > MAX_RECORDS) {
            response.onError(new Refusal(Status.Code.INVALID_ARGUMENT, "MAX_RECORDS", "max_records must be in [0, " + MAX_RECORDS
                    + "] (0: " + DEFAULT_RECORDS + "), got " + request.getMaxRecords()).with(TypedErrors.VALUE, request.getMaxRecords())
                    .with(TypedErrors.LIMIT, MAX_RECORDS).toStatus());
            return;
        }
        if (request.getStartIndex() < 0) {
            response.onError(new Refusal(Status.Code.INVALID_ARGUMENT, "INVALID_REQUEST", "start_index must be >= 0, got "
                    + request.getStartIndex()).with(TypedErrors.VALUE, request.getStartIndex()).toStatus());
            return;
        }
        int max = request.getMaxRecords() == 0 ? DEFAULT_RECORDS : request.getMaxRecords();
        long size = log.size();
        List<AuditEntry> entries = log.list(request.getFederationId(), request.getStartIndex(), max);
        long afterLast = entries.isEmpty() ? request.getStartIndex() : entries.get(entries.size() - 1).getIndex() + 1;
        // A full page continues after its last entry; a short one has seen everything up to the log's size.
        long next = entries.size() == max ? afterLast : Math.max(afterLast, size);
        response.onNext(ListAuditRecordsResponse.newBuilder().addAllEntries(entries).setNextIndex(next).build());
        response.onCompleted();
    }
}
