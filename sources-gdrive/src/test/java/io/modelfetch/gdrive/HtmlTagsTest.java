package io.modelfetch.gdrive;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.gdrive.HtmlTags.Tag;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The small tag reader under the confirmation page parser. */
class HtmlTagsTest {

  @Test
  void readsAttributesInEveryQuotingStyleLowerCasedAndDecoded() {
    List<Tag> tags = HtmlTags.read("<INPUT Type=hidden name='a&amp;b' value=\"x &quot;y&quot;\" disabled/>");
    assertThat(tags).singleElement().satisfies(t -> {
      assertThat(t.name()).isEqualTo("input");
      assertThat(t.attributes()).containsExactly(entry("type", "hidden"), entry("name", "a&b"),
          entry("value", "x \"y\""), entry("disabled", ""));
    });
  }

  @Test
  void skipsCommentsDoctypesAndScriptAndStyleBodies() {
    List<Tag> tags = HtmlTags.read("<!DOCTYPE html><!-- <input name=a> --><script>if (a<b) { x('<input name=b>'); }"
        + "</script><style>p<q{}</style><p class=x>1 < 2</p>");
    assertThat(tags).extracting(t -> (t.closing() ? "/" : "") + t.name())
        .containsExactly("script", "/script", "style", "/style", "p", "/p");
  }

  @Test
  void anUnterminatedTagEndsTheScanInsteadOfGuessing() {
    assertThat(HtmlTags.read("<a href=\"x\">ok</a><input name=\"cut")).extracting(Tag::name).containsExactly("a", "a");
  }

  @Test
  void textDropsTagsDecodesEntitiesAndCollapsesSpace() {
    String html = "<p>Sorry, you can&#39;t <b>view</b>\n   or&nbsp;download &#x263A; &bogus; &amp</p>";
    assertThat(HtmlTags.text(html, 3, html.length() - 4)).isEqualTo("Sorry, you can't view or download \u263A &bogus; &amp");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      a&amp;b            | a&b
      &lt;&gt;&quot;     | <>"
      &#65;&#x42;&#X43;  | ABC
      &#0;&#xZZ;         | &#0;&#xZZ;
      no entities        | no entities
      """)
  void decodesNamedAndNumericReferencesAndKeepsBrokenOnes(String in, String out) {
    assertThat(Entities.decode(in)).isEqualTo(out);
  }
}
