package dev.cistern.server.logs;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;

import static org.assertj.core.api.Assertions.assertThat;

/** java.util.logging records (the engine's) reach logback with their logger name, level and formatted message. */
class JulBridgeTest {

    @Test
    void julRecordsArriveInLogback() {
        java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
        Handler[] saved = root.getHandlers();
        Level savedLevel = root.getLevel();
        Logger target = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.cistern.engine.core.BridgeProbe");
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        target.addAppender(seen);
        try {
            JulBridge.install();
            java.util.logging.Logger jul = java.util.logging.Logger.getLogger("dev.cistern.engine.core.BridgeProbe");
            jul.log(Level.WARNING, "container {0} is damaged", 17);
            jul.fine("too fine to pass");
            assertThat(seen.list).singleElement().satisfies(e -> {
                assertThat(e.getFormattedMessage()).isEqualTo("container 17 is damaged");
                assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
            });
        } finally {
            target.detachAppender(seen);
            for (Handler h : root.getHandlers()) root.removeHandler(h);
            for (Handler h : saved) root.addHandler(h);
            root.setLevel(savedLevel);
        }
    }
}
