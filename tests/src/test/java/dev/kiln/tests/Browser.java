package dev.kiln.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian Chromium driven by the system chromedriver. Both paths are given to Selenium,
 * so Selenium Manager never looks for (or downloads) a browser or a driver.
 */
final class Browser {
  static final String CHROMIUM = System.getProperty("kiln.chromium", "/usr/bin/chromium");
  static final String CHROMEDRIVER = System.getProperty("kiln.chromedriver", "/usr/bin/chromedriver");

  private Browser() {}

  /** A fresh browser with its own profile folder in {@code profileDir}. */
  static ChromeDriver start(Path profileDir) throws IOException {
    for (String exe : new String[] {CHROMIUM, CHROMEDRIVER}) {
      if (!Files.isExecutable(Path.of(exe))) {
        fail(exe + " is missing: install Debian's browser and driver with"
            + " `apt-get install -y chromium chromium-driver` (.ci/run does), or point"
            + " -Dkiln.chromium / -Dkiln.chromedriver at them");
      }
    }
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
    Files.createDirectories(profileDir);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--user-data-dir=" + profileDir.toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(Path.of(CHROMEDRIVER).toFile()).build();
    return new ChromeDriver(service, options);
  }

  /** How many distinct colours a PNG has: a blank page has one or two. */
  static int distinctColours(byte[] png) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        colours.add(image.getRGB(x, y));
        if (colours.size() > 1000) {
          return colours.size();
        }
      }
    }
    return colours.size();
  }
}
