package io.minbus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Placeholder entry point of {@code minbus} (to be replaced).
 *
 * <p>Exit codes: 0 ok, 1 runtime failure, 2 usage error.
 */
@Command(
    name = "minbus",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "minbus: multiprocess plugin system for the JVM.",
    subcommands = {Main.Demo.class})
public final class Main implements Callable<Integer> {

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (no System.exit; usable from tests). */
  public static int run(String... args) {
    // picocli defaults: usage errors -> 2, exceptions thrown by a command -> 1
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  @Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the demo.")
  static final class Demo implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.println("minbus demo: not yet implemented");
      return EXIT_OK;
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "minbus " + (v == null ? "(dev)" : v),
        "JVM: " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
      };
    }
  }
}
