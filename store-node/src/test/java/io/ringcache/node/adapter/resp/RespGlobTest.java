package io.ringcache.node.adapter.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Redis' glob rules, case by case (the cases of Redis' own documentation of KEYS and SCAN MATCH). */
class RespGlobTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', value = {
        "h?llo|hello|true", "h?llo|hallo|true", "h?llo|hllo|false",
        "h*llo|hllo|true", "h*llo|heeeello|true", "h*llo|hellox|false",
        "h[ae]llo|hello|true", "h[ae]llo|hillo|false",
        "h[^e]llo|hallo|true", "h[^e]llo|hello|false",
        "h[a-b]llo|hbllo|true", "h[a-b]llo|hcllo|false",
        "h\\*llo|h*llo|true", "h\\*llo|hello|false",
        "*|anything|true", "user:*:name|user:42:name|true", "user:*:name|user:42:mail|false",
        "**a|bba|true", "a*b*c|axxbyyc|true", "a*b*c|axxbyy|false"})
    void matchesAsRedisDoes(String pattern, String key, boolean expected) {
        assertEquals(expected, RespGlob.matches(pattern.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8)));
    }
}
