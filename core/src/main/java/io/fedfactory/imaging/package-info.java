/**
 * Pictures for reports: grids of sample images per class, and grouped bar charts, drawn with Java2D
 * without a display and written as PNG.
 */
package io.fedfactory.imaging;
