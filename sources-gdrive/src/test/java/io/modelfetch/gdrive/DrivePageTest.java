package io.modelfetch.gdrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The "Confirm page HTML → next URL" vectors of the research, and the pages around them. */
class DrivePageTest {
  private static final URI PAGE = URI.create("https://drive.usercontent.google.com/download?id=FILEID&export=download");
  private static final DriveLink FILE = new DriveLink(DriveLink.Type.FILE, "FILEID", null);
  private static final String FORM = "<form id=\"download-form\" action=\"https://drive.usercontent.google.com/download\""
      + " method=\"get\">";
  private static final String FIELDS = "<input type=\"hidden\" name=\"id\" value=\"FILEID\">"
      + "<input type=\"hidden\" name=\"export\" value=\"download\"><input type=\"hidden\" name=\"confirm\" value=\"t\">";

  private static Optional<URI> next(String html) {
    return DrivePage.parse(html, PAGE).next();
  }

  private static Optional<DownloadException> stated(String html) {
    return DriveErrors.stated(DrivePage.parse(html, PAGE), FILE);
  }

  @Test
  void vector1TheFormsActionWithItsHiddenFieldsInOrder() {
    assertThat(next(FORM + FIELDS + "<input type=\"hidden\" name=\"uuid\" value=\"u-1-2-3\"></form>")).hasValue(URI.create(
        "https://drive.usercontent.google.com/download?id=FILEID&export=download&confirm=t&uuid=u-1-2-3"));
  }

  @Test
  void vector2ValuesAreEntityDecodedThenPercentEncodedAndTheAtTokenIsSent() {
    String html = FORM + FIELDS + "<input type=\"hidden\" name=\"uuid\" value=\"a1b2-c3&amp;d4\">"
        + "<input type=\"hidden\" name=\"at\" value=\"APvzH3r:17000\"></form>";
    assertThat(next(html)).hasValue(URI.create("https://drive.usercontent.google.com/download"
        + "?id=FILEID&export=download&confirm=t&uuid=a1b2-c3%26d4&at=APvzH3r%3A17000"));
  }

  @Test
  void vector3AuthuserIsKeptWhereTheDocumentPutsIt() {
    String html = FORM + "<input type=\"hidden\" name=\"id\" value=\"FILEID\"><input type=\"hidden\" name=\"authuser\""
        + " value=\"0\"><input type=\"hidden\" name=\"export\" value=\"download\"></form>";
    assertThat(next(html)).hasValue(URI.create(
        "https://drive.usercontent.google.com/download?id=FILEID&authuser=0&export=download"));
  }

  @Test
  void vector4UnnamedHiddenInputsSubmitButtonsAndCommentedOutFieldsAreIgnored() {
    String html = FORM + "<input type=\"submit\" id=\"uc-download-link\" class=\"goog-inline-block jfk-button\""
        + " value=\"Download anyway\"/><input type=\"hidden\" value=\"orphan\">" + FIELDS
        + "<!-- sometimes also: <input type=\"hidden\" name=\"authuser\" value=\"0\"> -->"
        + "<INPUT TYPE=hidden NAME=uuid VALUE='u-9'></form><input type=\"hidden\" name=\"after\" value=\"form\">";
    assertThat(next(html)).hasValue(URI.create(
        "https://drive.usercontent.google.com/download?id=FILEID&export=download&confirm=t&uuid=u-9"));
  }

  @Test
  void vector5ThePre2023DownloadAnywayLinkOnDocsGoogleCom() {
    assertThat(next("<a id=\"uc-download-link\" class=\"goog-inline-block jfk-button\""
        + " href=\"/uc?export=download&amp;confirm=9iBg&amp;id=FILEID\">Download anyway</a>"))
        .hasValue(URI.create("https://docs.google.com/uc?export=download&confirm=9iBg&id=FILEID"));
  }

  @Test
  void vector6AnInlineDownloadUrlIsUnescaped() {
    assertThat(next("<script>var x = {\"downloadUrl\":\"https://drive.usercontent.google.com/download?id\\u003dX"
        + "\\u0026export\\u003ddownload\"};</script>"))
        .hasValue(URI.create("https://drive.usercontent.google.com/download?id=X&export=download"));
  }

