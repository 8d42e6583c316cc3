package io.ringcache.placement.app.ringctl;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ringctl's {@code --output json}, written by Jackson: maps (key order kept), collections,
 * strings, numbers, booleans and null, pretty-printed with two-space indents. Field names are
 * snake_case like the proto fields; the shape of each command's document is part of the CLI's
 * contract (see the README section).
 */
final class Json {

    private static final ObjectWriter WRITER = new ObjectMapper().writer(new Printer());

    private Json() {
    }

    /** An ordered object: {@code obj("a", 1, "b", "x")}. */
    static Map<String, Object> obj(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    static String write(Object value) {
        try {
            return WRITER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Two-space indents, {@code "key": value}, and empty containers as {@code []} / {@code {}}. */
    private static final class Printer extends DefaultPrettyPrinter {
        private static final long serialVersionUID = 1L;

        Printer() {
            super(DefaultPrettyPrinter.DEFAULT_ROOT_VALUE_SEPARATOR);
            DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
            indentObjectsWith(indenter);
            indentArraysWith(indenter);
            _separators = Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER);
            _objectFieldValueSeparatorWithSpaces = ": ";
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new Printer();
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            if (values == 0) {
                if (!_arrayIndenter.isInline()) {
                    --_nesting; // what the parent would do, without its line break
                }
                g.writeRaw(']');
            } else {
                super.writeEndArray(g, values);
            }
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            if (entries == 0) {
                if (!_objectIndenter.isInline()) {
                    --_nesting;
                }
                g.writeRaw('}');
            } else {
                super.writeEndObject(g, entries);
            }
        }
    }
}
