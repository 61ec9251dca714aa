package io.fedfactory.bench;

/** A method that did not finish under one seed, with the error that stopped it; the other runs go on. */
record MethodFailure(String method, long seed, String error) {
}
