package pl.krakow.pulse.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import pl.krakow.pulse.runtime.PlatformReachability;

/** The {@code pulse} command line: one sub-command per way of running Kraków Pulse. */
@Command(name = "pulse", mixinStandardHelpOptions = true, version = "Kraków Pulse 0.1.0",
        description = "Kraków Pulse: live SRK 2030 indicators from the city's sensor and open-data feeds.",
        subcommands = {RunCommand.class, ComponentCommand.Ingest.class, ComponentCommand.Indicators.class,
                ComponentCommand.Alerting.class, ComponentCommand.Publish.class, ReplayCommand.class, ExportCommand.class, ConfigCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class PulseCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        int exit = new CommandLine(new PulseCommand())
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    if (ex instanceof IllegalArgumentException) {
                        cmd.getErr().println("pulse: " + ex.getMessage());
                        return 2;
                    }
                    if (ex instanceof PlatformReachability.UnreachableException) {
                        cmd.getErr().println("pulse: " + ex.getMessage());
                        return 3;
                    }
                    // Anything else (a port in use, a data directory not writable): the stack trace for the developer,
                    // then one line, last, for the operator.
                    ex.printStackTrace(cmd.getErr());
                    cmd.getErr().println("pulse " + cmd.getCommandName() + " failed: " + rootMessage(ex));
                    return 1;
                })
                .execute(args);
        System.exit(exit);
    }

    /** The innermost cause's message (e.g. "Address already in use"), with the outer message when it differs. */
    static String rootMessage(Throwable ex) {
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String outer = String.valueOf(ex.getMessage());
        String inner = root.getClass().getSimpleName() + ": " + root.getMessage();
        return root == ex || outer.contains(String.valueOf(root.getMessage())) ? outer : outer + " (" + inner + ")";
    }
}
