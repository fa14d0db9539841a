package stream.terminal.lastmile.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.RangeType;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * benchmarks.png: fanout latency percentiles, delivered msgs/s of the throughput scenarios and RSS per idle
 * connection, as grouped bars in one image. A panel without data is left out and the others share its room.
 */
final class BenchmarkPlot {
  static {
    // benchmarks run on servers without a display; AWT reads this once, so it is set before any field below
    System.setProperty("java.awt.headless", "true");
  }

  static final int WIDTH = 1200;
  static final int HEIGHT = 800;
  /** Above this max/min ratio an axis turns logarithmic, so a fast p50 is not a flat line under a slow p99.9. */
  private static final double LOG_SPREAD = 20;
  private static final List<String> THROUGHPUT_SCENARIOS = List.of("throughput", "many-channels");
  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
  private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 10);

  private record Percentile(String label, String field) {}

  private static final List<Percentile> PERCENTILES = List.of(
      new Percentile("p50", "p50_us"), new Percentile("p99", "p99_us"), new Percentile("p99.9", "p999_us"));

  private BenchmarkPlot() {}

  /** Draws the panels that have data into {@code png}; false, writing nothing, when none has. */
  static boolean write(List<Summary> summaries, Path png) throws IOException {
    List<JFreeChart> panels = Stream.of(latency(summaries), delivered(summaries), idleMemory(summaries))
        .flatMap(Optional::stream)
        .toList();
    if (panels.isEmpty()) {
      return false;
    }
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    // two panels a row; a row with one panel gives it the full width
    int columns = Math.min(2, panels.size());
    int rows = (panels.size() + columns - 1) / columns;
    for (int i = 0; i < panels.size(); i++) {
      int row = i / columns;
      int inRow = Math.min(columns, panels.size() - row * columns);
      double width = (double) WIDTH / inRow;
      double height = (double) HEIGHT / rows;
      panels.get(i).draw(g, new Rectangle2D.Double(i % columns * width, row * height, width, height));
    }
    g.dispose();
    ImageIO.write(image, "png", png.toFile());
    return true;
  }

  private static Optional<JFreeChart> latency(List<Summary> summaries) {
    List<Summary> fanout = in(summaries, List.of("fanout"));
    boolean severalCounts = fanout.stream().map(Summary::subscribers).distinct().count() > 1;
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Summary s : fanout) {
      String category = severalCounts ? s.server() + ", " + s.subscriberCount() : s.server();
      for (Percentile p : PERCENTILES) {
        s.median(p.field()).ifPresent(us -> data.addValue(us / 1000, p.label(), category));
      }
    }
    if (data.getRowCount() == 0) {
      return Optional.empty();
    }
    String counts = fanout.stream().map(Summary::subscriberCount).distinct().collect(Collectors.joining(" / "));
    return Optional.of(bars("fanout latency (ms), " + counts, "server", "latency (ms)", data, "0.00"));
  }

  private static Optional<JFreeChart> delivered(List<Summary> summaries) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Summary s : in(summaries, THROUGHPUT_SCENARIOS)) {
      String category = s.scenario() + ", " + s.subscriberCount();
      s.median("delivered_per_s").ifPresent(v -> data.addValue(v, s.server(), category));
    }
    return data.getRowCount() == 0 ? Optional.empty()
        : Optional.of(bars("delivered messages (msgs/s)", "scenario", "delivered (msgs/s)", data, "#,##0"));
  }

  private static Optional<JFreeChart> idleMemory(List<Summary> summaries) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Summary s : in(summaries, List.of("idle"))) {
      s.median("rss_per_conn_kib").ifPresent(v -> data.addValue(v, s.server(), s.subscriberCount()));
    }
    return data.getRowCount() == 0 ? Optional.empty()
        : Optional.of(bars("idle: RSS per connection (KiB)", "idle connections", "RSS per connection (KiB)", data,
            "0.0"));
  }

  private static JFreeChart bars(String title, String categories, String values, DefaultCategoryDataset data,
      String labelFormat) {
    JFreeChart chart = ChartFactory.createBarChart(title, categories, values, data);
    chart.setTitle(new TextTitle(title, TITLE));
    chart.setBackgroundPaint(Color.WHITE);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlineStroke(new BasicStroke(0.5f));
    plot.setOutlineVisible(false);
    plot.getDomainAxis().setMaximumCategoryLabelLines(2);
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.05);
    renderer.setDefaultItemLabelGenerator(
        new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat(labelFormat)));
    renderer.setDefaultItemLabelFont(LABEL);
    renderer.setDefaultItemLabelsVisible(true);
    // every figure plotted is a count, a time or a size: never below zero, and all zeros still make an axis
    NumberAxis linear = (NumberAxis) plot.getRangeAxis();
    linear.setRangeType(RangeType.POSITIVE);
    linear.setAutoRangeMinimumSize(1);
    double[] range = range(data);
    if (range[0] > 0 && range[1] / range[0] > LOG_SPREAD) {
      // a tick a decade, minor gridlines between: log paper. The bars rise from the decade below the smallest
      // value (their base, zero, has no place on a log axis; a hair lower so rounding in the axis's logarithm
      // keeps that decade's tick) and the top leaves room for the largest one's label.
      LogAxis log = new LogAxis(values + ", log scale");
      log.setLabelFont(linear.getLabelFont());
      log.setTickLabelFont(linear.getTickLabelFont());
      DecimalFormat ticks = new DecimalFormat("#,##0.###");
      log.setTickUnit(new NumberTickUnit(1, ticks, 9));
      log.setNumberFormatOverride(ticks); // plain numbers, not 10 with an exponent
      log.setRange(Math.pow(10, Math.floor(Math.log10(range[0]))) / 1.01, range[1] * 1.5);
      plot.setRangeAxis(log);
      plot.setRangeMinorGridlinesVisible(true);
      plot.setRangeMinorGridlinePaint(new Color(0xE2E2E2));
    }
    return chart;
  }

  /** Smallest and largest value in the dataset; the caller has checked it is not empty. */
  private static double[] range(DefaultCategoryDataset data) {
    double min = Double.MAX_VALUE;
    double max = 0;
    for (int r = 0; r < data.getRowCount(); r++) {
      for (int c = 0; c < data.getColumnCount(); c++) {
        Number value = data.getValue(r, c);
        if (value != null) {
          min = Math.min(min, value.doubleValue());
          max = Math.max(max, value.doubleValue());
        }
      }
    }
    return new double[] {min, max};
  }

  private static List<Summary> in(List<Summary> summaries, List<String> scenarios) {
    return summaries.stream().filter(s -> scenarios.contains(s.scenario())).toList();
  }
}
