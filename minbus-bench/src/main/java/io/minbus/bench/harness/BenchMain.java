package io.minbus.bench.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Entry point of the comparison: {@code bench/run.sh} builds everything and runs this class.
 *
 * <pre>
 * java -cp minbus-bench/target/benchmarks.jar io.minbus.bench.harness.BenchMain [options]
 *   --quick               short run (~1-2 min): 2 rounds of 150 ms per probe
 *   --rounds N            measured rounds (default 5)          --warmup-rounds N (default 1)
 *   --duration-ms N       measured time per probe and round (default 1000)
 *   --warmup-ms N         traffic before measuring, per probe and round (default 200)
 *   --channels 1,10,..    concurrency sweep of the chart (default 1,10,100,1000)
 *   --only REGEX          run only scenarios whose id (e.g. c/relay@one-cpu) matches
 *   --no-pinned           skip the pinned variants (@one-cpu, @split)
 *   --wait-quiet S        before each round wait up to S s for other processes to go quiet (full: 60, quick: 0)
 *   --busy-repeats N      repeat a run up to N times while other processes use over 15 % of the CPUs (full: 2, quick: 0)
 *   --scale-plugins N     plugins registered on one bus by minbus/scale (default 10000)
 *   --out FILE            report to update (default docs/benchmarks.md under the root)
 *   --root DIR            repository root (default: found upwards from the working directory)
 *   --target DIR          where bench-logs/ and bench-results.csv go (default minbus-bench/target)
 *   --list                print the scenario ids and exit
 * </pre>
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        // Ctrl-C or kill: end every child (servers, brokers, drivers) rather than leave them running
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy)));
        System.exit(run(args, System.err));
    }

    /** Runs the comparison; returns the exit status (0 when something was measured and nothing failed). */
    public static int run(String[] args, PrintStream progress) throws Exception {
        Options o = Options.parse(args);
        RunSettings settings = o.settings();
        List<Scenario> scenarios = new ArrayList<>();
        for (Scenario s : Catalog.all(settings)) {
            if (o.only == null || o.only.matcher(s.id()).find()) {
                scenarios.add(s);
            }
        }
        if (o.list) {
            scenarios.forEach(s -> progress.println(s.id() + "\t" + s.system() + "\t" + s.topology()));
            return 0;
        }
        Path root = o.root != null ? o.root : findRoot();
        Path bench = o.target != null ? o.target : root.resolve("minbus-bench/target");
        Path logs = bench.resolve("bench-logs");
        deleteTree(logs);
        Files.createDirectories(logs);
        Path work = Files.createTempDirectory("minbus-bench-");
        BenchContext context = new BenchContext(root, root.resolve("minbus-bench/target/native"), work, logs,
                ProcessHandle.current().info().command().orElse("java"), System.getProperty("java.class.path"),
                Runtime.getRuntime().availableProcessors());
        progress.printf(Locale.ROOT, "bench: %d scenarios, %s mode, logs in %s%n", scenarios.size(),
                settings.quick() ? "quick" : "full", logs);
        Results results;
        try {
            results = new Runner(context, settings, progress).run(scenarios);
        } finally {
            deleteTree(work);
        }

        Path out = o.out != null ? o.out : root.resolve("docs/benchmarks.md");
        String chartName = out.getFileName().toString().replaceFirst("\\.md$", "") + "-channels.svg";
        Map<String, String> machine = MachineInfo.collect();
        new MarkdownReport(results, machine, chartName).writeInto(out);
        Files.writeString(out.resolveSibling(chartName), SvgChart.render(results));
        Path csv = bench.resolve("bench-results.csv");
        writeCsv(results, csv);
        progress.println("bench: wrote " + out + ", " + out.resolveSibling(chartName) + " and " + csv);

        long failed = results.all().stream().filter(x -> !x.failures().isEmpty()).count();
        if (results.all().isEmpty()) {
            progress.println("bench: nothing was measured");
            return 1;
        }
        if (failed > 0) {
            progress.println("bench: " + failed + " probes had failed rounds (see the report's 'Failed rounds')");
            return 1;
        }
        return 0;
    }

    static void writeCsv(Results results, Path csv) throws IOException {
        StringBuilder b = new StringBuilder("scenario,system,topology,cpus,probe,round,background_cpu,count,elapsed_ns,bytes,p50_us,p99_us,ops_per_s,bytes_per_s,error,extras\n");
        for (Series x : results.all()) {
            for (int i = 0; i < x.roundCount(); i++) {
                RoundResult r = x.round(i);
                b.append(String.join(",", x.scenario().id(), quote(x.scenario().system()), quote(x.scenario().topology()),
                        x.scenario().placement().label(), quote(x.probe().label()), Integer.toString(i),
                        String.format(Locale.ROOT, "%.3f", x.background()[i])));
                if (r == null) {
                    b.append(",,,,,,,,failed,\n");
                    continue;
                }
                b.append(String.format(Locale.ROOT, ",%d,%d,%d,%.3f,%.3f,%.1f,%.1f,,", r.count(), r.elapsedNanos(), r.bytes(),
                        r.histogram().percentile(50) / 1000, r.histogram().percentile(99) / 1000, r.opsPerSecond(), r.bytesPerSecond()));
                StringBuilder extras = new StringBuilder();
                r.extras().forEach((k, v) -> extras.append(extras.isEmpty() ? "" : ";").append(k).append('=')
                        .append(String.format(Locale.ROOT, "%.6g", v)));
                b.append(extras).append('\n');
            }
        }
        Files.createDirectories(csv.getParent());
        Files.writeString(csv, b);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /** The nearest directory upwards that holds bench/run.sh. */
    static Path findRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("bench/run.sh"))) {
                return p;
            }
        }
        throw new IllegalArgumentException("cannot find the repository root (a directory with bench/run.sh) above "
                + Path.of("").toAbsolutePath() + "; pass --root");
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Options {
        boolean quick;
        boolean list;
        boolean noPinned;
        Integer rounds;
        Integer warmupRounds;
        Long durationMs;
        Long warmupMs;
        Integer busyRepeats;
        Long waitQuietS;
        Integer scalePlugins;
        List<Integer> channels;
        Pattern only;
        Path out;
        Path root;
        Path target;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> o.quick = true;
                    case "--list" -> o.list = true;
                    case "--no-pinned" -> o.noPinned = true;
                    case "--rounds" -> o.rounds = Integer.parseInt(value(args, ++i, a));
                    case "--warmup-rounds" -> o.warmupRounds = Integer.parseInt(value(args, ++i, a));
                    case "--duration-ms" -> o.durationMs = Long.parseLong(value(args, ++i, a));
                    case "--warmup-ms" -> o.warmupMs = Long.parseLong(value(args, ++i, a));
                    case "--channels" -> o.channels = Arrays.stream(value(args, ++i, a).split(","))
                            .map(String::trim).map(Integer::parseInt).sorted().toList();
                    case "--busy-repeats" -> o.busyRepeats = Integer.parseInt(value(args, ++i, a));
                    case "--wait-quiet" -> o.waitQuietS = Long.parseLong(value(args, ++i, a));
                    case "--scale-plugins" -> o.scalePlugins = Integer.parseInt(value(args, ++i, a));
                    case "--only" -> o.only = Pattern.compile(value(args, ++i, a));
                    case "--out" -> o.out = Path.of(value(args, ++i, a)).toAbsolutePath();
                    case "--root" -> o.root = Path.of(value(args, ++i, a)).toAbsolutePath();
                    case "--target" -> o.target = Path.of(value(args, ++i, a)).toAbsolutePath();
                    default -> throw new IllegalArgumentException("unknown option " + a + " (see the BenchMain javadoc or docs/benchmarks.md)");
                }
            }
            return o;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        RunSettings settings() {
            RunSettings d = quick ? RunSettings.quickRun() : RunSettings.full();
            return new RunSettings(quick,
                    warmupRounds != null ? warmupRounds : d.warmupRounds(),
                    rounds != null ? rounds : d.rounds(),
                    warmupMs != null ? Duration.ofMillis(warmupMs) : d.warmupTime(),
                    durationMs != null ? Duration.ofMillis(durationMs) : d.duration(),
                    durationMs != null ? Duration.ofMillis(Math.max(durationMs, d.warmupRoundDuration().toMillis())) : d.warmupRoundDuration(),
                    channels != null ? channels : d.channels(),
                    !noPinned && d.pinned(), d.busyThreshold(),
                    busyRepeats != null ? busyRepeats : d.busyRepeats(),
                    waitQuietS != null ? Duration.ofSeconds(waitQuietS) : d.waitQuiet(),
                    scalePlugins != null ? scalePlugins : d.scalePlugins());
        }
    }
}
