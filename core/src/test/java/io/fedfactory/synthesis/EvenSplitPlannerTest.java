package io.fedfactory.synthesis;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.ClassLabel;
import io.fedfactory.generative.DecoderSampling;
import io.fedfactory.generative.ModuleKind;
import io.fedfactory.generative.ModuleManifest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.fedfactory.synthesis.TestModules.LABELS;
import static io.fedfactory.synthesis.TestModules.SPEC;
import static io.fedfactory.synthesis.TestModules.id;
import static io.fedfactory.synthesis.TestModules.manifest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvenSplitPlannerTest {

    static final EvenSplitPlanner STRICT = new EvenSplitPlanner(EvenSplitPlanner.UncoveredClasses.FAIL);

    static List<ModuleManifest> modules() {
        return List.of(
                manifest(id('5'), 0, "ring", SPEC),
                manifest(id('c'), 1, "bar", SPEC), manifest(id('a'), 1, "bar", SPEC),
                manifest(id('9'), 2, "dot", SPEC), manifest(id('2'), 2, "dot", SPEC), manifest(id('7'), 2, "dot", SPEC));
    }

    static String allocations(SynthesisPlan plan) {
        StringBuilder sb = new StringBuilder();
        for (Allocation a : plan.allocations()) sb.append(a.classIndex()).append(':').append(a.moduleId().charAt(0))
                .append('=').append(a.count()).append(' ');
        return sb.toString().trim();
    }

    @Test
    void splitsEachClassBudgetEvenlyWithTheRemainderInModuleIdOrder() {
        SynthesisPlan plan = STRICT.plan(LABELS, SPEC, 10, 42, modules());
        // Class 2: 10 = 4 + 3 + 3, the extra sample to the smallest id ('2').
        assertEquals("0:5=10 1:a=5 1:c=5 2:2=4 2:7=3 2:9=3", allocations(plan));
        for (int c = 0; c < 3; c++) assertEquals(10, plan.samplesOfClass(c));
        assertEquals(30, plan.totalSamples());
        assertEquals(42, plan.federationSeed());
        assertEquals(List.of(id('2'), id('5'), id('7'), id('9'), id('a'), id('c')), plan.moduleIds());
    }

    @Test
    void unevenRemaindersAndTwoModulesOnOneClass() {
        SynthesisPlan plan = STRICT.plan(LABELS, SPEC, 7, 1, modules());
        assertEquals("0:5=7 1:a=4 1:c=3 2:2=3 2:7=2 2:9=2", allocations(plan));
        plan = STRICT.plan(LABELS, SPEC, 2, 1, modules());
        // Fewer samples than modules: the last module in id order gets none and is left out.
        assertEquals("0:5=2 1:a=1 1:c=1 2:2=1 2:7=1", allocations(plan));
    }

    @Test
    void planDoesNotDependOnTheOrderModulesArriveIn() {
        List<ModuleManifest> shuffled = new ArrayList<>(modules());
        Collections.reverse(shuffled);
        assertEquals(STRICT.plan(LABELS, SPEC, 11, 3, modules()), STRICT.plan(LABELS, SPEC, 11, 3, shuffled));
    }

    @Test
    void uncoveredClassFailsUnlessSkipIsAsked() {
        List<ModuleManifest> noDot = modules().subList(0, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> STRICT.plan(LABELS, SPEC, 10, 1, noDot));
        assertTrue(e.getMessage().contains("class 2 'dot' has no module"), e.getMessage());
        SynthesisPlan plan = new EvenSplitPlanner(EvenSplitPlanner.UncoveredClasses.SKIP).plan(LABELS, SPEC, 10, 1, noDot);
        assertEquals(List.of(2), plan.skippedClasses());
        assertEquals(20, plan.totalSamples());
    }

    @Test
    void rejectsModulesThatDoNotFitTheFederation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> STRICT.plan(LABELS, SPEC, 10, 1, List.of(manifest(id('1'), 1, "Bar", SPEC))));
        assertTrue(e.getMessage().contains(id('1')) && e.getMessage().contains("'Bar'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> STRICT.plan(LABELS, SPEC, 10, 1, List.of(manifest(id('1'), 3, "cube", SPEC))));
        assertTrue(e.getMessage().contains("not a class of the federation"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> STRICT.plan(LABELS, SPEC, 10, 1,
                List.of(manifest(id('1'), 0, "ring", ImageSpec.unitRange(1, 8, 9)))));
        assertTrue(e.getMessage().contains("federation's spec"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> STRICT.plan(LABELS, SPEC, 10, 1,
                List.of(manifest(id('1'), 0, "ring", SPEC), manifest(id('1'), 0, "ring", SPEC))));
        assertTrue(e.getMessage().contains("listed twice"), e.getMessage());
        ModuleManifest twoClasses = new ModuleManifest(ModuleKind.DECODER,
                List.of(new ClassLabel(0, "ring"), new ClassLabel(1, "bar")), SPEC, new DecoderSampling(4),
                TestModules.provenance(1), "site", id('3'));
        e = assertThrows(IllegalArgumentException.class, () -> STRICT.plan(LABELS, SPEC, 10, 1, List.of(twoClasses)));
        assertTrue(e.getMessage().contains("covers 2 classes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> STRICT.plan(LABELS, SPEC, 0, 1, modules()));
        assertTrue(e.getMessage().contains("budget") && e.getMessage().contains("got 0"), e.getMessage());
    }
}
