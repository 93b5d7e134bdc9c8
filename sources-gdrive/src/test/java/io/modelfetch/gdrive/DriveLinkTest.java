package io.modelfetch.gdrive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.gdrive.DriveLink.Type;
import io.modelfetch.testing.TestResolverContext;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The URL forms of research B1, the "Google Drive URL → file id" vectors and gdown's parse_url tests. */
class DriveLinkTest {
  private static final GoogleDriveResolver RESOLVER = new GoogleDriveResolver();

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      https://drive.google.com/file/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/view?usp=sharing                         | FILE         | 0B_NiLAzvehC9R2stRmQyM3ZiVjQ      | -
      https://drive.google.com/file/u/0/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/view?usp=sharing                     | FILE         | 0B_NiLAzvehC9R2stRmQyM3ZiVjQ      | -
      https://drive.google.com/file/d/1lW4mf5YNtS4MAD7ZkAauDDWp2N3_Qzs7/view?usp=sharing                    | FILE         | 1lW4mf5YNtS4MAD7ZkAauDDWp2N3_Qzs7 | -
      https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz012345/preview                             | FILE         | 1AbCdEfGhIjKlMnOpQrStUvWxYz012345 | -
      https://drive.google.com/open?id=0B_NiLAzvehC9R2stRmQyM3ZiVjQ                                         | FILE         | 0B_NiLAzvehC9R2stRmQyM3ZiVjQ      | -
      https://drive.google.com/uc?id=0B_NiLAzvehC9R2stRmQyM3ZiVjQ                                           | FILE         | 0B_NiLAzvehC9R2stRmQyM3ZiVjQ      | -
      https://drive.google.com/uc?export=download&id=1qGe5Zq8VzGxU90Kpt3fUb4noBBywUGuw                      | FILE         | 1qGe5Zq8VzGxU90Kpt3fUb4noBBywUGuw | -
      https://drive.google.com/a/jsk.imi.i.u-tokyo.ac.jp/uc?id=0B_NiLAzvehC9R2stRmQyM3ZiVjQ&export=download | FILE         | 0B_NiLAzvehC9R2stRmQyM3ZiVjQ      | -
      https://docs.google.com/uc?export=download&id=0B_NiLAzvehC9R2stRmQyM3ZiVjQ                            | FILE         | 0B_NiLAzvehC9R2stRmQyM3ZiVjQ      | -
      https://drive.usercontent.google.com/download?id=1TEttZpAFh-bYl9scJdaEXeoZzHaNzUji&export=download&authuser=0 | FILE  | 1TEttZpAFh-bYl9scJdaEXeoZzHaNzUji | -
      https://drive.usercontent.google.com/download?id=1TEttZpAFh-bYl9scJdaEXeoZzHaNzUji&export=download&confirm=t&uuid=2b32fee2-d9c8 | FILE | 1TEttZpAFh-bYl9scJdaEXeoZzHaNzUji | -
      https://drive.usercontent.google.com/u/0/uc?id=1TEttZpAFh-bYl9scJdaEXeoZzHaNzUji&export=download      | FILE         | 1TEttZpAFh-bYl9scJdaEXeoZzHaNzUji | -
      https://drive.google.com/file/d/1lW4mf5YNtS4MAD7ZkAauDDWp2N3_Qzs7/edit?usp=drive_link                 | FILE         | 1lW4mf5YNtS4MAD7ZkAauDDWp2N3_Qzs7 | -
      https://drive.google.com/file/d/1lW4mf5YNtS4MAD7ZkAauDDWp2N3_Qzs7                                     | FILE         | 1lW4mf5YNtS4MAD7ZkAauDDWp2N3_Qzs7 | -
      https://docs.google.com/file/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/edit                                      | FILE         | 0B_NiLAzvehC9R2stRmQyM3ZiVjQ      | -
      https://DRIVE.Google.com/file/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/view                                     | FILE         | 0B_NiLAzvehC9R2stRmQyM3ZiVjQ      | -
      http://drive.google.com/open?id=0B_NiLAzvehC9R2stRmQyM3ZiVjQ                                          | FILE         | 0B_NiLAzvehC9R2stRmQyM3ZiVjQ      | -
      https://drive.google.com/file/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/view?usp=sharing&resourcekey=0-Ab_Cd-Ef  | FILE         | 0B_NiLAzvehC9R2stRmQyM3ZiVjQ      | 0-Ab_Cd-Ef
      https://drive.google.com/uc?id=0B_NiLAzvehC9R2stRmQyM3ZiVjQ&export=download&resourcekey=0-Ab_Cd-Ef   | FILE         | 0B_NiLAzvehC9R2stRmQyM3ZiVjQ      | 0-Ab_Cd-Ef
      https://drive.google.com/drive/folders/1KpLl_1tcK0eeehzN980zbG-3M2nhbVks?usp=sharing                  | FOLDER       | 1KpLl_1tcK0eeehzN980zbG-3M2nhbVks | -
      https://drive.google.com/drive/u/0/folders/1RPMwVHU34yX0R_HbxAWmxF2EHy961HA3                          | FOLDER       | 1RPMwVHU34yX0R_HbxAWmxF2EHy961HA3 | -
      https://drive.google.com/drive/folders/1KpLl_1tcK0eeehzN980zbG-3M2nhbVks?resourcekey=0-xyz            | FOLDER       | 1KpLl_1tcK0eeehzN980zbG-3M2nhbVks | 0-xyz
      https://drive.google.com/embeddedfolderview?id=1KpLl_1tcK0eeehzN980zbG-3M2nhbVks                      | FOLDER       | 1KpLl_1tcK0eeehzN980zbG-3M2nhbVks | -
      https://docs.google.com/document/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/edit                                  | DOCUMENT     | 0B_NiLAzvehC9R2stRmQyM3ZiVjQ      | -
      https://docs.google.com/document/u/0/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/edit                              | DOCUMENT     | 0B_NiLAzvehC9R2stRmQyM3ZiVjQ      | -
      https://docs.google.com/spreadsheets/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/edit                              | SPREADSHEET  | 0B_NiLAzvehC9R2stRmQyM3ZiVjQ      | -
      https://docs.google.com/spreadsheets/u/0/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/edit                          | SPREADSHEET  | 0B_NiLAzvehC9R2stRmQyM3ZiVjQ      | -
      https://docs.google.com/presentation/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/edit                              | PRESENTATION | 0B_NiLAzvehC9R2stRmQyM3ZiVjQ      | -
      https://docs.google.com/presentation/u/0/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/htmlview                      | PRESENTATION | 0B_NiLAzvehC9R2stRmQyM3ZiVjQ      | -
      """)
  void readsTheIdFromEveryForm(String url, Type type, String id, String resourceKey) throws DownloadException {
    assertThat(RESOLVER.accepts(url)).isTrue();
    assertThat(DriveLink.parse(url)).isEqualTo(new DriveLink(type, id, resourceKey));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://drive.google.com/file/d/0B9P1L--7Wd2vU3VUVlFnbTgtS2c/view?usp=sharing",
      "https://drive.google.com/open?id=0B9P1L--7Wd2vU3VUVlFnbTgtS2c",
      "https://drive.google.com/uc?id=0B9P1L--7Wd2vU3VUVlFnbTgtS2c",
  })
  void everyFileFormStartsAtTheUcDownloadUrlAsGdownRewritesIt(String url) throws DownloadException {
    DriveEndpoint drive = DriveEndpoint.of(TestResolverContext.forService("gdrive"));
    assertThat(drive.fileStart(DriveLink.parse(url)))
        .hasToString("https://drive.google.com/uc?id=0B9P1L--7Wd2vU3VUVlFnbTgtS2c&export=download");
  }

  @Test
  void theResourceKeyTravelsWithTheFirstRequest() throws DownloadException {
    DriveEndpoint drive = DriveEndpoint.of(TestResolverContext.forService("gdrive"));
    DriveLink link = DriveLink.parse("https://drive.google.com/file/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/view?resourcekey=0-k");
    assertThat(drive.fileStart(link))
        .hasToString("https://drive.google.com/uc?id=0B_NiLAzvehC9R2stRmQyM3ZiVjQ&export=download&resourcekey=0-k");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      https://drive.google.com/uc?id=a&id=b                        | INVALID_REQUEST    | names 2 ids
      https://drive.google.com/uc?export=download                  | INVALID_REQUEST    | names no id
      https://drive.google.com/open                                | INVALID_REQUEST    | names no id
      https://drive.google.com/file/d/0B_Ni%26x=y/view             | INVALID_REQUEST    | copied whole
      https://drive.google.com/drive/my-drive                      | UNSUPPORTED_SOURCE | does not name a file or a folder
      https://docs.google.com/forms/d/e/1FAIpQLSf/viewform         | UNSUPPORTED_SOURCE | does not name a file or a folder
      https://drive.google.com/                                    | UNSUPPORTED_SOURCE | https://drive.google.com/file/d/ID/view
      """)
  void refusesWhatNamesNoSingleFileOrFolder(String url, Kind kind, String message) {
    assertThat(RESOLVER.accepts(url)).isTrue();
    assertThatThrownBy(() -> DriveLink.parse(url)).isInstanceOf(DownloadException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((DownloadException) e).kind()).isEqualTo(kind));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://github.com/wkentaro/gdown/archive/refs/tags/v4.0.0.tar.gz",
      "https://drive.google.com.evil.example/file/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/view",
      "https://evil.example/drive.google.com/file/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/view",
      "ftp://drive.google.com/uc?id=0B_NiLAzvehC9R2stRmQyM3ZiVjQ",
      "drive.google.com/file/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/view",
      "https://photos.google.com/share/AF1Qip",
      "https://civitai.com/models/827184",
      "https://drive.google.com/file/d/has space/view",
  })
  void leavesOtherUrlsToOtherResolvers(String url) {
    assertThat(RESOLVER.accepts(url)).isFalse();
  }
}
