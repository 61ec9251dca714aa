/**
 * Federated baselines run in the same harness and with the same classifier architecture as the
 * one-shot method: centralized training on pooled real data (the upper reference) and FedAvg/FedProx
 * weight averaging over sites (the method the one-shot approach is compared against).
 */
package io.fedfactory.bench.baseline;