  @Test
  void vector7TheQuotaPageIsQuotaExceededWithAdvice() {
    DownloadException e = stated(DriveStub.quotaExceeded()).orElseThrow();
    assertThat(e.kind()).isEqualTo(Kind.QUOTA_EXCEEDED);
    assertThat(e.getMessage()).contains("FILEID", "Too many users".toLowerCase(), "24 hours", "make a copy",
        "https://drive.google.com/file/d/FILEID/view");
    assertThat(next(DriveStub.quotaExceeded())).isEmpty();
  }

  @Test
  void vector8TheSignInPageIsNeverSubmittedEvenWhenItsFormLooksLikeTheConfirmation() {
    DownloadException e = stated(DriveStub.signIn("FILEID")).orElseThrow();
    assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION_REQUIRED);
    assertThat(e.getMessage()).contains("Anyone with the link");
    String disguised = "<html><head><title>Google Drive</title></head><body><form id=\"download-form\""
        + " action=\"https://accounts.google.com/ServiceLogin\" method=\"post\">" + FIELDS + "</form></body></html>";
    assertThat(stated(disguised)).hasValueSatisfying(d -> assertThat(d.kind()).isEqualTo(Kind.AUTHENTICATION_REQUIRED));
  }

  @Test
  void theDocumentedVirusScanWarningLeadsToTheConfirmedUsercontentUrl() {
    String page = DriveStub.virusScanWarning("1s52ek_4YTDRt_EOkx1FS53u-vJa0c4nu", "model.safetensors",
        "2b32fee2-d9c8-48a0-be9a-51d4b1dea839");
    assertThat(stated(page)).isEmpty();
    assertThat(DrivePage.parse(page, PAGE).title()).isEqualTo("Google Drive - Virus scan warning");
    assertThat(next(page)).hasValue(URI.create("https://drive.usercontent.google.com/download"
        + "?id=1s52ek_4YTDRt_EOkx1FS53u-vJa0c4nu&export=download&confirm=t&uuid=2b32fee2-d9c8-48a0-be9a-51d4b1dea839"));
  }

  @Test
  void theFormsLegacyIdAndARelativeActionWork() {
    String html = "<form id=\"downloadForm\" action=\"/download?authuser=0\" method=\"get\">" + FIELDS + "</form>";
    assertThat(next(html)).hasValue(URI.create(
        "https://drive.usercontent.google.com/download?authuser=0&id=FILEID&export=download&confirm=t"));
  }

  @Test
  void otherErrorCaptionsAreRefusalsInDrivesOwnWords() {
    DownloadException e = stated("<p class=\"uc-error-caption\">Sorry</p><p class=\"uc-error-subcaption\">This file"
        + " is in the owner&#39;s trash.</p>").orElseThrow();
    assertThat(e.kind()).isEqualTo(Kind.ACCESS_DENIED);
    assertThat(e.getMessage()).contains("This file is in the owner's trash.", "Anyone with the link");
    assertThat(stated("<p class=\"uc-error-subcaption\">Sorry, the file you have requested does not exist.</p>"))
        .hasValueSatisfying(n -> assertThat(n.kind()).isEqualTo(Kind.NOT_FOUND));
  }

  @Test
  void theDriveApisQuotaAnswerIsAlsoQuotaExceeded() {
    String json = "{\"error\":{\"errors\":[{\"domain\":\"usageLimits\",\"reason\":\"downloadQuotaExceeded\",\"message\":"
        + "\"The download quota for this file has been exceeded.\"}],\"code\":403}}";
    assertThat(stated(json)).hasValueSatisfying(e -> assertThat(e.kind()).isEqualTo(Kind.QUOTA_EXCEEDED));
  }

  @Test
  void aPageWithNothingToFollowLeadsNowhere() {
    assertThat(next(DriveStub.notFound())).isEmpty();
    assertThat(next("<html><head><title>Google Drive</title></head><body><p>Loading...</body></html>")).isEmpty();
    assertThat(next(FORM + "<input type=\"hidden\" name=\"id\" value=\"x\"")).isEmpty();
  }
}
