package io.fedfactory.client;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The site's program is a command line: asking it for help (or for a bad option) listens on nothing. */
class NoPortsTest {

    /** Inodes of the sockets this JVM holds open. */
    static Set<String> ownSockets() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) inodes.add(target.substring(8, target.length() - 1));
                } catch (IOException gone) {
                    // closed while listing
                }
            }
        }
        return inodes;
    }

    /** Inodes of every TCP socket in state LISTEN on this host (IPv4 and IPv6). */
    static Set<String> listening() throws IOException {
        Set<String> inodes = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) continue;
            for (String line : Files.readAllLines(p).subList(1, Files.readAllLines(p).size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[3].equals("0A")) inodes.add(f[9]);
            }
        }
        return inodes;
    }

    static Set<String> ownListening() throws IOException {
        Set<String> mine = ownSockets();
        mine.retainAll(listening());
        return mine;
    }

    @Test
    void helpAndABadOptionStartNothingAndListenOnNothing() throws IOException {
        assertTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc to see this JVM's sockets");
        Set<String> before = ownListening();
        PrintStream stdout = System.out;
        ByteArrayOutputStream help = new ByteArrayOutputStream();
        System.setOut(new PrintStream(help, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, ClientNodeMain.run("--help"));
            assertEquals(0, ClientNodeMain.run("check", "--help"));
            assertEquals(2, ClientNodeMain.run("--no-such-option"));
        } finally {
            System.setOut(stdout);
        }
        String text = help.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("opens no port") && text.contains("Dry run"), text);
        assertEquals(before, ownListening(), "the client node opened a listening socket");
        assertTrue(Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                        .noneMatch(n -> n.contains("vert.x") || n.contains("kafka") || n.contains("grpc")),
                "a server or consumer thread runs: " + Thread.getAllStackTraces().keySet());
    }

    @Test
    void theListeningSocketCheckSeesAListeningSocket() throws IOException {
        // The check above could not fail if it never saw a socket: open one and see it.
        try (var server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertEquals(1, ownListening().size(), "port " + server.getLocalPort() + " not seen as listening");
        }
    }
}
