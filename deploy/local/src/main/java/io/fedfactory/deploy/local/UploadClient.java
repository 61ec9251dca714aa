package io.fedfactory.deploy.local;

import io.fedfactory.client.upload.ModuleUploader;
import io.fedfactory.deploy.tls.ClientTls;
import io.fedfactory.proto.v1.UploadReceipt;
import io.grpc.ManagedChannel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A site's upload as its own process, with the client node's {@link ModuleUploader}: what the crash
 * trials SIGKILL mid-upload and then run afresh, to see the fresh run resume where the aggregator's
 * stored bytes end. Prints {@code PAUSED <bytes>} when it stops after its first chunk (with
 * {@code --pause}) and {@code RECEIPT <module id> <start offset> <already stored>} at the end.
 */
@Command(name = "upload-client", mixinStandardHelpOptions = true,
        description = "Upload one crash-trial module as a site, with the client node's uploader.")
public final class UploadClient implements Callable<Integer> {

    /** The chunk size: the smallest the uploader takes, so a tiny module is several chunks. */
    static final int CHUNK = 1024;

    @Option(names = "--port", required = true, description = "Aggregator gRPC port on 127.0.0.1.")
    int port;
    @Option(names = "--federation", required = true, description = "Federation id.")
    String federation;
    @Option(names = "--site", required = true, description = "Site id; also picks the module's class.")
    String site;
    @Option(names = "--variant", required = true, description = "Which tiny decoder (its weights' seed).")
    long variant;
    @Option(names = "--pki-dir", required = true, description = "The crash trials' certificates.")
    Path pkiDir;
    @Option(names = "--pause", description = "Stop after the first chunk and wait (to be killed).")
    boolean pause;

    public static void main(String[] args) {
        System.exit(new CommandLine(new UploadClient()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ClientTls tls = LocalTls.ensure(pkiDir, CrashTrials.SITES, (f, a) -> { }).client(CrashTrials.site(site));
        byte[] onnx = TinyDecoder.bytes(variant);
        ManagedChannel channel = tls.channel("127.0.0.1", port, 8 << 20);
        try {
            ModuleUploader uploader = new ModuleUploader(channel, CHUNK, 50, 60);
            UploadReceipt r = uploader.upload(federation, CrashTrials.manifest(site, onnx), onnx, 1, sent -> {
                if (pause && sent >= CHUNK && sent < onnx.length) {
                    System.out.println("PAUSED " + sent);
                    System.out.flush();
                    CrashTrials.sleep(TimeUnit.MINUTES.toMillis(10));
                }
            });
            System.out.println("RECEIPT " + r.getModuleId() + " " + uploader.lastStartOffset() + " " + r.getAlreadyStored());
            return 0;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
