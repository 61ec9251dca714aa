package io.fedfactory.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The SGD update of {@link SgdPlan}, in place on the network's trainable parameters. The proximal and
 * weight-decay terms are added to the gradient tensors themselves, which are zeroed after each step.
 */
final class SgdStep {


    private final ClassifierNetwork net;
    private final SgdPlan plan;
    private final int[] trainable;
    private final NDArray[] buffers;
    private final NDArray[] anchors;

    SgdStep(NDManager manager, ClassifierNetwork net, SgdPlan plan, ClassifierWeights anchor) {
        this.net = net;
        this.plan = plan;
        this.trainable = net.trainableSlots();
        this.buffers = new NDArray[trainable.length];
        this.anchors = anchor == null ? null : new NDArray[trainable.length];
        for (int t = 0; t < trainable.length; t++) {
            NDArray w = net.parameter(trainable[t]);
            if (plan.momentum() > 0f) buffers[t] = manager.zeros(w.getShape());
            if (anchors != null) {
                anchors[t] = manager.create(anchor.tensors().get(trainable[t]).valuesView(), w.getShape());
            }
        }
    }

    /** Runs outside gradient recording; the arrays it creates belong to the caller's scope. */
    void step(float lr) {
        for (int t = 0; t < trainable.length; t++) {
            NDArray w = net.parameter(trainable[t]);
            NDArray g = w.getGradient();
            if (lr > 0f) {
                if (anchors != null) g.addi(w.sub(anchors[t]).muli(plan.proximalMu()));
                if (plan.weightDecay() > 0f) g.addi(w.mul(plan.weightDecay()));
                NDArray direction = g;
                if (buffers[t] != null) direction = buffers[t].muli(plan.momentum()).addi(g);
                // lr 0 skips the update so frozen weights keep their exact bits.
                w.subi(direction.mul(lr));
            }
            JniUtils.zeroGrad((PtNDArray) w);
        }
    }
}
