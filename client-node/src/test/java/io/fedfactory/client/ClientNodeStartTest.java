package io.fedfactory.client;

import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
class ClientNodeStartTest {

    @Test
    void startsConnectedToKafkaWithHealthAndMetrics() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body(containsString("Kafka"));
        given().get("/metrics").then().statusCode(200).body(containsString("service=\"client-node\""));
    }
}
