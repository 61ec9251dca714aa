package io.fedfactory.lineage;

import io.fedfactory.generative.ModuleKind;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every module kind has its own wire kind, the one whose name the proto gives it. */
class WireKindTest {

    @Test
    void everyKindMapsToItsOwnWireKind() {
        Set<io.fedfactory.proto.v1.ModuleKind> seen = new HashSet<>();
        for (ModuleKind k : ModuleKind.values()) {
            io.fedfactory.proto.v1.ModuleKind wire = WireManifests.wireKind(k);
            assertEquals("MODULE_KIND_" + k.name(), wire.name(), k.wireName());
            assertTrue(seen.add(wire), k + " shares its wire kind");
        }
        assertEquals(ModuleKind.LATENT_DIFFUSION, ModuleKind.fromWireName("latent-diffusion"));
    }
}
