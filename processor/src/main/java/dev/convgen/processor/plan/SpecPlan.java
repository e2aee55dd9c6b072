package dev.convgen.processor.plan;

import dev.convgen.processor.model.KernelSpec;
import java.util.List;

/**
 * A lowered spec with the plan of each of its stages, in execution order: everything the emitters
 * need to write its source file.
 */
public record SpecPlan(KernelSpec spec, List<KernelPlan> stages) {}
