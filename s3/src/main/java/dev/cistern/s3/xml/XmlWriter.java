package dev.cistern.s3.xml;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Builds the small XML documents S3 answers with. Elements are written in order; text is escaped and
 * characters XML 1.0 cannot carry are replaced, so a response is always well formed.
 */
public final class XmlWriter {
    public static final String S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/";

    private final StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    private final Deque<String> open = new ArrayDeque<>();

    /** A document whose root element carries the S3 namespace. */
    public static XmlWriter document(String root) {
        XmlWriter w = new XmlWriter();
        w.sb.append('<').append(root).append(" xmlns=\"").append(S3_NS).append("\">");
        w.open.push(root);
        return w;
    }

    /** A document whose root element has no namespace (error documents). */
    public static XmlWriter plainDocument(String root) {
        XmlWriter w = new XmlWriter();
        w.sb.append('<').append(root).append('>');
        w.open.push(root);
        return w;
    }

    public XmlWriter start(String name) {
        sb.append('<').append(name).append('>');
        open.push(name);
        return this;
    }

    public XmlWriter end() {
        sb.append("</").append(open.pop()).append('>');
        return this;
    }

    /** {@code <name>text</name>}; nothing when text is null. */
    public XmlWriter element(String name, Object text) {
        if (text == null) return this;
        sb.append('<').append(name).append('>');
        escape(String.valueOf(text));
        sb.append("</").append(name).append('>');
        return this;
    }

    public String finish() {
        while (!open.isEmpty()) end();
        return sb.toString();
    }

    public byte[] bytes() {
        return finish().getBytes(StandardCharsets.UTF_8);
    }

    private void escape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        sb.append("&#x").append(Integer.toHexString(0xFFFD)).append(';');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
    }
}
