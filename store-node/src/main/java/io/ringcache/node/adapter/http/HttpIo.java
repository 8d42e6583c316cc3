package io.ringcache.node.adapter.http;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Decoding the parts of a request line: query parameters and percent-encoded path segments. */
final class HttpIo {

    private HttpIo() {
    }

    /** The query's parameters, form-decoded as UTF-8; the first value of a repeated name wins. */
    static Map<String, String> query(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        Map<String, String> params = new LinkedHashMap<>();
        int start = 0;
        while (start <= raw.length()) {
            int amp = raw.indexOf('&', start);
            int end = amp < 0 ? raw.length() : amp;
            if (end > start) {
                String pair = raw.substring(start, end);
                int eq = pair.indexOf('=');
                String name = formDecode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : formDecode(pair.substring(eq + 1));
                params.putIfAbsent(name, value);
            }
            start = end + 1;
        }
        return Collections.unmodifiableMap(params);
    }

    private static String formDecode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("malformed percent-encoding in the query");
        }
    }

    /** Percent-decodes a path segment to its bytes ('+' stays '+'); other characters are taken as UTF-8. */
    static byte[] percentDecode(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw HttpError.badRequest("malformed percent-encoding in the path");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw HttpError.badRequest("malformed percent-encoding in the path");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                int end = i + (Character.isHighSurrogate(c) && i + 1 < raw.length() ? 2 : 1);
                out.writeBytes(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        return out.toByteArray();
    }
}
