package io.fedfactory.deploy.images;

import ai.djl.engine.Engine;

/**
 * Run by the images build (not a test): loads DJL's PyTorch engine once with {@code DJL_CACHE_DIR}
 * pointing into target/, so libtorch and DJL's JNI library are unpacked at build time into the folder
 * that becomes the image's /opt/djl, and a container never unpacks anything at start.
 */
public final class NativeCache {

    public static void main(String[] args) {
        Engine engine = Engine.getEngine("PyTorch");
        System.out.println("unpacked " + engine.getEngineName() + " " + engine.getVersion() + " into " + System.getenv("DJL_CACHE_DIR"));
    }

    private NativeCache() {
    }
}
