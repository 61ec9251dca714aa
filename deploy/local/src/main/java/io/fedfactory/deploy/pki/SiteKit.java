package io.fedfactory.deploy.pki;

import io.fedfactory.security.CredentialFiles;
import io.fedfactory.security.Identity;
import io.fedfactory.storage.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Everything one site needs to join a federation, in one folder: its certificate and key, the CA, a
 * {@code site.properties} with its site id, the federation id and the aggregator's address (what the
 * client node's {@code --kit} reads), and a README with the one command to run. Only this folder
 * goes to the site; the CA's key never does.
 */
public final class SiteKit {

    /** The command the README gives, run from inside the kit folder; {@code <data>} stands for the site's images. */
    public static String command(Path clientNode) {
        return "java -jar " + clientNode.toAbsolutePath().normalize() + " --kit . --data <data> --evaluate";
    }

    public static List<Path> write(Path kit, Identity site, CredentialFiles files, String federation, String aggregator,
                                   Path clientNode) throws IOException {
        Files.createDirectories(kit);
        Path cert = copy(files.certificate(), kit);
        Path key = copy(files.privateKey(), kit);
        Path ca = copy(files.trustedCa(), kit);
        String settings = "# A fedfactory site's startup kit: read by client-node --kit.\n"
                + "site-id=" + site.name() + "\nfederation=" + federation + "\naggregator=" + aggregator
                + "\ncertificate=" + cert.getFileName() + "\nprivate-key=" + key.getFileName() + "\nca=" + ca.getFileName() + "\n";
        Path properties = kit.resolve("site.properties");
        AtomicFiles.write(properties, settings.getBytes(StandardCharsets.UTF_8));
        String readme = "# Startup kit of site `" + site.name() + "` for federation `" + federation + "`\n\n"
                + "The one command, run from this folder (`<data>` is your image folder: `<data>/train/<label>/*.png` "
                + "and `<data>/test/<label>/*.png`, or `<data>/<label>/*.png`, holding any of the federation's labels):\n\n"
                + "    " + command(clientNode) + "\n\n"
                + "It checks your images against the federation's spec (every refused file is listed before anything "
                + "is trained), trains one module per class you hold, uploads them once to the aggregator at `"
                + aggregator + "`, then evaluates the global model on your test images. Your images never leave this "
                + "machine. To see what it would do first, put `check` after the jar: it trains and uploads nothing.\n\n"
                + "Files:\n\n"
                + "- `" + cert.getFileName() + "`, `" + key.getFileName() + "`: this site's certificate and private key "
                + "(mutual TLS as `" + site + "`); keep the key private.\n"
                + "- `" + ca.getFileName() + "`: the federation's CA, the only issuer trusted for the aggregator.\n"
                + "- `site.properties`: site id, federation id and the aggregator's address.\n\n"
                + "The site program opens no port; it needs to reach only the aggregator. `client-node --help` lists "
                + "every option (size policy, class minimum, held-out fraction, module kind).\n";
        Path readmeFile = kit.resolve("README.md");
        AtomicFiles.write(readmeFile, readme.getBytes(StandardCharsets.UTF_8));
        return List.of(cert, key, ca, properties, readmeFile);
    }

    private static Path copy(Path file, Path dir) throws IOException {
        Path target = dir.resolve(file.getFileName());
        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    private SiteKit() {
    }
}
