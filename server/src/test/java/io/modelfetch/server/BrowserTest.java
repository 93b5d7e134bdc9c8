package io.modelfetch.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.TestData;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * driven through WebDriver): check a CivitAI URL, download it from a throttled origin and watch the
 * bar move to 100 %, pause and resume another download, reload the page mid-download, and read the
 * error of a broken URL. Screenshots go to {@code target/screenshots/}. Without Chromium the test
 * is skipped, or fails when {@code CI=true}.
 */
class BrowserTest {
  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @TempDir
  Path models;
  @TempDir
  Path profile;
  private FakeOrigin origin;
  private ModelServer server;
  private ChromeDriver browser;

  @BeforeEach
  void start() throws IOException {
    if (!CHROMIUM.canExecute() || !CHROMEDRIVER.canExecute()) {
      String why = "needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): "
          + "apt-get install -y chromium chromium-driver";
      if ("true".equals(System.getenv("CI"))) {
        fail(why);
      }
      Assumptions.abort(why);
    }
    origin = FakeOrigin.start();
    server = ModelServer.start(new ServerConfig("127.0.0.1", 0, models, true,
        Map.of("CIVITAI_ENDPOINT", origin.url(""))));
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    // as root in a container: no sandbox; no background traffic to Google's hosts (the network is closed)
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--window-size=1100,1000", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  @Test
  void checkDownloadPauseResumeAndErrorsInTheBrowser() throws Exception {
    try {
      run();
    } catch (Exception | AssertionError e) {
      screenshot("failure");
      System.out.println("the server's view: " + new ApiClient(server.uri()).get("/api/downloads").json());
      throw e;
    }
  }

  private void run() throws Exception {
    long started = System.nanoTime();
    byte[] lora = TestData.bytes(3 << 20, 11);
    FakeCivitai.serve(origin, lora, Base64.getDecoder().decode(PREVIEW_PNG)).throttle(160 << 10);
    byte[] checkpoint = TestData.bytes(8 << 20, 12);
    origin.file("/files/bigCheckpoint_v1.safetensors", checkpoint).throttle(32 << 10);

    browser.get(server.uri().toString());
    wait(10).until(d -> new Select(d.findElement(By.id("folder"))).getOptions().size() == 5);
    assertThat(browser.findElement(By.id("live")).getText()).isNotBlank();

    // check: the resolve answer with its preview image
    type("url", FakeCivitai.PAGE_URL);
    new Select(browser.findElement(By.id("folder"))).selectByValue("loras");
    browser.findElement(By.id("check")).click();
    WebElement card = wait(30).until(d -> visible(d, By.id("resolve-result")));
    assertThat(card.getText()).contains("Toon Style", "v2.0", "LORA", "SD 1.5", "toon style", "bold outlines",
        "toonStyle_v20.safetensors");
    WebElement preview = card.findElement(By.tagName("img"));
    wait(10).until(d -> (Boolean) browser.executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", preview));
    screenshot("1-checked");
    System.out.println("checked after " + (System.nanoTime() - started) / 1_000_000 + " ms");

    // download: the bar moves and reaches 100 %
    browser.findElement(By.id("download")).click();
    WebElement row = wait(10).until(d -> d.findElement(By.cssSelector(".download")));
    TreeSet<Double> seen = new TreeSet<>();
    boolean shot = false;
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (!row.getAttribute("class").contains("completed") && System.nanoTime() < deadline) {
      String percent = row.getAttribute("data-percent");
      if (percent != null && !percent.isEmpty()) {
        seen.add(Double.parseDouble(percent));
        if (!shot && Double.parseDouble(percent) > 20) {
          screenshot("2-downloading");
          shot = true;
        }
      }
      Thread.sleep(100);
    }
    assertThat(row.getAttribute("class")).contains("completed");
    assertThat(row.getAttribute("data-percent")).isEqualTo("100");
    assertThat(seen.subSet(0.0, false, 100.0, false)).as("percentages seen between 0 and 100").hasSizeGreaterThan(2);
    assertThat(row.findElement(By.cssSelector(".fill")).getAttribute("style")).contains("width: 100%");
    assertThat(Files.readAllBytes(models.resolve("loras/toonStyle_v20.safetensors"))).isEqualTo(lora);
    // the installed list shows it with what its sidecar says
    WebElement installed = wait(10).until(d -> {
      WebElement m = d.findElement(By.id("models"));
      return m.getText().contains("toonStyle_v20.safetensors") ? m : null;
    });
    assertThat(installed.getText()).contains("Toon Style", "SD 1.5", "loras", "3.00 MiB");

    System.out.println("downloaded after " + (System.nanoTime() - started) / 1_000_000 + " ms");
    // pause and resume another download; a reload in between rebuilds the view from the server
    type("url", origin.url("/files/bigCheckpoint_v1.safetensors"));
    new Select(browser.findElement(By.id("folder"))).selectByValue("checkpoints");
    browser.findElement(By.id("download")).click();
    By big = By.xpath("//div[contains(@class,'download')][.//div[@class='name'][contains(., 'bigCheckpoint')]]");
    wait(20).until(d -> percentOf(d.findElement(big)) > 5);
    d(big).findElement(By.cssSelector("button.pause")).click();
    wait(10).until(d -> d.findElement(big).getAttribute("class").contains("paused"));
    double pausedAt = percentOf(d(big));
    browser.navigate().refresh();
    wait(10).until(d -> d.findElement(big).getAttribute("class").contains("paused"));
    assertThat(browser.findElements(By.cssSelector(".download"))).hasSize(2);
    assertThat(percentOf(d(big))).isEqualTo(pausedAt);
    screenshot("3-paused");
    System.out.println("paused after " + (System.nanoTime() - started) / 1_000_000 + " ms");
    origin.file("/files/bigCheckpoint_v1.safetensors", checkpoint); // the rest at full speed
    d(big).findElement(By.cssSelector("button.resume")).click();
    wait(30).until(d -> d.findElement(big).getAttribute("class").contains("completed"));
    assertThat(Files.readAllBytes(models.resolve("checkpoints/bigCheckpoint_v1.safetensors"))).isEqualTo(checkpoint);

    System.out.println("resumed and completed after " + (System.nanoTime() - started) / 1_000_000 + " ms");
    // errors: a URL the page refuses at once, and one whose server answers 404
    type("url", "not a url");
    browser.findElement(By.id("download")).click();
    WebElement formError = wait(10).until(d -> visible(d, By.id("form-error")));
    assertThat(formError.getText()).contains("is not a URL to download");
    type("url", origin.url("/files/missing.safetensors"));
    browser.findElement(By.id("download")).click();
    By missing = By.xpath("//div[contains(@class,'download')][contains(@class,'failed')]");
    WebElement failed = wait(20).until(d -> d.findElement(missing));
    assertThat(failed.findElement(By.cssSelector(".error")).getText()).contains("not found (HTTP 404)", "check the URL");
    screenshot("4-errors");
  }

  private WebElement d(By by) {
    return browser.findElement(by);
  }

  private static double percentOf(WebElement row) {
    String p = row.getAttribute("data-percent");
    return p == null || p.isEmpty() ? -1 : Double.parseDouble(p);
  }

  private void type(String id, String text) {
    WebElement input = browser.findElement(By.id(id));
    input.clear();
    input.sendKeys(text);
  }

  private static WebElement visible(WebDriver d, By by) {
    WebElement e = d.findElement(by);
    return e.isDisplayed() ? e : null;
  }

  private WebDriverWait wait(int seconds) {
    WebDriverWait w = new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(50));
    w.ignoring(org.openqa.selenium.NoSuchElementException.class)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return w;
  }

  private void screenshot(String name) throws IOException {
    Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
  }

  /** A 48x48 PNG of four coloured squares, the model's preview image. */
  private static final String PREVIEW_PNG = "iVBORw0KGgoAAAANSUhEUgAAADAAAAAwCAIAAADYYG7QAAAAUUlEQVR42u3OMRHAIAAEMBRgoRI6smCjOjBQK5hhq5aawMRv5C4C"
      + "Uu7xR1zziShCQkJCQkJCQkJCQkKHhdZbI77eIoSEhISEhISEhISEhA4LbVhKjSYx4HbvAAAAAElFTkSuQmCC";
}
