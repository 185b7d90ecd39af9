package io.minbus.bench.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The report's chart, drawn as plain SVG: p50 round trip (left) and round trips per second (right)
 * against the number of concurrent channels, log-log, one line per unpinned system, with a bar
 * from the slowest to the fastest round at every point.
 */
public final class SvgChart {

    private static final String[] COLORS = {
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    };
    private static final int PANEL_W = 430;
    private static final int PANEL_H = 300;
    private static final int LEFT = 70;
    private static final int TOP = 40;
    private static final int GAP = 110;

    private SvgChart() {
    }

    /** Scenarios placed anywhere (unpinned) with round trips at two or more of the sweep's channel counts. */
    static Map<Scenario, Map<Integer, Series>> sweep(Results results) {
        Map<Scenario, Map<Integer, Series>> rows = new LinkedHashMap<>();
        for (Series x : results.all()) {
            Probe p = x.probe();
            if (x.scenario().placement() == Placement.ANY && p.workload() == Workload.ROUND_TRIP
                    && results.settings().channels().contains(p.concurrency()) && !x.rate().isEmpty()) {
                rows.computeIfAbsent(x.scenario(), k -> new LinkedHashMap<>()).put(p.concurrency(), x);
            }
        }
        rows.values().removeIf(m -> m.size() < 2);
        return rows;
    }

    public static String render(Results results) {
        Map<Scenario, Map<Integer, Series>> rows = sweep(results);
        List<Integer> channels = results.settings().channels();
        int legendRows = (rows.size() + 1) / 2;
        int width = LEFT + PANEL_W * 2 + GAP + 30;
        int height = TOP + PANEL_H + 75 + legendRows * 20 + 10;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
                width, height, width, height));
        panel(svg, LEFT, "p50 round trip, 64 B (µs, log)", rows, channels, Series::percentileMicros50, true);
        panel(svg, LEFT + PANEL_W + GAP, "round trips per second (log)", rows, channels, Series::opsPerSecond, false);
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#444\">unpinned; dot: median of the rounds, "
                + "bar: slowest to fastest round; lines for both panels:</text>%n", LEFT, TOP + PANEL_H + 55));
        int i = 0;
        for (Scenario sc : rows.keySet()) {
            int x = LEFT + (i % 2) * (PANEL_W + GAP);
            int y = TOP + PANEL_H + 75 + (i / 2) * 20;
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2.5\"/>"
                            + "<text x=\"%d\" y=\"%d\">%s</text>%n",
                    x, y - 4, x + 24, y - 4, COLORS[i % COLORS.length], x + 30, y, escape(sc.system() + ": " + sc.topology())));
            i++;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void panel(StringBuilder svg, int x0, String title, Map<Scenario, Map<Integer, Series>> rows,
                              List<Integer> channels, Function<Series, double[]> values, boolean latency) {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (Map<Integer, Series> byN : rows.values()) {
            for (Series s : byN.values()) {
                for (double v : values.apply(s)) {
                    if (v > 0 && !Double.isNaN(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
        }
        if (hi == 0) {
            return;
        }
        double yMin = Math.floor(Math.log10(lo));
        double yMax = Math.ceil(Math.log10(hi));
        if (yMax == yMin) {
            yMax++;
        }
        double xMin = Math.log10(channels.get(0));
        double xMax = Math.log10(channels.get(channels.size() - 1));
        Function<Double, Double> px = n -> x0 + (xMax == xMin ? PANEL_W / 2.0 : (Math.log10(n) - xMin) / (xMax - xMin) * PANEL_W);
        final double fyMin = yMin;
        final double fyMax = yMax;
        Function<Double, Double> py = v -> TOP + PANEL_H - (Math.log10(v) - fyMin) / (fyMax - fyMin) * PANEL_H;

        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                x0, TOP - 15, escape(title)));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n",
                x0, TOP, PANEL_W, PANEL_H));
        for (double d = yMin; d <= yMax; d++) {
            for (int m : new int[] {1, 2, 5}) {
                double v = m * Math.pow(10, d);
                if (Math.log10(v) > yMax + 1e-9) {
                    continue;
                }
                double y = py.apply(v);
                svg.append(String.format(Locale.ROOT,
                        "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>"
                                + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                        x0, y, x0 + PANEL_W, y, m == 1 ? "#ccc" : "#eee", x0 - 6, y + 4, axisLabel(v)));
            }
        }
        for (int n : channels) {
            double x = px.apply((double) n);
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x, TOP, x, TOP + PANEL_H, x, TOP + PANEL_H + 16, String.format(Locale.ROOT, "%,d", n)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">concurrent channels (log)</text>%n",
                x0 + PANEL_W / 2, TOP + PANEL_H + 34));
        int i = 0;
        for (Map<Integer, Series> byN : rows.values()) {
            String color = COLORS[i++ % COLORS.length];
            List<String> points = new ArrayList<>();
            for (int n : channels) {
                Series s = byN.get(n);
                if (s == null) {
                    continue;
                }
                Spread sp = Spread.of(values.apply(s));
                if (sp.isEmpty() || sp.median() <= 0) {
                    continue;
                }
                double x = px.apply((double) n);
                double y = py.apply(sp.median());
                points.add(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
                svg.append(String.format(Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\"/>"
                                + "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s</title></circle>%n",
                        x, py.apply(sp.min()), x, py.apply(sp.max()), color, x, y, color,
                        escape(s.scenario().system() + ", " + n + " channels: "
                                + (latency ? Format.micros(sp.median()) : Format.count(sp.median()) + "/s"))));
            }
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    String.join(" ", points), color));
        }
    }

    private static String axisLabel(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.0fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        }
        return String.format(Locale.ROOT, v < 1 ? "%.1f" : "%.0f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
