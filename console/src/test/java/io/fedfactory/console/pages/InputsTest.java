package io.fedfactory.console.pages;

import io.fedfactory.console.login.Session;
import io.fedfactory.proto.v1.LoginToken;
import io.fedfactory.security.Identity;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InputsTest {

    @Test
    void everyRefusalNamesTheFieldAndTheLimit() {
        assertEquals("reason: must be 1 to 1000 characters, got 1001",
                assertThrows(ConsoleError.class, () -> Inputs.reason("x".repeat(1001))).getMessage());
        assertEquals("reason: must be 1 to 1000 characters, got 0",
                assertThrows(ConsoleError.class, () -> Inputs.reason("   ")).getMessage());
        assertEquals("site_id", assertThrows(ConsoleError.class, () -> Inputs.siteId("site_id", "Site A")).field());
        assertEquals(400, assertThrows(ConsoleError.class, () -> Inputs.moduleId("module_ids", "abc")).status());
        assertEquals("from: must be an RFC 3339 time such as 2026-01-31T12:00:00Z, got 'noon'",
                assertThrows(ConsoleError.class, () -> Inputs.time("from", "noon")).getMessage());
        assertEquals("actor: must be at most 200 characters, got 201",
                assertThrows(ConsoleError.class, () -> Inputs.filter("actor", "a".repeat(201))).getMessage());
        assertEquals("a".repeat(64), Inputs.moduleId("module_id", "a".repeat(64)));
        assertEquals("fed-1", Inputs.id("federation_id", "fed-1"));
    }

    @Test
    void aFormWithoutTheSessionsTokenIsRefused() {
        Session s = new Session("id", Identity.site("site-00"), LoginToken.getDefaultInstance(), "secret", Instant.MAX);
        Inputs.csrf(s, "secret");
        ConsoleError e = assertThrows(ConsoleError.class, () -> Inputs.csrf(s, null));
        assertEquals(403, e.status());
        assertEquals("csrf", e.field());
        assertThrows(ConsoleError.class, () -> Inputs.csrf(s, "secreT"));
    }
}
