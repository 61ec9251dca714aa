package io.fedfactory.bench;

import java.io.PrintStream;

import picocli.CommandLine;

/** What the bench's commands share: picocli parsing into one error type, and exit status 2 for bad input. */
final class Commands {

    /** A command's body: returns its exit status, throws IllegalArgumentException for bad arguments or input. */
    interface Body {
        int run(String[] args, PrintStream out) throws Exception;
    }

    private Commands() {}

    /** Runs {@code body} and exits with its status; bad input prints "error: ..." and exits with 2. */
    static void exit(Body body, String[] args) throws Exception {
        int code;
        try {
            code = body.run(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            code = 2;
        }
        System.exit(code);
    }

    /** The usage text of a picocli options object, as {@code --help} prints it. */
    static String usage(Object options) {
        return new CommandLine(options).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /** {@code options} filled from {@code args}; an unknown or malformed argument is an IllegalArgumentException with the usage. */
    static <T> T parse(T options, String[] args) {
        try {
            new CommandLine(options).parseArgs(args);
        } catch (CommandLine.UnmatchedArgumentException e) {
            throw new IllegalArgumentException("unknown argument '" + e.getUnmatched().get(0) + "'\n" + usage(options));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage() + "\n" + usage(options));
        }
        return options;
    }
}
