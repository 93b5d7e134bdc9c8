package io.modelfetch.gdrive;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Google Drive on loopback, addressed as {@code localhost}: WireMock plays drive.google.com and
 * drive.usercontent.google.com on one port, the way the resolver maps both onto one endpoint. The
 * flows and pages follow research B2: {@code /uc?id=ID&export=download} answers 303 with an
 * <em>absolute</em> drive.usercontent.google.com URL (so the endpoint mapping is exercised), and
 * there a small file comes at once while a large one gets the virus-scan warning whose form leads
 * to {@code /download?id=ID&export=download&confirm=t&uuid=UUID}.
 */
final class DriveStub implements AutoCloseable {
  static final String USERCONTENT = "https://drive.usercontent.google.com";
  final WireMockServer server;

  private DriveStub(WireMockServer server) {
    this.server = server;
  }

  static DriveStub start() {
    WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    return new DriveStub(server);
  }

  /** The endpoint to configure. */
  String endpoint() {
    return "http://localhost:" + server.port();
  }

  void reset() {
    server.resetAll();
  }

  /** Under Drive's scan limit: the usercontent URL serves the file straight away. */
  void smallFile(String id, String name, byte[] body) {
    ucRedirects(id);
    usercontent(id, false, file(name, body));
  }

  /** Over the scan limit: the usercontent URL answers with the virus-scan warning, its form's URL with the file. */
  void largeFile(String id, String name, byte[] body, String uuid) {
    ucRedirects(id);
    usercontent(id, false, html(200, virusScanWarning(id, name, uuid)));
    confirmed(id, uuid, file(name, body));
  }

  /** The usercontent URL answers with the virus-scan warning, each visit with the next of these uuids (the last one stays). */
  void warnings(String id, String name, String... uuids) {
    for (int i = 0; i < uuids.length; i++) {
      String state = i == 0 ? Scenario.STARTED : "visit " + i;
      ScenarioMappingBuilder m = get(urlPathEqualTo("/download")).withQueryParam("id", equalTo(id))
          .withQueryParam("confirm", absent()).inScenario("warnings " + id).whenScenarioStateIs(state);
      if (i + 1 < uuids.length) {
        m = m.willSetStateTo("visit " + (i + 1));
      }
      server.stubFor(m.willReturn(html(200, virusScanWarning(id, name, uuids[i]))));
    }
  }

  /** What the form's URL with this uuid answers. */
  void confirmed(String id, String uuid, ResponseDefinitionBuilder response) {
    server.stubFor(get(urlPathEqualTo("/download")).withQueryParam("id", equalTo(id))
        .withQueryParam("export", equalTo("download")).withQueryParam("confirm", equalTo("t"))
        .withQueryParam("uuid", equalTo(uuid)).willReturn(response));
  }

  /** {@code /uc?id=ID&export=download} answers 303 to the usercontent host, as Drive does since 2024. */
  void ucRedirects(String id) {
    uc(id, aResponse().withStatus(303)
        .withHeader("Location", USERCONTENT + "/download?id=" + id + "&export=download"));
  }

  void uc(String id, ResponseDefinitionBuilder response) {
    server.stubFor(get(urlPathEqualTo("/uc")).withQueryParam("id", equalTo(id))
        .withQueryParam("export", equalTo("download")).willReturn(response));
  }

  /** What {@code /download?id=ID&export=download} answers, without a confirmation (or with any, when {@code anyConfirm}). */
  void usercontent(String id, boolean anyConfirm, ResponseDefinitionBuilder response) {
    MappingBuilder m = get(urlPathEqualTo("/download")).withQueryParam("id", equalTo(id))
        .withQueryParam("export", equalTo("download"));
    server.stubFor((anyConfirm ? m : m.withQueryParam("confirm", absent())).willReturn(response));
  }

  /** A shared folder's embeddedfolderview page. */
  void folder(String id, String html) {
    folder(id, html(200, html));
  }

  void folder(String id, ResponseDefinitionBuilder response) {
    server.stubFor(get(urlPathEqualTo("/embeddedfolderview")).withQueryParam("id", equalTo(id)).willReturn(response));
  }

  /** Every request, oldest first. */
  List<LoggedRequest> requests() {
    List<LoggedRequest> newestFirst = new ArrayList<>(server.getAllServeEvents().stream().map(e -> e.getRequest()).toList());
    Collections.reverse(newestFirst);
    return newestFirst;
  }

  List<String> urls() {
    return requests().stream().map(LoggedRequest::getUrl).toList();
  }

  @Override
  public void close() {
    server.stop();
  }

  /** A file as drive.usercontent.google.com serves it: with its length and name. */
  static ResponseDefinitionBuilder file(String name, byte[] body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/octet-stream")
        .withHeader("Content-Length", Integer.toString(body.length))
        .withHeader("Content-Disposition", "attachment; filename=\"" + name + "\"; filename*=UTF-8''" + name)
        .withBody(body);
  }

  static ResponseDefinitionBuilder html(int status, String page) {
    return aResponse().withStatus(status).withHeader("Content-Type", "text/html; charset=utf-8").withBody(page);
  }

  static String virusScanWarning(String id, String name, String uuid) {
    return fixture("virus-scan-warning.html").replace("{{ID}}", id).replace("{{NAME}}", name).replace("{{UUID}}", uuid);
  }

  static String quotaExceeded() {
    return fixture("quota-exceeded.html");
  }

  static String signIn(String id) {
    return fixture("sign-in.html").replace("{{ID}}", id);
  }

  static String notFound() {
    return fixture("not-found.html");
  }

  /** An embeddedfolderview page; each child is {@code {href, name}}, rendered as gdown's sample. */
  static String folderPage(String name, String[]... children) {
    StringBuilder links = new StringBuilder();
    for (String[] c : children) {
      links.append("<a href=\"").append(c[0]).append("\">\n<img src=\"https://drive-thirdparty.googleusercontent.com/16/")
          .append("type/application/octet-stream\" alt=\"\">\n").append(c[1]).append("\n</a>\n");
    }
    return fixture("folder.html").replace("{{NAME}}", name).replace("{{CHILDREN}}", links);
  }

  static String fixture(String name) {
    try (InputStream in = Objects.requireNonNull(DriveStub.class.getResourceAsStream("/gdrive/" + name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
