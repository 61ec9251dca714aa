package io.fedfactory.client.training;

import io.fedfactory.client.SiteCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Sites that keep the default --seed still train unrelated modules: the site id is part of every module's seed. */
class ModuleSeedsTest {

    @Test
    void twoSitesWithTheDefaultSeedGetDifferentModuleSeeds() {
        long defaultSeed = Long.parseLong(new CommandLine(new SiteCommand()).getCommandSpec().findOption("--seed").defaultValue());
        ModuleTraining.Plan plan = new ModuleTraining.Plan("decoder", 1, 1, 8, defaultSeed, 1);
        Set<Long> seeds = new HashSet<>();
        for (String site : List.of("site-a", "site-b", "site-c")) {
            for (int c = 0; c < 3; c++) seeds.add(plan.classSeed(site, c));
        }
        assertEquals(9, seeds.size(), "every (site, class) pair has its own seed");
        assertEquals(plan.classSeed("site-a", 0), new ModuleTraining.Plan("decoder", 1, 1, 8, defaultSeed, 1).classSeed("site-a", 0),
                "and the same site and class the same seed, run after run");
        assertNotEquals(plan.classSeed("site-a", 0), new ModuleTraining.Plan("decoder", 1, 1, 8, defaultSeed + 1, 1)
                .classSeed("site-a", 0));
    }
}
