package io.fedfactory.inference;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The service's shipped configuration, read the way Quarkus reads it, with an operator's override on top. */
class ServicePortsTest {

    @Test
    void theHttpsPortFollowsQuarkusHttpPort() throws Exception {
        URL shipped = Path.of("src/main/resources/application.properties").toUri().toURL();
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(shipped, 250))
                .withSources(new PropertiesConfigSource(Map.of("quarkus.http.port", "9443"), "operator", 400))
                .build();
        // Before: a literal 8082, so moving quarkus.http.port left HTTPS on 8082.
        assertEquals(9443, config.getValue("quarkus.http.ssl-port", Integer.class));
    }
}
