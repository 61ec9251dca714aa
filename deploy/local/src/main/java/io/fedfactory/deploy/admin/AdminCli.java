package io.fedfactory.deploy.admin;

import io.fedfactory.proto.errors.TypedErrors;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.fedfactory.deploy.tls.ClientTls;
import io.fedfactory.proto.v1.ClassifierRecipe;
import io.fedfactory.proto.v1.CloseFederationRequest;
import io.fedfactory.proto.v1.ClosePolicy;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.DeleteModulesRequest;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.GetCertificateRequest;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ListModelVersionsRequest;
import io.fedfactory.proto.v1.ListModulesRequest;
import io.fedfactory.proto.v1.ModuleKind;
import io.fedfactory.proto.v1.StartTrainingRequest;
import io.fedfactory.proto.v1.UnlearningCertificate;
import io.fedfactory.security.CredentialFiles;
import io.fedfactory.security.Identity;
import io.fedfactory.security.PkiDirectory;
import io.fedfactory.security.Role;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** The coordinator's and auditor's command line: talks to the aggregator's administration gRPC API. */
@Command(name = "fedfactory-admin", mixinStandardHelpOptions = true, version = "fedfactory 0.1.0",
        description = "Administer federations on a fedfactory aggregator: create, inspect, train, unlearn.",
        subcommands = {AdminCli.Create.class, AdminCli.Status.class, AdminCli.Close.class, AdminCli.Modules.class,
                AdminCli.Train.class, AdminCli.Delete.class, AdminCli.Certificate.class, AdminCli.Versions.class,
                AuditCommand.class, VerifyCertificateCommand.class, VerifyLineageCommand.class, EventsCommand.class,
                LoginTokenCommand.class},
        footer = {"", "Every command prints the aggregator's answer as JSON. Exit codes: 0 ok, 1 refused by the "
                + "aggregator (its message says why) or a certificate that does not verify, 2 bad usage.", "",
                "Identity: each command connects over mutual TLS with a certificate from --tls-dir (made by deploy/pki): "
                + "create, close, train, status, modules and versions as coordinator:coordinator; delete and "
                + "certificate and audit as auditor:auditor; login-token (for the web console) as coordinator:coordinator. Override with --as <role>:<name> or --certificate/--private-key, "
                + "given before the command: fedfactory-admin --as auditor:auditor-2 delete ..."})
public final class AdminCli {

    static final Identity COORDINATOR = new Identity(Role.COORDINATOR, "coordinator");
    static final Identity AUDITOR = new Identity(Role.AUDITOR, "auditor");

    @Option(names = "--aggregator", defaultValue = "127.0.0.1:9081",
            description = "Aggregator gRPC address host:port (default: ${DEFAULT-VALUE}).")
    String aggregator;

    @Option(names = "--tls-dir", defaultValue = "run/pki",
            description = "Folder of the certificates deploy/pki made (default: ${DEFAULT-VALUE}).")
    Path tlsDir;
    @Option(names = "--as", description = "Act as <role>:<name>, using <tls-dir>/<role>-<name>.pem and -key.pem "
            + "(default: the command's own role, see below).")
    String as;
    @Option(names = "--certificate", description = "Client certificate (PEM); overrides --as.")
    Path certificate;
    @Option(names = "--private-key", description = "Its private key (PEM, PKCS#8).")
    Path privateKey;
    @Option(names = "--ca", description = "CA certificate to trust for the aggregator (default: <tls-dir>/ca.pem).")
    Path ca;
    @Option(names = "--plaintext", description = "No TLS (an aggregator started with fedfactory.tls.enabled=false).")
    boolean plaintext;

