package dev.cistern.server.logs;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;

/**
 * {@code %msg} with control characters escaped ({@code \n}, {@code \r}, {@code \t} kept, others as
 * {@code \}{@code uXXXX}), so one event is one line whatever a message repeats. Messages repeat what clients
 * send (the user name of a failed login, a container name in the audit log); without this, a name holding a
 * line break wrote a second, forged line into {@code audit.log}, and an escape sequence reached the terminal of
 * whoever tails the log. A stack trace keeps its lines: it is printed by {@code %ex}, not {@code %msg}.
 */
public final class OneLineMessage extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return escape(event.getFormattedMessage());
    }

    static String escape(String s) {
        if (s == null) return null;
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = Character.isISOControl(c) && c != '\t' || c == '\u2028' || c == '\u2029';
            if (!control) {
                if (b != null) b.append(c);
                continue;
            }
            if (b == null) b = new StringBuilder(s.length() + 16).append(s, 0, i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b == null ? s : b.toString();
    }

    /** An encoder for {@code pattern} whose {@code %msg} is this converter; started. */
    public static LayoutWrappingEncoder<ILoggingEvent> encoder(Context ctx, String pattern) {
        PatternLayout layout = new PatternLayout();
        layout.setContext(ctx);
        layout.getInstanceConverterMap().put("msg", OneLineMessage::new);
        layout.getInstanceConverterMap().put("m", OneLineMessage::new);
        layout.getInstanceConverterMap().put("message", OneLineMessage::new);
        layout.setPattern(pattern);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> enc = new LayoutWrappingEncoder<>();
        enc.setContext(ctx);
        enc.setLayout(layout);
        enc.start();
        return enc;
    }
}
