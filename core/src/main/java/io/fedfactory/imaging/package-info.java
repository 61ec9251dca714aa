/**
 * Pictures of images: grids of sample images per class, drawn with Java2D without a display and
 * written as PNG ({@link io.fedfactory.imaging.PngFiles}). The benchmark's charts live in bench.
 */
package io.fedfactory.imaging;