    @Option(names = "--timeout", defaultValue = "60", description = "Seconds to wait for an answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new AdminCli()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof StatusRuntimeException s) {
                // Code and reason (with field, value, limit) first: what a script decides on; then the message.
                cmd.getErr().println("refused: " + TypedErrors.describe(s));
                return 1;
            }
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("fedfactory-admin: " + e.getMessage());
                return 2;
            }
            throw e;
        }).execute(args);
    }

    /** The TLS identity a command uses: explicit files, else --as, else the command's default role. */
    ClientTls tls(Identity commandDefault) {
        if (plaintext) return ClientTls.plaintext();
        PkiDirectory pki = new PkiDirectory(tlsDir);
        Path trusted = ca != null ? ca : pki.caCertificate();
        if (certificate != null || privateKey != null) {
            if (certificate == null || privateKey == null) {
                throw new CommandLine.ParameterException(new CommandLine(this), "give both --certificate and --private-key");
            }
            return ClientTls.of(new CredentialFiles(certificate, privateKey, trusted));
        }
        Identity id = commandDefault;
        if (as != null) {
            String[] rn = as.split(":", 2);
            try {
                if (rn.length != 2) throw new IllegalArgumentException("expected <role>:<name>, got '" + as + "'");
                id = new Identity(Role.fromUnit(rn[0]), rn[1]);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--as: " + e.getMessage());
            }
        }
        CredentialFiles f = pki.files(id);
        return ClientTls.of(new CredentialFiles(f.certificate(), f.privateKey(), trusted));
    }

    <T> T call(Identity commandDefault, java.util.function.Function<FederationAdminGrpc.FederationAdminBlockingStub, T> rpc) {
        return onChannel(commandDefault, ch -> rpc.apply(
                FederationAdminGrpc.newBlockingStub(ch).withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS)));
    }

    <T> T onChannel(Identity commandDefault, java.util.function.Function<ManagedChannel, T> rpc) {
        String[] hp = aggregator.split(":");
        if (hp.length != 2) throw new CommandLine.ParameterException(new CommandLine(this), "--aggregator must be host:port");
        ManagedChannel channel = tls(commandDefault).channel(hp[0], Integer.parseInt(hp[1]), 32 << 20);
        try {
            return rpc.apply(channel);
        } finally {
            channel.shutdownNow();
        }
    }

    static int print(MessageOrBuilder message) throws Exception {
        System.out.println(JsonFormat.printer().print(message));
        return 0;
    }

    /** Base of the subcommands: reach the aggregator through the parent's options. */
    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        AdminCli cli;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Open a federation.")
    static final class Create extends Sub {
        @Option(names = "--id", required = true, description = "Federation id, [a-z0-9-]{1,64}.")
        String id;
        @Option(names = "--labels", required = true, split = ",", description = "Class names, comma-separated, in output order.")
        List<String> labels;
        @Option(names = "--image", defaultValue = "1x28x28", description = "Image spec CxHxW (default: ${DEFAULT-VALUE}).")
        String image;
        @Option(names = "--value-range", defaultValue = "0:1", description = "Pixel range min:max (default: ${DEFAULT-VALUE}).")
        String range;
        @Option(names = "--kinds", defaultValue = "decoder,diffusion,latent-diffusion", split = ",",
                description = "Accepted module kinds: decoder, diffusion, latent-diffusion (default: ${DEFAULT-VALUE}).")
        List<String> kinds;
        @Option(names = "--samples-per-class", defaultValue = "1000", description = "Synthetic samples per class (default: ${DEFAULT-VALUE}).")
        int samples;
        @Option(names = "--seed", defaultValue = "1", description = "Root seed (default: ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--sites", split = ",", description = "Site ids enrolled (comma-separated): only these may upload.")
        List<String> sites = List.of();
        @Option(names = "--expected-sites", defaultValue = "0", description = "Close once this many sites uploaded (0: close by hand); closing does not start training.")
        int expectedSites;
        @Option(names = "--epochs", defaultValue = "3", description = "Classifier epochs (default: ${DEFAULT-VALUE}).")
        int epochs;
        @Option(names = "--width", defaultValue = "16", description = "Classifier base width (default: ${DEFAULT-VALUE}).")
        int width;
        @Option(names = "--threads", defaultValue = "2", description = "Training threads, pinned (default: ${DEFAULT-VALUE}).")
        int threads;
        @Option(names = "--input-blur", defaultValue = "1.5", paramLabel = "SIGMA",
                description = "Sigma in pixels of the Gaussian low-pass the global classifier applies to every image, "
                        + "in training and in the served model; 0 for none, at most 8. A classifier trained on decoder "
                        + "samples does better reading images through the decoders' own blur. Default: ${DEFAULT-VALUE}.")
        float inputBlur;

        @Option(names = "--augment", defaultValue = "none",
                description = "Augmentation of the synthetic images: none, crop (random crop after 2-pixel padding; for "
                        + "digits and text) or crop-flip (crop and horizontal flip; natural images). Default: ${DEFAULT-VALUE}.")
        String augment;

        @Override
        public Integer call() throws Exception {
            if (!List.of("none", "crop", "crop-flip").contains(augment)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--augment must be none, crop or crop-flip, got '"
                        + augment + "'");
            }
            String[] chw = image.split("x");
            String[] mm = range.split(":");
            if (chw.length != 3 || mm.length != 2) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--image must be CxHxW and --value-range min:max");
            }
            FederationSpec.Builder spec = FederationSpec.newBuilder().setFederationId(id).addAllLabelNames(labels)
                    .setImageSpec(ImageSpec.newBuilder().setChannels(Integer.parseInt(chw[0]))
                            .setHeight(Integer.parseInt(chw[1])).setWidth(Integer.parseInt(chw[2]))
                            .setValueMin(Float.parseFloat(mm[0])).setValueMax(Float.parseFloat(mm[1])))
                    .setSamplesPerClass(samples).setSeed(seed)
                    .setRecipe(ClassifierRecipe.newBuilder().setBaseWidth(width).addBlocksPerStage(1).addBlocksPerStage(1)
                            .setEpochs(epochs).setBatchSize(128).setLearningRate(0.05f).setMomentum(0.9f)
                            .setWeightDecay(1e-4f).setThreads(threads).setAugment(!augment.equals("none"))
                            .setAugmentCropOnly(augment.equals("crop")).setInputBlur(inputBlur))
                    .setClosePolicy(ClosePolicy.newBuilder().setExpectedSites(expectedSites).setManual(expectedSites == 0))
                    .addAllEnrolledSiteIds(sites);
            for (String k : kinds) {
                io.fedfactory.generative.ModuleKind kind;
                try {
                    kind = io.fedfactory.generative.ModuleKind.fromWireName(k.trim());
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(new CommandLine(this),
                            "--kinds: unknown kind '" + k + "' (decoder, diffusion, latent-diffusion)");
                }
                spec.addAcceptedKinds(io.fedfactory.lineage.WireManifests.wireKind(kind));
            }
            return print(cli.call(COORDINATOR, s -> s.createFederation(CreateFederationRequest.newBuilder().setSpec(spec).build())));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a federation's state, modules, sites and served model.")
    static final class Status extends Sub {
        @Option(names = "--id", required = true) String id;

        @Override
        public Integer call() throws Exception {
            return print(cli.call(COORDINATOR, s -> s.getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(id).build())));
        }
    }

    @Command(name = "close", mixinStandardHelpOptions = true,
            description = "Stop accepting uploads. Closing does not start training: run `train` for that.")
    static final class Close extends Sub {
        @Option(names = "--id", required = true) String id;

        @Override
        public Integer call() throws Exception {
            return print(cli.call(COORDINATOR, s -> s.closeFederation(CloseFederationRequest.newBuilder().setFederationId(id).build())));
        }
    }

    @Command(name = "modules", mixinStandardHelpOptions = true, description = "List admitted (and optionally deleted) modules.")
    static final class Modules extends Sub {
        @Option(names = "--id", required = true) String id;
        @Option(names = "--site", defaultValue = "", description = "Only this site's modules.") String site;
        @Option(names = "--include-deleted") boolean deleted;

        @Override
        public Integer call() throws Exception {
            return print(cli.call(COORDINATOR, s -> s.listModules(ListModulesRequest.newBuilder().setFederationId(id)
                    .setSiteId(site).setIncludeDeleted(deleted).build())));
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Start synthesis and global training (closes the federation first); follow with `events`.")
    static final class Train extends Sub {
        @Option(names = "--id", required = true) String id;

        @Override
        public Integer call() throws Exception {
            return print(cli.call(COORDINATOR, s -> s.startTraining(StartTrainingRequest.newBuilder().setFederationId(id).build())));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Unlearn: delete modules by id or all of a site's, revoke affected models, retrain, certify.")
    static final class Delete extends Sub {
        @Option(names = "--id", required = true, description = "Federation id.") String id;
        @Option(names = "--module", split = ",", description = "Module ids to delete.") List<String> modules = List.of();
        @Option(names = "--site", defaultValue = "", description = "Delete every module of this site.") String site;
        @Option(names = "--reason", required = true, description = "Why (kept in the audit log).") String reason;
        @Option(names = "--by", defaultValue = "",
                description = "Who orders the deletion; the aggregator records the caller's identity and refuses a "
                        + "value that differs from it (default: that identity, <role>:<name>).") String by;

        @Override
        public Integer call() throws Exception {
            if (modules.isEmpty() == site.isEmpty()) {
                throw new CommandLine.ParameterException(new CommandLine(this), "give either --module or --site");
            }
            // The aggregator takes requested_by from the caller's certificate; sending the same value keeps the
            // request explicit in its own log.
            Identity caller = cli.tls(AUDITOR).identity();
            String requestedBy = !by.isEmpty() ? by : (caller != null ? caller : AUDITOR).toString();
            return print(cli.call(AUDITOR, s -> s.deleteModules(DeleteModulesRequest.newBuilder().setFederationId(id)
                    .addAllModuleIds(modules).setSiteId(site).setReason(reason).setRequestedBy(requestedBy).build())));
        }
    }

    @Command(name = "certificate", mixinStandardHelpOptions = true,
            description = "Show an unlearning certificate (signed by the aggregator), optionally saving it for verify-certificate.")
    static final class Certificate extends Sub {
        @Option(names = "--cert", required = true, description = "Certificate id.") String id;
        @Option(names = "--out", description = "Also save it here: protobuf JSON, or binary protobuf if the name ends in .pb.")
        Path out;

        @Override
        public Integer call() throws Exception {
            UnlearningCertificate cert = cli.call(AUDITOR, s -> s.getCertificate(GetCertificateRequest.newBuilder()
                    .setCertificateId(id).build()));
            if (out != null) {
                CertificateFiles.write(out, cert);
                System.err.println("saved to " + out.toAbsolutePath());
            }
            return print(cert);
        }
    }

    @Command(name = "versions", mixinStandardHelpOptions = true,
            description = "List model versions with the modules they were trained from; --lineage: each version's full lineage.")
    static final class Versions extends Sub {
        @Option(names = "--id", required = true) String id;
        @Option(names = "--lineage", description = "Print each version's full lineage (seed, effective recipe, plan, shard "
                + "hashes, sampler, threads, library and code versions, weight hash) instead of the summary.")
        boolean lineage;

        @Override
        public Integer call() throws Exception {
            var versions = cli.call(COORDINATOR, s -> s.listModelVersions(ListModelVersionsRequest.newBuilder().setFederationId(id).build()));
            if (!lineage) {
                var summary = versions.toBuilder();
                summary.getVersionsBuilderList().forEach(v -> v.clearFullLineage());
                return print(summary);
            }
            for (var v : versions.getVersionsList()) {
                System.out.println("# " + v.getVersion() + (v.getRevoked() ? " (revoked)" : ""));
                print(v.getFullLineage());
            }
            return 0;
        }
    }
}
