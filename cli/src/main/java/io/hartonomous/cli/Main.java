package io.hartonomous.cli;

import io.hartonomous.cli.atom.AtomCommands;
import io.hartonomous.cli.billing.BillingCommands;
import io.hartonomous.cli.launcher.LauncherCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hartonomous}: runs the suite locally and talks to it. Start with
 * {@code ./hartonomous up}.
 */
@Command(name = "hartonomous", mixinStandardHelpOptions = true, version = "hartonomous 0.1.0",
        description = "Run the Hartonomous suite locally and talk to it.",
        subcommands = {LauncherCommands.Up.class, LauncherCommands.Down.class, LauncherCommands.Status.class,
                LauncherCommands.Token.class, LauncherCommands.Supervise.class,
                AtomCommands.Ingest.class, AtomCommands.Get.class, AtomCommands.Ls.class, AtomCommands.Stats.class,
                AtomCommands.Rm.class, BillingCommands.Usage.class, BillingCommands.Quota.class,
                io.hartonomous.cli.search.SearchCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        int status = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(status);
    }
}
