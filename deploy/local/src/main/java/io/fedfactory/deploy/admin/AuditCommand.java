package io.fedfactory.deploy.admin;

import io.fedfactory.proto.v1.AuditEntry;
import io.fedfactory.proto.v1.AuditRecord;
import io.fedfactory.proto.v1.AuditTrailGrpc;
import io.fedfactory.proto.v1.ListAuditRecordsRequest;
import io.fedfactory.proto.v1.ListAuditRecordsResponse;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** The aggregator's audit trail, one line per record: who did what, to what, why, and how it ended. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "List the aggregator's audit trail (every administrative call and every refused call), oldest first. "
                + "Runs as auditor:auditor by default.")
final class AuditCommand implements Callable<Integer> {

    @ParentCommand
    AdminCli cli;

    @Option(names = "--id", defaultValue = "", description = "Only records of this federation (default: all).")
    String federationId;
    @Option(names = "--from", defaultValue = "0", description = "Index of the first record (default: ${DEFAULT-VALUE}).")
    long from;
    @Option(names = "--max", defaultValue = "1000", description = "At most this many records, 1..10000 (default: ${DEFAULT-VALUE}).")
    int max;

    @Override
    public Integer call() {
        ListAuditRecordsResponse page = cli.onChannel(AdminCli.AUDITOR, ch -> AuditTrailGrpc.newBlockingStub(ch)
                .withDeadlineAfter(cli.timeoutSeconds, TimeUnit.SECONDS)
                .listAuditRecords(ListAuditRecordsRequest.newBuilder().setFederationId(federationId)
                        .setStartIndex(from).setMaxRecords(max).build()));
        for (AuditEntry e : page.getEntriesList()) System.out.println(line(e));
        System.err.println(page.getEntriesCount() + " record(s); continue with --from " + page.getNextIndex());
        return 0;
    }

    static String line(AuditEntry e) {
        AuditRecord r = e.getRecord();
        String method = r.getAction().substring(r.getAction().lastIndexOf('/') + 1);
        return String.format("%6d  %s  %-24s %-18s %-22s %s%s%s", e.getIndex(), r.getTime(), r.getActor(), method,
                r.getOutcome(), r.getTarget(),
                r.getReason().isEmpty() ? "" : "  reason: " + r.getReason(),
                r.getDetail().isEmpty() ? "" : "  (" + r.getDetail() + ")");
    }
}
