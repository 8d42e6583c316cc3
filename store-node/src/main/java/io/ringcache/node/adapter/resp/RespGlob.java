package io.ringcache.node.adapter.resp;

/**
 * Redis' glob patterns, as SCAN's MATCH and KEYS use them, on bytes: {@code *} any run, {@code ?}
 * one byte, {@code [abc]}, {@code [^abc]} and {@code [a-z]} a set, {@code \x} the byte x itself.
 * Written here because it is Redis' own matcher (byte-wise, its escapes and set rules), which no
 * Java glob library reproduces.
 */
final class RespGlob {

    private RespGlob() {
    }

    static boolean matches(byte[] pattern, byte[] string) {
        return match(pattern, 0, string, 0);
    }

    private static boolean match(byte[] p, int pi, byte[] s, int si) {
        while (pi < p.length) {
            byte c = p[pi];
            if (c == '*') {
                while (pi + 1 < p.length && p[pi + 1] == '*') {
                    pi++;
                }
                if (pi + 1 == p.length) {
                    return true;
                }
                for (int from = si; from <= s.length; from++) {
                    if (match(p, pi + 1, s, from)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length) {
                return false;
            }
            if (c == '?') {
                pi++;
                si++;
            } else if (c == '[') {
                int end = pi + 1;
                boolean negate = end < p.length && p[end] == '^';
                if (negate) {
                    end++;
                }
                boolean hit = false;
                while (end < p.length && p[end] != ']') {
                    if (p[end] == '\\' && end + 1 < p.length) {
                        hit |= p[end + 1] == s[si];
                        end += 2;
                    } else if (end + 2 < p.length && p[end + 1] == '-' && p[end + 2] != ']') {
                        int lo = Math.min(p[end] & 0xFF, p[end + 2] & 0xFF);
                        int hi = Math.max(p[end] & 0xFF, p[end + 2] & 0xFF);
                        int b = s[si] & 0xFF;
                        hit |= b >= lo && b <= hi;
                        end += 3;
                    } else {
                        hit |= p[end] == s[si];
                        end++;
                    }
                }
                if (hit == negate) {
                    return false;
                }
                pi = Math.min(end + 1, p.length);
                si++;
            } else {
                if (c == '\\' && pi + 1 < p.length) {
                    pi++;
                    c = p[pi];
                }
                if (c != s[si]) {
                    return false;
                }
                pi++;
                si++;
            }
        }
        return si == s.length;
    }
}
